"""Cards that arrive after load are scored once each; hostile page text stays inert text."""

from __future__ import annotations

from training.harness import page_state as ps
from training.harness import sites as s

HF_URL = "https://huggingface.co/papers"


def test_late_cards_and_client_side_navigation_are_scored_once(browser, server, profile):
    papers = s.hf_trending_papers()
    first, late, swapped = papers[:10], papers[10:25], papers[30:42]
    html = s.huggingface_daily_page(
        first, late=s.LateCards(late, mode="click", batch=5), swap=s.PeriodSwap(swapped)
    )
    page = browser.open_digest(HF_URL, html)
    ps.wait_for_bars(page, len(first))

    for shown in (15, 20, 25):
        page.locator("#load-more").click()
        ps.wait_for_bars(page, shown)
    assert page.get_attribute("body", "data-late-remaining") == "0"
    ids = [card["id"] for card in ps.cards(page)]
    assert ids == [paper.id for paper in first + late]  # one bar per card, none twice
    assert all(
        page.locator(f"article:has([data-paper-id='{i}']) [data-papersieve=bar]").count() == 1 for i in ids
    )

    # A period tab swaps every card client-side (pushState, stale hydration JSON): new cards too.
    page.locator("#tab-swap").click()
    page.wait_for_url("**/papers/week/2025-W03")
    page.wait_for_function(
        "(ids) => ids.every((id) => document.querySelector(`[data-papersieve=bar][data-paper-id='${id}']`))",
        arg=[paper.id for paper in swapped],
    )
    assert [card["id"] for card in ps.cards(page)] == [paper.id for paper in swapped]
    status, reply = server.request("GET", "/profiles")
    assert status == 200
    mine = next(p for p in reply["profiles"] if p["name"] == profile)
    assert mine["papers_seen"] == len(first) + len(late) + len(swapped)


def test_hostile_titles_and_abstracts_stay_inert(browser, server, profile):
    hostile = s.hostile_papers()
    papers = [*hostile, *s.hf_trending_papers()[:6]]
    page = browser.open_digest(HF_URL, s.huggingface_daily_page(papers))
    ps.wait_for_bars(page, len(papers))
    for paper, rating in ((hostile[0], 1), (papers[5], -1)):
        ps.vote_button(page, paper.id, rating).click()
        ps.wait_for_pressed(page, paper.id, rating)
    ps.wait_for_scores(page, len(papers))

    assert page.evaluate("() => window.__pwned") is None
    # Our marks hold only what we built: no element came from page or server text.
    tags = page.evaluate(
        """() => Array.from(document.querySelectorAll('[data-papersieve] *'), (n) => n.localName)"""
    )
    assert set(tags) <= {"span", "button", "svg", "path"}
    assert {card["id"] for card in ps.cards(page)} == {paper.id for paper in papers}
    # The rated hostile paper reached the server as the literal text a reader sees.
    status, reply = server.request("GET", f"/profiles/{profile}/ratings")
    assert status == 200
    stored = {r["paper"]["id"]: r["paper"] for r in reply["ratings"]}
    assert stored[hostile[0].id]["title"] == hostile[0].title
