"""How fast the extension marks a page and answers a 👍, in Debian's Chromium with a real server.

    .venv/bin/python -m training.bench.extension [--runs 5] [--clicks 10] [--no-write]

For 100- and 500-card pages of both sites (Hugging Face papers, arXiv /new), built from real papers
by training/harness/sites/, it reports:
- content script: the main-thread time of papersieve's content script to find and mark every
  card (the sum of its `papersieve:main` performance measures: adapter extraction, bookkeeping,
  sending the papers to the worker, DOM marks). Waiting for the worker and the server is not
  main-thread time and is excluded; so is the browser's own style/layout work on the marks.
- click → re-marked: from the 👍 click handler to the cards in view showing their new scores
  (`papersieve:vote-to-remark`), and to every card on the page (`…-all`); server refit included.
- first and final marks: on a fresh server (its own data directory, 20 ratings already embedded),
  a 100-paper Hugging Face page of papers it has never seen (the real trending papers): from
  navigation to every card showing a score (first marks, most of them provisional), and to no
  card being provisional any more (final marks: the server's embedding worker has embedded the
  page and the content script has asked again, when the server's `refine_after_ms` said to).
Medians over the runs (first/final marks: one fresh server, one page load). Targets: < 16 ms main
thread per 100 cards; click → re-marked < 150 ms.
Writes the table to training/RESULTS.md (section "bench_extension").
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from training.datasets.shared_data import paper_json
from training.harness import page_state as ps
from training.harness import sites as s
from training.harness.browser import ExtensionBrowser, build_extension
from training.harness.server_process import ServerProcess
from training.reports.results import publish

SITES: dict[str, tuple[str, Callable[[Sequence[s.SnapshotPaper]], str]]] = {
    "Hugging Face /papers": ("https://huggingface.co/papers", s.huggingface_daily_page),
    "arXiv /list/cs.LG/new": ("https://arxiv.org/list/cs.LG/new", s.arxiv_list_new_page),
}
SIZES = (100, 500)
PROFILE = "bench"

SUM_MEASURES_JS = """(name) => performance.getEntriesByName(name).reduce((sum, e) => sum + e.duration, 0)"""
LAST_MEASURE_JS = """(name) => {
  const all = performance.getEntriesByName(name);
  return all.length ? all[all.length - 1].duration : null;
}"""


def seed_ratings(server: ServerProcess, papers: Sequence[s.SnapshotPaper]) -> None:
    """20 ratings on papers that are not on the benchmark pages: the model is ready and non-trivial."""
    for index, paper in enumerate(papers):
        server.request(
            "POST",
            "/feedback",
            {"profile": PROFILE, "paper": paper_json(paper), "rating": 1 if index % 3 == 0 else -1},
        )


# Installed before the page's own scripts: records (performance.now(), i.e. ms since navigation)
# when every card first shows a numeric score, and when none is provisional any more.
MARKS_CLOCK_JS = """(() => {
  const times = { first: null, final: null, provisionalAtFirst: null, cards: 0 };
  window.__papersieveMarks = times;
  const check = () => {
    const badges = document.querySelectorAll('[data-papersieve=bar] .papersieve-badge');
    if (times.cards === 0 || badges.length !== times.cards) return;
    const all = Array.from(badges);
    if (!all.every((badge) => /^[0-9]+(\\.[0-9])?$/.test(badge.textContent))) return;
    const provisional = all.filter((badge) => badge.classList.contains('papersieve-badge-provisional'))
      .length;
    if (times.first === null) {
      times.first = performance.now();
      times.provisionalAtFirst = provisional;
    }
    if (provisional === 0 && times.final === null) times.final = performance.now();
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true,
    characterData: true });
  document.addEventListener('DOMContentLoaded', () => {
    times.cards = document.querySelectorAll('article h3 > a[href^="/papers/"]').length;
  });
})();"""
FRESH_PAGE_SIZE = 100


def wait_for_embeddings(server: ServerProcess, profile: str, timeout: float = 120) -> None:
    """Until the server's embedding worker is loaded and every paper the profile has is embedded."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status, reply = server.request("GET", f"/profiles/{profile}")
        embeddings = reply.get("embeddings", {}) if status == 200 else {}
        done = embeddings.get("papers_with_vectors") == embeddings.get("papers")
        if embeddings.get("state") == "ready" and embeddings.get("queue") == 0 and done:
            return
        time.sleep(0.2)
    raise TimeoutError(f"the embedding worker did not finish: {embeddings}")


def first_and_final_marks(
    browser: ExtensionBrowser, root: Path, seeds: Sequence[s.SnapshotPaper]
) -> tuple[float, float, int, int]:
    """A fresh server, a page of papers it has never seen: ms from navigation to first marks and to
    final marks, the cards provisional at first marks, and the page's card count."""
    url, build = SITES["Hugging Face /papers"]
    papers = s.hf_trending_papers()[:FRESH_PAGE_SIZE]
    server = ServerProcess(root / "fresh-data").start()
    try:
        server.request("POST", "/profiles", {"name": PROFILE})
        seed_ratings(server, seeds)
        wait_for_embeddings(server, PROFILE)  # a server in use: encoder loaded, its ratings embedded
        browser.reset(server, PROFILE)
        page = browser.open_digest(
            url, build(papers), before_load=lambda p: p.add_init_script(MARKS_CLOCK_JS)
        )
        try:
            page.wait_for_function("() => window.__papersieveMarks.final !== null", timeout=180000)
            times = page.evaluate("() => window.__papersieveMarks")
            assert times["cards"] == len(papers), times
        finally:
            page.close()
    finally:
        server.stop()
    return times["first"], times["final"], times["provisionalAtFirst"], times["cards"]


def mark_page(browser: ExtensionBrowser, url: str, html: str, count: int) -> float:
    """Open the page fresh (no cached scores); the content script's main-thread ms to mark it."""
    browser.storage("async () => chrome.storage.session.clear()")
    page = browser.open_digest(url, html)
    try:
        ps.wait_for_scores(page, count, timeout=60000)
        return page.evaluate(SUM_MEASURES_JS, "papersieve:main")
    finally:
        page.close()


def click_to_remark(
    browser: ExtensionBrowser, url: str, html: str, count: int, clicks: int
) -> tuple[list, list]:
    """Click 👍 (and again, to undo) on cards in view; the content script's own timings."""
    browser.update_settings(pausedSites={})
    page = browser.open_digest(url, html)
    visible, whole = [], []
    try:
        ps.wait_for_scores(page, count, timeout=60000)
        ids = [card["id"] for card in ps.cards(page)][:3]
        # One untimed click first: the server refits its corpus features once the page's papers are
        # new to it (seconds, a server cost that happens when the corpus grows, not on every click).
        disliked = next(card["down"] for card in ps.cards(page) if card["id"] == ids[-1])
        ps.vote_button(page, ids[-1], -1).click()  # 👎, or its undo when an earlier site's run left one
        ps.wait_for_pressed(page, ids[-1], None if disliked else -1, timeout=60000)
        for index in range(clicks):
            paper_id = ids[index % len(ids)]
            liked = next(card["up"] for card in ps.cards(page) if card["id"] == paper_id)
            ps.vote_button(page, paper_id, 1).click()  # 👍, or its undo when already liked
            ps.wait_for_pressed(page, paper_id, None if liked else 1, timeout=60000)
            visible.append(page.evaluate(LAST_MEASURE_JS, "papersieve:vote-to-remark"))
            whole.append(page.evaluate(LAST_MEASURE_JS, "papersieve:vote-to-remark-all"))
    finally:
        page.close()
    return visible, whole


def run(runs: int, clicks: int) -> str:
    from playwright.sync_api import sync_playwright

    papers = s.expertise_papers(600)
    seed_pool, page_pool = papers[:20], papers[20:520]
    rows, click_rows = [], []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        root = Path(tmp)
        extension_dir = build_extension(root / "build")
        browser = ExtensionBrowser(playwright, extension_dir, root / "profile")
        try:
            fresh = first_and_final_marks(browser, root, seed_pool)
            first_ms, final_ms, provisional, cards = fresh
            print(
                f"fresh server, {cards} unseen papers: first marks {first_ms / 1000:.2f} s "
                f"({provisional} provisional), final marks {final_ms / 1000:.1f} s"
            )
            server = ServerProcess(root / "data").start()
            try:
                server.request("POST", "/profiles", {"name": PROFILE})
                seed_ratings(server, seed_pool)
                browser.reset(server, PROFILE)
                for site, (url, build) in SITES.items():
                    for size in SIZES:
                        html = build(page_pool[:size])
                        mark_page(browser, url, html, size)  # warm-up: server corpus, code caches
                        script_ms = statistics.median(
                            mark_page(browser, url, html, size) for _ in range(runs)
                        )
                        rows.append((site, size, script_ms))
                        print(
                            f"{site:24} {size:4} cards: content script {script_ms:6.1f} ms "
                            f"({script_ms * 100 / size:5.1f} ms per 100)"
                        )
                    visible, whole = click_to_remark(browser, url, build(page_pool[:100]), 100, clicks)
                    click_rows.append(
                        (site, statistics.median(visible), max(visible), statistics.median(whole))
                    )
                    print(
                        f"{site:24} click → re-marked: in view {statistics.median(visible):.0f} ms "
                        f"(max {max(visible):.0f}), whole page {statistics.median(whole):.0f} ms"
                    )
            finally:
                server.stop()
        finally:
            browser.close()
    return report(rows, click_rows, runs, clicks, fresh)


def report(rows: list, click_rows: list, runs: int, clicks: int, fresh: tuple) -> str:
    lines = [
        "## Extension: marking time and click → re-marked (`python -m training.bench.extension`)",
        "",
        "Debian Chromium (new headless), real `papersieve serve`, real papers; "
        f"median of {runs} fresh page loads (no cached scores). Content script = the sum of its "
        "`papersieve:main` measures: adapter extraction, bookkeeping, sending the papers to the worker, "
        "building the marks; the browser's own style/layout of the marks is not included. "
        "Target: < 16 ms main thread per 100 cards.",
        "",
        "| page | cards | content script main thread (ms) | per 100 cards (ms) |",
        "|---|---:|---:|---:|",
    ]
    for site, size, script_ms in rows:
        lines.append(f"| {site} | {size} | {script_ms:.1f} | {script_ms * 100 / size:.1f} |")
    lines += [
        "",
        f"Click 👍 → cards in view re-marked with new scores (server refit included), 100-card page, "
        f"{clicks} clicks (like / undo). Target: < 150 ms.",
        "",
        "| page | median (ms) | max (ms) | whole page re-marked, median (ms) |",
        "|---|---:|---:|---:|",
    ]
    for site, median, worst, whole in click_rows:
        lines.append(f"| {site} | {median:.0f} | {worst:.0f} | {whole:.0f} |")
    first_ms, final_ms, provisional, cards = fresh
    lines += [
        "",
        f"First and final marks on a fresh server (20 ratings, already embedded) for a {cards}-card "
        "Hugging Face page of papers it has never seen (the real trending papers), one page load: "
        "from navigation to every card showing a score (first marks; provisional ones are term-only "
        "estimates), and to no card being provisional (final marks: the server's one embedding "
        "thread has embedded the page, and the content script has asked again when the server's "
        "reply estimated it would be done).",
        "",
        "| page | cards | first marks (s) | provisional at first marks | final marks (s) |",
        "|---|---:|---:|---:|---:|",
        f"| Hugging Face /papers | {cards} | {first_ms / 1000:.2f} | {provisional} | {final_ms / 1000:.1f} |",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="fresh page loads per page size (default 5)")
    parser.add_argument("--clicks", type=int, default=10, help="👍 clicks timed per site (default 10)")
    parser.add_argument("--no-write", action="store_true", help="print only; leave training/RESULTS.md alone")
    args = parser.parse_args()
    if args.runs < 1 or args.clicks < 1:
        parser.error("--runs and --clicks must be positive")
    publish("bench_extension", run(args.runs, args.clicks), write=not args.no_write)


if __name__ == "__main__":
    main()
