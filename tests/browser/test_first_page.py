"""From one 👍 and one 👎 the first page is already useful, as a reader sees it in the browser.

End to end: the real extension (its own default thresholds and mode), the real `papersieve serve`
(its embedding worker computes the page's sentence embeddings in the background, and the page is
re-marked as they land), the saved Hugging Face trending page filled with its real 104 papers.
The reader rates two papers on clearly different topics; once no card is provisional any more,
the 👎 paper is dimmed and lowest on the page, the 👍 paper is not dimmed, a few cards are
highlighted, a visible share is dimmed and the badges say different things.
tests/model/test_first_page.py pins the same at the model level.

The reader's scenario runs once (a module fixture) and two tests read it: what the page shows, and
whether the final marks are the server's current scores.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.support import SCREENSHOT_DIR
from training.datasets.shared_data import paper_json
from training.harness import page_state as ps
from training.harness import sites as s
from training.harness.server_process import ServerProcess, running_server

HF_TRENDING_URL = "https://huggingface.co/papers/trending"
LIKED, DISLIKED = 5, 17  # image customisation with diffusion models; a review of continual learning
FINAL_MARKS_TIMEOUT_MS = 90000

# The extension's own defaults (src/shared/settings.js), read from the built extension itself.
DEFAULTS_JS = """async () => {
  const { DEFAULT_SETTINGS } = await import(chrome.runtime.getURL('src/shared/settings.js'));
  const { highlightAbove, dimBelow, mode } = DEFAULT_SETTINGS;
  return { highlightAbove, dimBelow, mode };
}"""
# Forget the thresholds and mode the harness stored: the worker then falls back to the defaults.
USE_DEFAULT_DISPLAY_JS = """async () => {
  const { settings } = await chrome.storage.local.get('settings');
  const { highlightAbove, dimBelow, mode, ...rest } = settings;
  await chrome.storage.local.set({ settings: rest });
}"""

# Final marks after both votes: every card scored, none provisional, and the rescores that follow
# the two votes done (the content script measures each as "papersieve:vote-to-remark-all").
FINAL_MARKS_JS = """(n) => {
  const badges = Array.from(document.querySelectorAll('[data-papersieve=bar] .papersieve-badge'));
  return badges.length === n
    && badges.every((badge) => /^[0-9]+(\\.[0-9])?$/.test(badge.textContent))
    && !badges.some((badge) => badge.classList.contains('papersieve-badge-provisional'))
    && performance.getEntriesByName('papersieve:vote-to-remark-all').length >= 2;
}"""

# What each card looks like: its title, the card's opacity and visibility, the badge's colour.
READ_LOOKS_JS = """() => Array.from(document.querySelectorAll('[data-papersieve=bar]')).map((bar) => {
  const card = bar.parentElement.closest('article');
  const badge = bar.querySelector('.papersieve-badge');
  return {
    id: bar.dataset.paperId,
    title: card.querySelector('h3').textContent.replace(/\\s+/g, ' ').trim(),
    opacity: Number(getComputedStyle(card).opacity),
    badgeBackground: getComputedStyle(badge).backgroundColor,
  };
})"""


_runs = itertools.count(1)


@dataclass
class FirstPage:
    page: Any
    profile: str
    papers: list[s.SnapshotPaper]
    defaults: dict[str, Any]
    cards: dict[str, dict[str, Any]]  # paper id → ps.cards() entry, once the marks are final
    looks: dict[str, dict[str, Any]]  # paper id → READ_LOOKS_JS entry

    @property
    def liked(self) -> s.SnapshotPaper:
        return self.papers[LIKED]

    @property
    def disliked(self) -> s.SnapshotPaper:
        return self.papers[DISLIKED]


@pytest.fixture(scope="module")
def fresh_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """A server of its own: the package's server has embedded these papers for earlier tests."""
    with running_server(tmp_path_factory.mktemp("papersieve-first-page")) as running:
        yield running


@pytest.fixture(scope="module")
def first_page(browser, fresh_server) -> Iterator[FirstPage]:
    """A new reader on the real page: 👍 on one card, 👎 on another, then the final marks."""
    server = fresh_server
    profile = f"first-page-{next(_runs)}"
    status, reply = server.request("POST", "/profiles", {"name": profile})
    assert status == 201, reply
    browser.reset(server, profile)
    browser.storage(USE_DEFAULT_DISPLAY_JS)
    defaults = browser.storage(DEFAULTS_JS)
    papers = list(s.hf_trending_papers())
    liked, disliked = papers[LIKED], papers[DISLIKED]
    page = browser.open_digest(HF_TRENDING_URL, s.huggingface_trending_page(papers))
    try:
        ps.wait_for_bars(page, len(papers))
        looks = {look["id"]: look for look in page.evaluate(READ_LOOKS_JS)}
        assert [card["id"] for card in ps.cards(page)] == [paper.id for paper in papers]
        assert looks[liked.id]["title"] == liked.title and looks[disliked.id]["title"] == disliked.title

        ps.vote_button(page, liked.id, 1).click()
        ps.wait_for_pressed(page, liked.id, 1)
        ps.vote_button(page, disliked.id, -1).click()
        ps.wait_for_pressed(page, disliked.id, -1, timeout=FINAL_MARKS_TIMEOUT_MS)
        # Ranked at once, on the papers' words: the server has not embedded them yet.
        assert page.locator(".papersieve-badge-provisional").count() > 0
        page.wait_for_function(FINAL_MARKS_JS, arg=len(papers), timeout=FINAL_MARKS_TIMEOUT_MS)
        # A dimmed card is shown brighter under the pointer or while it has the focus (the 👎 just
        # clicked has it): look at the page as the reader does after moving on.
        page.mouse.move(0, 0)
        page.evaluate("() => document.activeElement && document.activeElement.blur()")
        cards = {card["id"]: card for card in ps.cards(page)}
        looks = {look["id"]: look for look in page.evaluate(READ_LOOKS_JS)}
        yield FirstPage(page, profile, papers, defaults, cards, looks)
    finally:
        page.close()


def test_one_up_and_one_down_make_the_first_page_useful(first_page):
    page, papers, defaults = first_page.page, first_page.papers, first_page.defaults
    cards, looks = first_page.cards, first_page.looks
    liked, disliked = first_page.liked, first_page.disliked
    scores = {paper_id: card["score"] for paper_id, card in cards.items()}
    assert cards[liked.id]["up"] and cards[disliked.id]["down"]
    # Every card is marked by the default thresholds, and the marks are what the page shows.
    high_from, dim_below = defaults["highlightAbove"] * 100, defaults["dimBelow"] * 100
    for paper_id, card in cards.items():
        low = defaults["mode"] if defaults["mode"] in ("dim", "hide") else "plain"
        expected = "high" if card["score"] >= high_from else low if card["score"] < dim_below else "plain"
        assert card["mark"] == expected, (card, defaults)
        if card["mark"] == "dim":
            assert looks[paper_id]["opacity"] < 0.6, (card, looks[paper_id])
        elif card["mark"] == "hide":
            assert not card["visible"], card
        else:
            assert looks[paper_id]["opacity"] == 1 and card["visible"], (card, looks[paper_id])

    # The 👎 paper sinks to the bottom and is dimmed (or hidden); the 👍 paper is not.
    assert cards[disliked.id]["mark"] in ("dim", "hide"), cards[disliked.id]
    assert scores[disliked.id] < min(score for i, score in scores.items() if i != disliked.id), sorted(
        scores.values()
    )[:5]
    assert cards[liked.id]["mark"] in ("high", "plain"), cards[liked.id]
    assert looks[liked.id]["opacity"] == 1

    # A few cards highlighted besides the 👍 one, a visible share dimmed, and badges that differ.
    others = [card for paper_id, card in cards.items() if paper_id not in (liked.id, disliked.id)]
    highlighted = [card for card in others if card["mark"] == "high"]
    dimmed = [card for card in cards.values() if card["mark"] in ("dim", "hide")]
    assert 1 <= len(highlighted) <= 25, sorted(scores.values(), reverse=True)[:30]
    assert len(dimmed) >= 5, sorted(scores.values())[:10]
    assert len({card["badge"] for card in cards.values()}) >= 10, [card["badge"] for card in cards.values()]
    # Highlighted badges stand out: one colour, not the colour of a plain card's badge.
    plain = [card for card in others if card["mark"] == "plain"]
    high_colours = {looks[card["id"]]["badgeBackground"] for card in highlighted}
    assert len(high_colours) == 1 and looks[plain[0]["id"]]["badgeBackground"] not in high_colours
    summary = ps.summary_text(page)
    n_high = sum(card["mark"] == "high" for card in cards.values())
    low_word = "hidden" if defaults["mode"] == "hide" else "dimmed"
    for part in (f"{len(papers)} scored", f"{n_high} highlighted", f"{len(dimmed)} {low_word}"):
        assert part in summary, summary

    # The picture: from the 👍 card down to the 👎 one, highlighted, plain and dimmed cards between.
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.add_style_tag(content=ps.HF_CARD_LOOK)
    page.set_viewport_size({"width": 1280, "height": 1900})
    page.evaluate(
        '(id) => window.scrollTo(0, document.querySelector(`[data-paper-id="${id}"]`)'
        ".closest('article').getBoundingClientRect().top + window.scrollY - 180)",
        liked.id,
    )
    page.screenshot(path=str(SCREENSHOT_DIR / "first-page-huggingface.png"))
    page.set_viewport_size({"width": 1280, "height": 900})


def test_the_final_marks_are_the_servers_current_scores(first_page, fresh_server):
    """What the page shows once nothing is provisional is what the server says about these papers."""
    papers = [paper_json(p, "https://huggingface.co/papers/") for p in first_page.papers]
    status, reply = fresh_server.request("POST", "/score", {"profile": first_page.profile, "papers": papers})
    assert status == 200 and reply["ready"]
    assert not any(entry["provisional"] for entry in reply["scores"])
    now = {entry["id"]: entry["score"] * 100 for entry in reply["scores"]}
    stale = {
        paper_id: (round(card["score"], 2), round(now[paper_id], 2))
        for paper_id, card in first_page.cards.items()
        if abs(card["score"] - now[paper_id]) > 0.011  # the server rounds scores to 0.01 %
    }
    assert stale == {}, f"(page %, server %) for {len(stale)} cards: {stale}"
