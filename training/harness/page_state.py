"""What a person sees on a marked digest page, read from the DOM (main world) by the tests."""

from __future__ import annotations

from typing import Any

BARS = "[data-papersieve=bar]"
SUMMARY = "[data-papersieve=summary]"

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


def wait_for_bars(page: Any, count: int, timeout: float = 15000) -> None:
    """Until `count` cards carry a papersieve bar."""
    page.wait_for_function(
        "(n) => document.querySelectorAll('[data-papersieve=bar]').length === n", arg=count, timeout=timeout
    )


def wait_for_scores(page: Any, count: int, timeout: float = 15000) -> None:
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


def wait_for_badge_change(page: Any, paper_id: str, before: str, timeout: float = 15000) -> None:
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


def wait_for_pressed(page: Any, paper_id: str, rating: int | None, timeout: float = 15000) -> None:
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


def wait_for_final(page: Any, timeout: float = 45000) -> None:
    """Until no badge on the page is provisional (an embedding or a refit still on its way)."""
    page.wait_for_function(NONE_PROVISIONAL_JS, timeout=timeout)


# The extension sees no tab URLs (no "tabs" permission): find the tab whose content script answers.
FIND_DIGEST_TAB_JS = """async (host) => {
  for (const tab of await chrome.tabs.query({})) {
    const counts = await chrome.tabs.sendMessage(tab.id, { intent: 'getPageCounts' }).catch(() => null);
    if (counts && counts.host === host) return tab.id;
  }
  return null;
}"""
