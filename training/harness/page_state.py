"""What a person sees on a marked digest page, read from the DOM (main world) by the tests."""

from __future__ import annotations

from typing import Any

BARS = "[data-papersieve=bar]"
SUMMARY = "[data-papersieve=summary]"
# How long the waits below allow by default: generous, for a loaded 2-core CI machine. A wait ends
# as soon as its condition holds, so a long timeout costs nothing when things work.
WAIT_MS = 60000
REFINE_WAIT_MS = 130000  # a provisional card is asked for again during 120 s (src/content/retry.js)

# The offline snapshot has Hugging Face's markup but not its stylesheet; for screenshots only, a
# few rules give the cards their real shape (bordered, rounded, in a column).
HF_CARD_LOOK = """
body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 860px; color: #111827; }
header, nav, img, ul.flex, section > div > p { display: none; }
article { border: 1px solid #e5e7eb; border-radius: 12px; padding: 12px 16px; margin: 12px 0;
          background: #fff; }
article h3 { font-size: 17px; margin: 4px 0; } article h3 a { color: #111827; text-decoration: none; }
article a { color: #6b7280; } article label, article input { display: none; }
"""

# Every card's bar: paper id, badge text, pressed state of 👍/👎, and the card's mark.
READ_CARDS_JS = """() => Array.from(document.querySelectorAll('[data-papersieve=bar]')).map((bar) => {
  const card = bar.parentElement;
  const [up, down] = bar.querySelectorAll('button.papersieve-vote');
  const badgeElement = bar.querySelector('.papersieve-badge');
  const badge = badgeElement.textContent;
  const mark = ['high', 'dim', 'hide'].find((m) => card.classList.contains('papersieve-' + m)) || 'plain';
  return {
    id: bar.dataset.paperId,
    badge,
    score: badgeElement.dataset.score ? Number(badgeElement.dataset.score) * 100 : null,  // exact, in %
    up: up.getAttribute('aria-pressed') === 'true',
    down: down.getAttribute('aria-pressed') === 'true',
    mark,
    visible: card.checkVisibility(),
  };
})"""


def cards(page: Any) -> list[dict[str, Any]]:
    return page.evaluate(READ_CARDS_JS)


def scores(page: Any) -> dict[str, int | None]:
    return {card["id"]: card["score"] for card in cards(page)}


def wait_for_bars(page: Any, count: int, timeout: float = WAIT_MS) -> None:
    """Until `count` cards carry a papersieve bar."""
    page.wait_for_function(
        "(n) => document.querySelectorAll('[data-papersieve=bar]').length === n", arg=count, timeout=timeout
    )


def wait_for_scores(page: Any, count: int, timeout: float = WAIT_MS) -> None:
    """Until `count` cards show a numeric score."""
    page.wait_for_function(
        """(n) => {
          const badges = document.querySelectorAll('[data-papersieve=bar] .papersieve-badge');
          const numeric = (badge) => /^[0-9]+(\\.[0-9])?$/.test(badge.textContent);
          return badges.length === n && Array.from(badges).every(numeric);
        }""",
        arg=count,
        timeout=timeout,
    )


def wait_for_badge_change(page: Any, paper_id: str, before: str, timeout: float = WAIT_MS) -> None:
    page.wait_for_function(
        """([id, before]) => {
          const bar = document.querySelector(`[data-papersieve=bar][data-paper-id="${id}"]`);
          return bar && bar.querySelector('.papersieve-badge').textContent !== before;
        }""",
        arg=[paper_id, before],
        timeout=timeout,
    )


def bar(page: Any, paper_id: str) -> Any:
    return page.locator(f'{BARS}[data-paper-id="{paper_id}"]')


def vote_button(page: Any, paper_id: str, rating: int) -> Any:
    return bar(page, paper_id).locator("button.papersieve-vote").nth(0 if rating == 1 else 1)


def summary_text(page: Any) -> str:
    return page.locator(SUMMARY).inner_text()


def wait_for_pressed(page: Any, paper_id: str, rating: int | None, timeout: float = WAIT_MS) -> None:
    """Until the card's 👍 (1) or 👎 (-1) shows pressed, or neither (None), and the rescore is done."""
    page.wait_for_function(
        """([id, rating]) => {
          const bar = document.querySelector(`[data-papersieve=bar][data-paper-id="${id}"]`);
          if (!bar || bar.getAttribute('aria-busy') === 'true') return false;
          const [up, down] = bar.querySelectorAll('button.papersieve-vote');
          return up.getAttribute('aria-pressed') === String(rating === 1)
            && down.getAttribute('aria-pressed') === String(rating === -1);
        }""",
        arg=[paper_id, rating],
        timeout=timeout,
    )


NONE_PROVISIONAL_JS = "() => document.querySelectorAll('.papersieve-badge-provisional').length === 0"


def wait_for_final(page: Any, timeout: float = REFINE_WAIT_MS) -> None:
    """Until no badge on the page is provisional (an embedding or a refit still on its way). Read
    exact scores only after this: a provisional one changes when its final score lands."""
    page.wait_for_function(NONE_PROVISIONAL_JS, timeout=timeout)


# Every card marked as the thresholds (in %) say for its own score: "high" at or above `high`,
# `low_mark` below `low`, else plain (the checks of tests/browser/test_marking.py, in the page).
MARKS_MATCH_JS = """([high, low, lowMark]) => {
  const bars = Array.from(document.querySelectorAll('[data-papersieve=bar]'));
  return bars.length > 0 && bars.every((bar) => {
    const classes = bar.parentElement.classList;
    const mark = ['high', 'dim', 'hide'].find((m) => classes.contains('papersieve-' + m)) || 'plain';
    const score = Number(bar.querySelector('.papersieve-badge').dataset.score) * 100;
    return mark === (score >= high ? 'high' : score < low ? lowMark : 'plain');
  });
}"""


def wait_for_marks(
    page: Any, high: float, low: float, low_mark: str = "dim", timeout: float = WAIT_MS
) -> None:
    """Until every card's mark is the one these thresholds (in %) give its score: a settings change
    re-marks the page a moment later, and the old marks may already satisfy a looser check."""
    page.wait_for_function(MARKS_MATCH_JS, arg=[high, low, low_mark], timeout=timeout)


# The extension sees no tab URLs (no "tabs" permission): find the tab whose content script answers.
FIND_DIGEST_TAB_JS = """async (host) => {
  for (const tab of await chrome.tabs.query({})) {
    const counts = await chrome.tabs.sendMessage(tab.id, { intent: 'getPageCounts' }).catch(() => null);
    if (counts && counts.host === host) return tab.id;
  }
  return null;
}"""
