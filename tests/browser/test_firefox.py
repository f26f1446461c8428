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
    papers = s.hf_trending_papers()[:24]
    page = firefox.open_digest(HF_URL, s.huggingface_daily_page(papers))

    ps.wait_for_bars(page, len(papers), timeout=30000)
    assert "rate 2 more papers to start ranking" in page.evaluate(SUMMARY_TEXT_JS)
    assert all(card["badge"] == "–" and card["mark"] == "plain" for card in ps.cards(page))

    vote(page, papers[0].id, 1)
    page.wait_for_function(f"() => ({SUMMARY_TEXT_JS})().includes('1 more')", timeout=30000)
    vote(page, papers[3].id, -1)
    ps.wait_for_scores(page, len(papers), timeout=30000)

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
    first = ps.scores(page)
    paper = shown[2]

    vote(page, paper.id, 1)
    ps.wait_for_pressed(page, paper.id, 1, timeout=30000)
    liked = ps.scores(page)[paper.id]
    assert liked > first[paper.id]
    assert server_ratings(server, profile)[paper.id] == 1

    # 👎 on the same card replaces the 👍: one rating, and the score falls.
    vote(page, paper.id, -1)
    ps.wait_for_pressed(page, paper.id, -1, timeout=30000)
    assert ps.scores(page)[paper.id] < liked
    assert server_ratings(server, profile)[paper.id] == -1

    # 👎 again undoes it: no rating on the server, and the scores are back where they were.
    vote(page, paper.id, -1)
    ps.wait_for_pressed(page, paper.id, None, timeout=30000)
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

        server.start()  # same data dir and port
        # The page's ask-again timer delivers the rating and re-marks the card: no reload.
        page.wait_for_function(
            """([id, before]) => {
              const summary = document.querySelector('[data-papersieve=summary]').innerText;
              const bar = document.querySelector(`[data-papersieve=bar][data-paper-id="${id}"]`);
              const score = Number(bar.querySelector('.papersieve-badge').dataset.score) * 100;
              return !/rating kept here|server unreachable/.test(summary) && score > before;
            }""",
            arg=[shown[1].id, before],
            timeout=45000,
        )
        assert server_ratings(server, profile)[shown[1].id] == 1
        ps.wait_for_scores(page, len(shown))
        page.close()
    finally:
        server.stop()
