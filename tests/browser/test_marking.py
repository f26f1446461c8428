"""A digest page gets marked: first it asks for ratings, then it ranks; screenshots of both sites."""

from __future__ import annotations

from tests.support import SCREENSHOT_DIR
from training.datasets.shared_data import paper_json
from training.harness import page_state as ps
from training.harness import sites as s

HF_URL = "https://huggingface.co/papers"
ARXIV_URL = "https://arxiv.org/list/cs.LG/new"


def set_thresholds_around_scores(browser, page, card_tag: str) -> None:
    """Set the reader's thresholds around this page's scores, as one would, and check the marks."""
    ranked = sorted(card["score"] for card in ps.cards(page))
    high, low = ranked[-4], ranked[len(ranked) // 2]
    # Just below the exact scores, so float rounding in the unit change cannot flip a card.
    browser.update_settings(highlightAbove=(high - 1e-6) / 100, dimBelow=(low - 1e-6) / 100)
    page.wait_for_function(f"() => document.querySelector('{card_tag}.papersieve-high')")
    # The page re-marks a moment after the change, and the old thresholds may have highlighted a
    # card already: wait until every mark is the new thresholds', then read them.
    ps.wait_for_marks(page, high, low)
    for card in ps.cards(page):
        expected = "high" if card["score"] >= high else "dim" if card["score"] < low else "plain"
        assert card["mark"] == expected, card


def test_hugging_face_page_asks_for_ratings_then_ranks(browser, server, profile):
    papers = s.hf_trending_papers()[:24]
    page = browser.open_digest(HF_URL, s.huggingface_daily_page(papers))

    ps.wait_for_bars(page, len(papers))
    assert "rate 2 more papers to start ranking" in ps.summary_text(page)
    assert all(card["badge"] == "–" and card["mark"] == "plain" for card in ps.cards(page))

    ps.vote_button(page, papers[0].id, 1).click()
    page.wait_for_function(
        "() => document.querySelector('[data-papersieve=summary]').innerText.includes('1 more')"
    )
    ps.vote_button(page, papers[3].id, -1).click()
    ps.wait_for_scores(page, len(papers))

    shown = {card["id"]: card for card in ps.cards(page)}
    assert shown[papers[0].id]["up"] and not shown[papers[0].id]["down"]
    assert shown[papers[3].id]["down"] and not shown[papers[3].id]["up"]
    assert shown[papers[0].id]["score"] > shown[papers[3].id]["score"]
    assert f"{len(papers)} scored" in ps.summary_text(page)
    status, reply = server.request("GET", f"/profiles/{profile}/ratings")
    assert status == 200
    assert {(r["paper"]["id"], r["rating"]) for r in reply["ratings"]} == {
        (papers[0].id, 1),
        (papers[3].id, -1),
    }

    # A few more ratings, as a reader would give them, so the screenshot shows a ranked page.
    for paper, rating in ((papers[5], 1), (papers[9], -1), (papers[12], 1), (papers[15], -1)):
        ps.vote_button(page, paper.id, rating).click()
        ps.wait_for_pressed(page, paper.id, rating)
    # The reader's thresholds decide the marks: set them around this page's scores, as one would.
    set_thresholds_around_scores(browser, page, "article")
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.add_style_tag(content=ps.HF_CARD_LOOK)
    ps.bar(page, papers[1].id).locator(".papersieve-badge").focus()
    page.screenshot(path=str(SCREENSHOT_DIR / "huggingface-papers.png"))


def test_arxiv_listing_is_ranked_with_reasons_on_hover_and_focus(browser, server, profile):
    # A reader who likes language papers and not vision ones, on papers that are not on the page.
    pool = s.expertise_papers(300)
    shown = s.with_tex_titles(pool[:30])
    liked = [p for p in pool[30:] if "language" in p.abstract.lower()][:8]
    disliked = [p for p in pool[30:] if "image" in p.abstract.lower() and p not in liked][:8]
    for paper, rating in [*((p, 1) for p in liked), *((p, -1) for p in disliked)]:
        status, _ = server.request(
            "POST", "/feedback", {"profile": profile, "paper": paper_json(paper), "rating": rating}
        )
        assert status == 200
    page = browser.open_digest(ARXIV_URL, s.arxiv_list_new_page(shown))

    ps.wait_for_scores(page, len(shown))
    cards = ps.cards(page)
    assert [card["id"] for card in cards] == [paper.id for paper in shown]
    for card in cards:
        expected = "high" if card["score"] >= 70 else "dim" if card["score"] < 30 else "plain"
        assert card["mark"] == expected, card
    summary = ps.summary_text(page)
    assert f"{len(shown)} scored" in summary

    first = ps.bar(page, shown[0].id)
    reasons = first.locator(".papersieve-reasons")
    assert not reasons.is_visible()
    first.locator(".papersieve-badge").hover()
    assert reasons.is_visible()
    assert reasons.inner_text().startswith("Score ")
    page.mouse.move(0, 0)
    assert not reasons.is_visible()
    first.locator(".papersieve-badge").focus()
    assert reasons.is_visible()

    # The whole card pair (dt + dd) carries the mark; a dim mark leaves the page's text in place.
    marks = page.evaluate(
        """() => Array.from(document.querySelectorAll('dl#articles > dt')).map((dt) =>
             [dt.className, dt.nextElementSibling.className])"""
    )
    assert all(dt_class == dd_class for dt_class, dd_class in marks)
    set_thresholds_around_scores(browser, page, "dd")
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    first.locator(".papersieve-badge").focus()
    page.evaluate("() => window.scrollTo(0, document.querySelector('dl#articles').offsetTop - 40)")
    page.screenshot(path=str(SCREENSHOT_DIR / "arxiv-list-new.png"))
