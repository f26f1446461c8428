"""Provisional scores (the paper's sentence embedding is not computed yet) are marked, asked for
again (when the server's reply says, else with a back-off), and re-marked in place once final,
without moving anything on the page.

The first test is end to end: the real `papersieve serve` answers provisional scores for papers it
has not embedded yet, its embedding worker computes them, and the page is re-marked; the worker's
/score calls are only watched (`context.route`, passed on untouched).

The others rewrite the real server's replies, for these tests only, because the server offers
no way from its command line to hold its embedding worker back: which papers stay provisional for
how many asks must be fixed for the back-off, "only provisional cards are asked again", the widest
badge and the hidden-card counts to be checked exactly. Every /score request still reaches the real
server; the handler marks chosen papers' entries `"provisional": true` (with a stand-in score) for
their first asks, as a server whose embedding worker is still busy would, and final otherwise; its
`refine_after_ms` is replaced by the test's own (or dropped, for the back-off).
"""

from __future__ import annotations

import json
import time
from typing import Any

from training.datasets.shared_data import paper_json
from training.harness import page_state as ps
from training.harness import sites as s

ARXIV_URL = "https://arxiv.org/list/cs.IR/new"

# Every card's bar, badge and card box (viewport px), badge look and what it says to a screen reader.
READ_BOXES_JS = """() => Array.from(document.querySelectorAll('[data-papersieve=bar]')).map((bar) => {
  const badge = bar.querySelector('.papersieve-badge');
  const box = (node) => { const r = node.getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; };
  return {
    id: bar.dataset.paperId,
    text: badge.textContent,
    provisional: badge.classList.contains('papersieve-badge-provisional'),
    label: badge.getAttribute('aria-label'),
    why: bar.querySelector('.papersieve-reasons').textContent,
    badge: box(badge),
    bar: box(bar),
    up: box(bar.querySelector('button.papersieve-vote')),
    card: box(bar.parentElement),
  };
})"""

NONE_PROVISIONAL_JS = "() => document.querySelectorAll('.papersieve-badge-provisional').length === 0"


class ProvisionalServer:
    """Rewrites the real server's /score replies: paper id → (how many asks answer provisional,
    the provisional score, the final score or None to keep the real one); the nth reply's
    `refine_after_ms` is `refine_after[n]` (none beyond the list)."""

    def __init__(
        self,
        browser,
        server,
        plan: dict[str, tuple[int, float, float | None]],
        *,
        null_ids=(),
        refine_after: tuple[int, ...] = (),
    ):
        self.context = browser.context
        self.refine_after = refine_after
        self.pattern = f"{server.url}/api/v1/score"
        self.plan = plan
        self.null_ids = set(null_ids)  # answered with score null: a card that stays unscored
        self.asked: dict[str, int] = {}
        self.provisional_now: set[str] = set()
        self.calls: list[tuple[float, list[str]]] = []  # (when the page asked, the ids it asked for)
        self.answered: list[float] = []  # when each reply went back to the page
        self.asked_final_again: list[str] = []  # papers asked for again although their score was final

    def __enter__(self) -> ProvisionalServer:
        self.context.route(self.pattern, self.answer)
        return self

    def __exit__(self, *exc: Any) -> None:
        self.context.unroute(self.pattern, self.answer)

    def answer(self, route: Any) -> None:
        ids = [paper["id"] for paper in json.loads(route.request.post_data)["papers"]]
        if self.calls:
            self.asked_final_again += [i for i in ids if i not in self.provisional_now]
        self.calls.append((time.monotonic(), ids))
        response = route.fetch()
        reply = response.json()
        for entry in reply["scores"]:
            paper_id = entry["id"]
            self.asked[paper_id] = self.asked.get(paper_id, 0) + 1
            times, provisional_score, final_score = self.plan.get(paper_id, (0, 0.0, None))
            if paper_id in self.null_ids:
                entry["score"] = None
            if self.asked[paper_id] <= times:
                entry["score"] = provisional_score
                entry["provisional"] = True
                self.provisional_now.add(paper_id)
            else:
                if final_score is not None:
                    entry["score"] = final_score
                # final, whatever the real server says: without the field, or saying false
                if len(paper_id) % 2:
                    entry["provisional"] = False
                else:
                    entry.pop("provisional", None)
                self.provisional_now.discard(paper_id)
        reply.pop("refine_after_ms", None)
        if len(self.calls) <= len(self.refine_after):
            reply["refine_after_ms"] = self.refine_after[len(self.calls) - 1]
        route.fulfill(response=response, json=reply)
        self.answered.append(time.monotonic())


def seed_ratings(server, profile, papers) -> None:
    for index, paper in enumerate(papers):
        status, _ = server.request(
            "POST",
            "/feedback",
            {"profile": profile, "paper": paper_json(paper), "rating": 1 if index % 2 else -1},
        )
        assert status == 200


def by_id(page) -> dict[str, dict[str, Any]]:
    return {card["id"]: card for card in page.evaluate(READ_BOXES_JS)}


def test_the_real_servers_provisional_scores_are_refined_in_place_then_no_more_asks(browser, server, profile):
    papers = s.expertise_papers(60)
    seed_ratings(server, profile, papers[40:44])
    shown = papers[44:56]  # papers this server has never seen: no vectors yet, so provisional
    calls: list[tuple[float, list[str]]] = []

    def watch(route: Any) -> None:
        calls.append((time.monotonic(), [p["id"] for p in json.loads(route.request.post_data)["papers"]]))
        route.continue_()

    pattern = f"{server.url}/api/v1/score"
    browser.context.route(pattern, watch)
    try:
        page = browser.open_digest(ARXIV_URL, s.arxiv_list_new_page(shown))
        ps.wait_for_scores(page, len(shown))
        before = by_id(page)
        assert any(card["provisional"] for card in before.values()), before
        page.wait_for_function(NONE_PROVISIONAL_JS, timeout=ps.REFINE_WAIT_MS)
        after = by_id(page)
        asks_when_final = len(calls)
        page.wait_for_timeout(5000)  # a provisional card would have been asked for within 4 s
    finally:
        browser.context.unroute(pattern, watch)

    assert len(calls) == asks_when_final, calls
    assert len(calls) >= 2 and set(calls[0][1]) == {p.id for p in shown}
    provisional = {paper_id for paper_id, card in before.items() if card["provisional"]}
    assert all(set(ids) <= provisional for _, ids in calls[1:]), (provisional, calls)
    for paper_id, card in after.items():
        assert "provisional" not in card["label"] + card["why"], card
        for part in ("badge", "up", "bar", "card"):
            assert card[part] == before[paper_id][part], (paper_id, part, before[paper_id], card)


def test_provisional_scores_are_asked_again_and_re_marked_without_moving_anything(browser, server, profile):
    papers = s.expertise_papers(40)
    seed_ratings(server, profile, papers[:4])
    shown = papers[4:16]
    once, twice, final, unscored = shown[0:4], shown[4:8], shown[8:11], shown[11]
    plan = {p.id: (1, 0.5, None) for p in once}
    plan[once[0].id] = (1, 0.85, None)
    plan[once[1].id] = (1, 0.9996, None)  # "100": the widest a badge can say
    plan.update({p.id: (2, 0.5, None) for p in twice})

    with ProvisionalServer(browser, server, plan, null_ids=[unscored.id]) as fake:
        page = browser.open_digest(ARXIV_URL, s.arxiv_list_new_page(shown))
        ps.wait_for_bars(page, len(shown))
        page.wait_for_function(
            "(n) => document.querySelectorAll('.papersieve-badge-provisional').length === n", arg=8
        )
        before = by_id(page)
        provisional = {p.id for p in [*once, *twice]}
        assert {i for i, card in before.items() if card["provisional"]} == provisional
        for paper in [*once, *twice]:
            card = before[paper.id]
            assert card["label"].endswith(", provisional: refining…"), card
            assert card["why"].startswith("Score ") and "(provisional: refining…)" in card["why"]
        assert (before[once[0].id]["text"], before[once[1].id]["text"]) == ("85", "100")
        assert all("provisional" not in before[p.id]["label"] for p in final)
        assert before[unscored.id]["text"] == "–"
        # One badge size whatever it shows: provisional, final or unscored.
        assert len({tuple(card["badge"][2:]) for card in before.values()}) == 1

        page.wait_for_function(NONE_PROVISIONAL_JS, timeout=ps.WAIT_MS)
        after = by_id(page)
        page.wait_for_timeout(5000)  # the next ask would be 4 s after the last: none comes

    # Re-marked in place: new scores and looks, every badge, bar and card exactly where it was.
    assert after[once[0].id]["text"] != "85"
    for paper_id, card in after.items():
        assert not card["provisional"] and "provisional" not in card["label"] + card["why"], card
        for part in ("badge", "up", "bar", "card"):
            assert card[part] == before[paper_id][part], (paper_id, part, before[paper_id], card)
    for card in ps.cards(page):  # marked by the final scores (the first card was high at 85)
        expected = "high" if card["score"] is not None and card["score"] >= 70 else "plain"
        if card["score"] is not None and card["score"] < 30:
            expected = "dim"
        assert card["mark"] == expected, card

    # Asked again only for the provisional cards, 1 s and then 2 s after each reply; then no more.
    # (From the reply, not from the ask: the server's own time to answer is not the page's wait.)
    asks = [ids for _, ids in fake.calls]
    assert set(asks[0]) == {p.id for p in shown}
    assert [set(ids) for ids in asks[1:]] == [provisional, {p.id for p in twice}], asks
    assert fake.asked_final_again == []
    gaps = [later - answered for answered, (later, _) in zip(fake.answered, fake.calls[1:], strict=False)]
    assert 0.9 < gaps[0] < 1.8 and 1.9 < gaps[1] < 3.2, gaps


def test_hidden_cards_follow_their_final_scores_and_the_summary_counts_them(browser, server, profile):
    papers = s.expertise_papers(40)
    seed_ratings(server, profile, papers[:4])
    shown = papers[4:14]
    rising, sinking = shown[0:3], shown[3:5]
    plan = {p.id: (1, 1e-7, None) for p in rising}  # hidden on the estimate, shown on the real score
    plan.update({p.id: (1, 0.5, 1e-7) for p in sinking})  # shown on the estimate, hidden when final
    browser.update_settings(mode="hide", dimBelow=1e-5, highlightAbove=0.99)

    with ProvisionalServer(browser, server, plan) as fake:
        page = browser.open_digest(ARXIV_URL, s.arxiv_list_new_page(shown))
        ps.wait_for_bars(page, len(shown))
        page.wait_for_function("() => document.querySelectorAll('dd.papersieve-hide').length === 3")
        hidden = {card["id"] for card in ps.cards(page) if not card["visible"]}
        assert hidden == {p.id for p in rising}
        assert "3 hidden" in ps.summary_text(page)
        assert page.locator(f"{ps.SUMMARY} button", has_text="show").is_visible()

        page.wait_for_function(NONE_PROVISIONAL_JS, timeout=ps.WAIT_MS)
        cards = ps.cards(page)
        assert {card["id"] for card in cards if not card["visible"]} == {p.id for p in sinking}
        assert all(card["score"] >= 1e-3 for card in cards if card["id"] in hidden)  # in %
        page.wait_for_function(
            "() => document.querySelector('[data-papersieve=summary]').innerText.includes('2 hidden')"
        )
        assert len(fake.calls) == 2


def test_provisional_scores_are_asked_again_when_the_servers_reply_says(browser, server, profile):
    papers = s.expertise_papers(40)
    seed_ratings(server, profile, papers[:4])
    shown = papers[4:12]
    plan = {p.id: (2, 0.5, None) for p in shown[:5]}
    # The first reply says 2.5 s, the second 10 ms (the page waits 0.5 s at least: never hammered).
    with ProvisionalServer(browser, server, plan, refine_after=(2500, 10)) as fake:
        page = browser.open_digest(ARXIV_URL, s.arxiv_list_new_page(shown))
        ps.wait_for_bars(page, len(shown))
        page.wait_for_function(NONE_PROVISIONAL_JS, timeout=ps.WAIT_MS)
        page.wait_for_timeout(3000)  # no more asks once nothing is provisional
    asks = [set(ids) for _, ids in fake.calls]
    assert asks == [{p.id for p in shown}, set(plan), set(plan)], asks
    gaps = [later - answered for answered, (later, _) in zip(fake.answered, fake.calls[1:], strict=False)]
    assert 2.4 < gaps[0] < 3.3 and 0.45 < gaps[1] < 1.0, gaps
