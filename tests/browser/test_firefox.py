"""Chromium's scenarios in Debian's firefox-esr: a page marked, votes stored, re-marked, server down and back.

Firefox runs headless with dist/firefox installed over WebDriver BiDi (webExtension.install) by
puppeteer-core (training/harness/firefox.py); pages are snapshots served at the sites' real URLs,
the server is a real `papersieve serve`. CI=true: a missing firefox-esr or puppeteer-core fails.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

from tests.support import missing_tool
from training.datasets.shared_data import paper_json
from training.harness import page_state as ps
from training.harness import sites as s
from training.harness.browser import MissingTool
from training.harness.firefox import FirefoxBrowser, FirefoxPage
from training.harness.server_process import ServerProcess

HF_URL = "https://huggingface.co/papers"
ARXIV_URL = "https://arxiv.org/list/cs.CL/new"
SUMMARY_TEXT_JS = "() => document.querySelector('[data-papersieve=summary]').innerText"
NONE_PROVISIONAL_JS = ps.NONE_PROVISIONAL_JS
SETTLE_MS = ps.REFINE_WAIT_MS  # a refining round asks again after 1, 2, 4, 8, 15 s, for 120 s
_profile_numbers = itertools.count(1)


@pytest.fixture(scope="module")
def firefox(extension_dir, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FirefoxBrowser]:
    log = tmp_path_factory.mktemp("firefox") / "driver.log"
    try:
        launched = FirefoxBrowser(extension_dir.parent / "firefox", log)
    except MissingTool as error:
        missing_tool(str(error))
    yield launched
    launched.close()


def fresh_profile(firefox: FirefoxBrowser, server: ServerProcess) -> str:
    """A new server profile, active in a freshly reset extension."""
    name = f"firefox-{next(_profile_numbers)}"
    status, reply = server.request("POST", "/profiles", {"name": name})
    assert status == 201, reply
    firefox.reset(server, name)
    return name


def vote(page: FirefoxPage, paper_id: str, rating: int) -> None:
    """A real click on the card's 👍 (1) or 👎 (-1)."""
    selector = f'{ps.BARS}[data-paper-id="{paper_id}"] button.papersieve-vote'
    page.click(selector, 0 if rating == 1 else 1)


def settle(page: FirefoxPage, paper_id: str | None = None, rating: int | None = None) -> None:
    """Until the vote on `paper_id` (if any) shows and is rescored, and no score is provisional
    (the server's estimate while a paper's embedding or a refit is on its way)."""
    if paper_id is not None:
        ps.wait_for_pressed(page, paper_id, rating, timeout=SETTLE_MS)
    page.wait_for_function(NONE_PROVISIONAL_JS, timeout=SETTLE_MS)


def server_ratings(server: ServerProcess, profile: str) -> dict[str, int]:
    status, reply = server.request("GET", f"/profiles/{profile}/ratings")
    assert status == 200
    return {r["paper"]["id"]: r["rating"] for r in reply["ratings"]}


def seed_ratings(server: ServerProcess, profile: str, papers) -> None:
    """Two ratings of each kind on papers that are not on the page, so the model is ready."""
    for index, paper in enumerate(papers):
        body = {"profile": profile, "paper": paper_json(paper), "rating": 1 if index % 2 else -1}
        status, _ = server.request("POST", "/feedback", body)
        assert status == 200


def test_firefox_marks_a_hugging_face_page_once_rated_up_and_down(firefox, server):
    profile = fresh_profile(firefox, server)
    # Firefox grants an MV3 add-on's manifest origins at install (extensions.originControls.
    # grantByDefault): the server's and the sites', so no "Allow access" is needed here.
    granted = firefox.storage(
        """async (origins) => browser.permissions.contains({ origins })""",
        ["http://127.0.0.1/*", "https://huggingface.co/papers*", "https://arxiv.org/list/*"],
    )
    assert granted is True
    papers = s.hf_trending_papers()[:24]
    page = firefox.open_digest(HF_URL, s.huggingface_daily_page(papers))

    ps.wait_for_bars(page, len(papers), timeout=30000)
    assert "rate 2 more papers to start ranking" in page.evaluate(SUMMARY_TEXT_JS)
    assert all(card["badge"] == "–" and card["mark"] == "plain" for card in ps.cards(page))

    vote(page, papers[0].id, 1)
    page.wait_for_function(f"() => ({SUMMARY_TEXT_JS})().includes('1 more')", timeout=30000)
    vote(page, papers[3].id, -1)
    ps.wait_for_scores(page, len(papers), timeout=30000)
    settle(page, papers[3].id, -1)

    shown = {card["id"]: card for card in ps.cards(page)}
    assert shown[papers[0].id]["up"] and not shown[papers[0].id]["down"]
    assert shown[papers[3].id]["down"] and not shown[papers[3].id]["up"]
    assert shown[papers[0].id]["score"] > shown[papers[3].id]["score"]
    assert all(card["mark"] in {"high", "dim", "plain"} for card in shown.values())
    assert f"{len(papers)} scored" in page.evaluate(SUMMARY_TEXT_JS)
    assert server_ratings(server, profile) == {papers[0].id: 1, papers[3].id: -1}
    page.close()


def test_firefox_votes_are_stored_and_the_page_re_marks(firefox, server):
    profile = fresh_profile(firefox, server)
    papers = s.expertise_papers(40)
    seed_ratings(server, profile, papers[:4])
    shown = papers[4:24]
    page = firefox.open_digest(ARXIV_URL, s.arxiv_list_new_page(shown))
    ps.wait_for_scores(page, len(shown), timeout=30000)
    settle(page)
    first = ps.scores(page)
    paper = shown[2]

    vote(page, paper.id, 1)
    settle(page, paper.id, 1)
    liked = ps.scores(page)[paper.id]
    assert liked > first[paper.id]
    assert server_ratings(server, profile)[paper.id] == 1

    # 👎 on the same card replaces the 👍: one rating, and the score falls.
    vote(page, paper.id, -1)
    settle(page, paper.id, -1)
    assert ps.scores(page)[paper.id] < liked
    assert server_ratings(server, profile)[paper.id] == -1

    # 👎 again undoes it: no rating on the server, and the scores are back where they were.
    vote(page, paper.id, -1)
    settle(page, paper.id, None)
    assert paper.id not in server_ratings(server, profile)
    assert all(abs(score - first[key]) <= 1 for key, score in ps.scores(page).items())
    page.close()


def test_firefox_server_down_then_back_without_a_reload(firefox, tmp_path):
    server = ServerProcess(tmp_path / "papersieve-data").start()
    try:
        profile = fresh_profile(firefox, server)
        papers = s.hf_trending_papers()
        seed_ratings(server, profile, papers[60:64])
        shown = papers[:12]
        page = firefox.open_digest(HF_URL, s.huggingface_daily_page(shown))
        ps.wait_for_scores(page, len(shown), timeout=30000)
        settle(page)
        before = ps.scores(page)[shown[1].id]

        server.stop()
        vote(page, shown[1].id, 1)  # shown at once, kept by the worker, the rescore fails
        page.wait_for_function(
            """() => /rating kept here|server unreachable/.test(
                 document.querySelector('[data-papersieve=summary]').innerText)""",
            timeout=30000,
        )
        assert ps.cards(page)[1]["up"]
        assert ps.scores(page)[shown[1].id] == before
        # What the toolbar popup shows, from the worker it asks.
        status = firefox.storage("async () => browser.runtime.sendMessage({ intent: 'getStatus' })")
        assert not status["ok"] and status["serverUrl"] == server.url, status
        assert status["error"]["kind"] not in {"no_token", "unauthorized"}, status
        assert "make serve" in status["error"]["message"], status
        assert status["waitingRatings"] == 1, status

        # A tab opened while the server is down carries no mark (as in Chromium).
        second = firefox.open_digest(HF_URL, s.huggingface_daily_page(shown))
        assert second.evaluate("() => document.querySelectorAll('[data-papersieve]').length") == 0

        server.start()  # same data dir and port
        # Its ask-again timer reaches the server again: the kept rating is delivered first, then the
        # page is marked with the scores that count it, without a reload.
        ps.wait_for_scores(second, len(shown), timeout=SETTLE_MS)
        settle(second)
        assert server_ratings(server, profile)[shown[1].id] == 1
        assert ps.scores(second)[shown[1].id] > before
        assert ps.cards(second)[1]["up"] and ps.cards(page)[1]["up"]
        assert f"{len(shown)} scored" in second.evaluate(SUMMARY_TEXT_JS)
        second.close()
        page.close()
    finally:
        server.stop()
