"""Sorting a page by score (per site, kept in the settings), sections kept, the page's own order back
exactly; and the arXiv card's single mark and the Hugging Face tooltip that leaves the next card
readable."""

from __future__ import annotations

import shutil
from typing import Any

from tests.support import REPO_ROOT, SCREENSHOT_DIR
from training.datasets.shared_data import paper_json
from training.harness import page_state as ps
from training.harness import sites as s

HF_URL = "https://huggingface.co/papers"
ARXIV_URL = "https://arxiv.org/list/cs.LG/new"

FIND_DIGEST_TAB_JS = ps.FIND_DIGEST_TAB_JS

# Each arXiv section (dl) as [paper id, score] in page order, read from the dd's bar; each dd must
# follow its own dt (the dt's Abstract link names the same paper).
ARXIV_SECTIONS_JS = """() => Array.from(document.querySelectorAll('dl#articles')).map((dl) =>
  Array.from(dl.querySelectorAll(':scope > dd')).map((dd) => {
    const bar = dd.querySelector('[data-papersieve=bar]');
    const dt = dd.previousElementSibling;
    const link = dt && dt.tagName === 'DT' ? dt.querySelector('a[title=Abstract]') : null;
    const score = bar.querySelector('.papersieve-badge').dataset.score;
    return [bar.dataset.paperId, Number(score), link ? link.id : null];
  }))"""

HF_ORDER_JS = """() => Array.from(document.querySelectorAll('article')).map((article) => {
  const bar = article.querySelector('[data-papersieve=bar]');
  return [bar.dataset.paperId, Number(bar.querySelector('.papersieve-badge').dataset.score),
          article.parentNode === document.querySelector('article').parentNode];
})"""

# Every child node of every card container, remembered (main world) to compare identities later.
CONTAINERS_JS = (
    "(selector) => [...new Set(Array.from(document.querySelectorAll(selector), (c) => c.parentNode))]"
)
REMEMBER_JS = f"""(selector) => {{
  window.originalNodes = ({CONTAINERS_JS})(selector).map((c) => Array.from(c.childNodes));
}}"""
SAME_AS_REMEMBERED_JS = f"""(selector) => {{
  const now = ({CONTAINERS_JS})(selector).map((c) => Array.from(c.childNodes));
  return now.length === window.originalNodes.length &&
    now.every((nodes, i) => nodes.length === window.originalNodes[i].length &&
                            nodes.every((node, j) => node === window.originalNodes[i][j]));
}}"""
SORT_CONTROL = "[data-papersieve=summary] .papersieve-summary-action"


def stored_settings(browser) -> dict:
    return browser.storage("async () => (await chrome.storage.local.get('settings')).settings")


def seed_language_reader(server, profile: str, pool) -> None:
    """A reader who likes language papers and not vision ones (papers that are not on the page)."""
    liked = [p for p in pool if "language" in p.abstract.lower()][:8]
    disliked = [p for p in pool if "image" in p.abstract.lower() and p not in liked][:8]
    for paper, rating in [*((p, 1) for p in liked), *((p, -1) for p in disliked)]:
        status, _ = server.request(
            "POST", "/feedback", {"profile": profile, "paper": paper_json(paper), "rating": rating}
        )
        assert status == 200


def control(page: Any, words: str) -> Any:
    return page.locator(SORT_CONTROL, has_text=words)


def assert_sections_sorted(page: Any, original: list[list[str]]) -> None:
    sections = page.evaluate(ARXIV_SECTIONS_JS)
    assert [sorted(card[0] for card in section) for section in sections] == [sorted(ids) for ids in original]
    for section in sections:
        assert all(paper_id == dt_id for paper_id, _, dt_id in section), section
        scores = [score for _, score, _ in section]
        assert scores == sorted(scores, reverse=True), scores


def test_arxiv_new_sorts_within_its_sections_and_goes_back_exactly(browser, server, profile):
    pool = s.expertise_papers(300)
    shown = list(pool[:24])
    seed_language_reader(server, profile, pool[30:])
    page = browser.open_digest(ARXIV_URL, s.arxiv_list_new_page(shown))
    ps.wait_for_scores(page, len(shown))
    ps.wait_for_final(page)
    original = [[card[0] for card in section] for section in page.evaluate(ARXIV_SECTIONS_JS)]
    assert [len(section) for section in original] == [12, 6, 6]
    page.evaluate(REMEMBER_JS, "dl#articles > dd")
    assert control(page, "sort by score").is_visible()  # offered, though the site is not sorted

    # The popup's switch for this site: stored, and the open page sorts at once.
    tab_id = browser.storage(FIND_DIGEST_TAB_JS, "arxiv.org")
    popup = browser.context.new_page()
    popup.goto(browser.extension_url(f"src/popup/popup.html?tab={tab_id}"))
    popup.wait_for_function("() => !document.querySelector('#sort-row').hidden")
    switch = popup.locator("#site-sorted")
    assert not switch.is_checked()
    switch.check()
    control(page, "original order").wait_for()
    assert stored_settings(browser)["sortedSites"] == {"arxiv.org": True}
    assert_sections_sorted(page, original)
    assert page.locator("[data-papersieve=summary]").inner_text().count("sorted by score") == 1
    popup.close()

    # Marks as a reader would set them (around this page's scores): a settings change re-marks,
    # it does not move cards.
    ranked = sorted(card["score"] for card in ps.cards(page))
    browser.update_settings(highlightAbove=(ranked[-5] - 1e-6) / 100, dimBelow=(ranked[8] - 1e-6) / 100)
    page.wait_for_function("() => document.querySelector('dd.papersieve-high')")
    ps.wait_for_marks(page, ranked[-5], ranked[8])  # the old thresholds may have highlighted one already
    assert_sections_sorted(page, original)
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.evaluate("() => window.scrollTo(0, document.querySelector('dl#articles').offsetTop - 40)")
    shot = SCREENSHOT_DIR / "reordered-arxiv.png"
    page.screenshot(path=str(shot))
    docs = REPO_ROOT / "docs" / "screenshots"
    docs.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(shot, docs / "reordered-arxiv.png")

    # One click: the page's own order, node for node (no placeholder left behind); and sorted again.
    scroll = page.evaluate("() => window.scrollY")
    control(page, "original order").click()
    page.wait_for_function(SAME_AS_REMEMBERED_JS, arg="dl#articles > dd")
    assert page.evaluate("() => window.scrollY") == scroll
    assert page.evaluate(
        "() => Array.from(document.querySelectorAll('dl#articles')).every((dl) =>"
        " Array.from(dl.childNodes).every((node) => node.nodeType !== Node.COMMENT_NODE))"
    )
    control(page, "sort by score").click()
    control(page, "original order").wait_for()
    assert_sections_sorted(page, original)

    # The setting persists: a new visit is sorted by itself once its scores are final.
    page.reload()
    ps.wait_for_scores(page, len(shown))
    ps.wait_for_final(page)
    control(page, "original order").wait_for()
    assert_sections_sorted(page, original)
    assert stored_settings(browser)["sortedSites"] == {"arxiv.org": True}


def test_hugging_face_sorts_in_its_grid_after_a_vote_only_when_asked(browser, server, profile):
    papers = s.hf_trending_papers()[:16]
    # Turned on in the options page, as a reader would.
    options = browser.context.new_page()
    options.goto(browser.extension_url("src/options/options.html"))
    options.locator("input[name=sorted-site][value='huggingface.co']").check()
    options.locator("#display-form button[type=submit]").click()
    options.wait_for_function(
        "() => document.querySelector('#display-result').textContent.startsWith('Saved')"
    )
    assert stored_settings(browser)["sortedSites"] == {"huggingface.co": True}
    options.close()

    page = browser.open_digest(HF_URL, s.huggingface_daily_page(papers))
    ps.wait_for_bars(page, len(papers))
    page.evaluate(REMEMBER_JS, "article")
    page.evaluate("() => { window.originalOrder = Array.from(document.querySelectorAll('article')); }")
    assert not control(page, "sort by score").is_visible()  # nothing to sort by before ranking
    ps.vote_button(page, papers[0].id, 1).click()
    ps.wait_for_pressed(page, papers[0].id, 1)
    ps.vote_button(page, papers[3].id, -1).click()
    ps.wait_for_scores(page, len(papers))
    ps.wait_for_final(page)
    control(page, "original order").wait_for()
    order = page.evaluate(HF_ORDER_JS)
    assert all(same_parent for _, _, same_parent in order)
    scores = [score for _, score, _ in order]
    assert scores == sorted(scores, reverse=True)
    assert sorted(paper_id for paper_id, _, _ in order) == sorted(p.id for p in papers)

    # A vote changes scores: the cards stay put (no jump under the reader); "sort again" is offered.
    before = [paper_id for paper_id, _, _ in page.evaluate(HF_ORDER_JS)]
    voted = before[1]
    ps.vote_button(page, voted, -1).click()
    ps.wait_for_pressed(page, voted, -1)
    ps.wait_for_final(page)
    control(page, "sort again").wait_for()
    assert [paper_id for paper_id, _, _ in page.evaluate(HF_ORDER_JS)] == before
    control(page, "sort again").click()
    control(page, "sort again").wait_for(state="hidden")
    scores = [score for _, score, _ in page.evaluate(HF_ORDER_JS)]
    assert scores == sorted(scores, reverse=True)

    control(page, "original order").click()
    assert page.evaluate(
        "() => Array.from(document.querySelectorAll('article'))"
        ".every((article, i) => article === window.originalOrder[i])"
    )
    page.wait_for_function(SAME_AS_REMEMBERED_JS, arg="article")

    # Turning the site's switch off puts a sorted page back at once, node for node.
    control(page, "sort by score").click()
    control(page, "original order").wait_for()
    browser.update_settings(sortedSites={})
    page.wait_for_function(SAME_AS_REMEMBERED_JS, arg="article")
    control(page, "sort by score").wait_for()


def test_arxiv_highlight_is_one_mark_and_the_hf_tooltip_leaves_the_next_card_readable(
    browser, server, profile
):
    pool = s.expertise_papers(300)
    shown = list(pool[:12])
    seed_language_reader(server, profile, pool[30:])
    page = browser.open_digest(ARXIV_URL, s.arxiv_list_new_page(shown))
    ps.wait_for_scores(page, len(shown))
    browser.update_settings(highlightAbove=1e-6, dimBelow=0.0, mode="highlight")  # every card highlighted
    page.wait_for_function("() => document.querySelectorAll('dd.papersieve-high').length === 12")
    look = page.evaluate(
        """() => {
          const dd = document.querySelector('dd.papersieve-high');
          const dt = dd.previousElementSibling;
          const css = (node) => getComputedStyle(node);
          return { dtClass: dt.className, dtShadow: css(dt).boxShadow, dtBackground: css(dt).backgroundColor,
                   ddShadow: css(dd).boxShadow, ddBackground: css(dd).backgroundColor };
        }"""
    )
    assert look["dtClass"] == "papersieve-high"  # the dt still dims and hides with its dd
    assert look["dtShadow"] == "none" and look["dtBackground"] == "rgba(0, 0, 0, 0)"
    # One stripe, 12 to 8 px left of the dd's text (not flush), and the tint on the dd.
    assert "-12px 0px 0px 0px" in look["ddShadow"] and "-8px 0px 0px 0px" in look["ddShadow"]
    assert look["ddBackground"] != "rgba(0, 0, 0, 0)"
    page.close()

    papers = s.hf_trending_papers()[:12]
    hf = browser.open_digest(HF_URL, s.huggingface_daily_page(papers))
    ps.wait_for_scores(hf, len(papers))
    hf.add_style_tag(content=ps.HF_CARD_LOOK)
    for index in (0, 4):
        ps.bar(hf, papers[index].id).locator(".papersieve-badge").hover()
        boxes = hf.evaluate(
            """(id) => {
              const bar = document.querySelector(`[data-papersieve=bar][data-paper-id="${id}"]`);
              const card = bar.closest('article');
              const articles = Array.from(document.querySelectorAll('article'));
              const next = articles[articles.indexOf(card) + 1];
              const box = (node) => {
                const r = node.getBoundingClientRect();
                return [r.left, r.top, r.right, r.bottom];
              };
              return { tip: box(bar.querySelector('.papersieve-reasons')), card: box(card), next: box(next),
                       bar: box(bar), buttons: box(bar.querySelectorAll('.papersieve-vote')[1]) };
            }""",
            papers[index].id,
        )
        tip, card, nxt = boxes["tip"], boxes["card"], boxes["next"]
        bar, buttons = boxes["bar"], boxes["buttons"]
        assert tip[3] > tip[1]  # shown
        assert tip[3] <= nxt[1], boxes  # ends above the next card
        assert card[0] <= tip[0] and tip[2] <= card[2], boxes  # inside its own card's width
        # Beside the bar, right of the vote buttons, from its top line: the buttons stay usable and
        # the tooltip ends inside its own card, so the next card's title and authors stay readable.
        assert tip[0] >= buttons[2] and tip[1] >= bar[1] - 1, boxes
        assert tip[3] <= card[3], boxes
