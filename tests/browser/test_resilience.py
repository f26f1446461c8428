"""The page copes with an absent server and a stopped service worker: nothing breaks, nothing is lost."""

from __future__ import annotations

import time

from training.datasets.shared_data import paper_json
from training.harness import page_state as ps
from training.harness import sites as s
from training.harness.server_process import ServerProcess

HF_URL = "https://huggingface.co/papers"


def test_server_down_leaves_the_page_unmarked_until_it_is_back(browser, tmp_path, profile):
    down = ServerProcess(tmp_path / "papersieve-data")  # its token exists; the server does not run
    browser.reset(down, "default")
    papers = s.hf_trending_papers()[:12]
    page = browser.open_digest(HF_URL, s.huggingface_daily_page(papers))
    page.wait_for_timeout(1500)
    assert page.locator("[data-papersieve]").count() == 0
    assert page.locator("[class*=papersieve]").count() == 0

    popup = browser.context.new_page()
    popup.goto(browser.extension_url("src/popup/popup.html"))
    connection = popup.locator("#connection")
    popup.wait_for_function("() => !document.querySelector('#connection').textContent.startsWith('Checking')")
    assert connection.inner_text() == f"Server not reachable at {down.url}"
    assert "make serve" in popup.locator("#connection-help").inner_text()

    down.start()
    try:
        ps.wait_for_bars(page, len(papers))  # its next ask again may be 15 s away
        assert "rate 2 more papers" in ps.summary_text(page)
        popup.reload()
        popup.wait_for_function(
            "() => document.querySelector('#connection').textContent.startsWith('Connected')"
        )
    finally:
        down.stop()


def server_rating(server, profile, paper_id, timeout: float = 60) -> int | None:
    """The server's rating of a paper, waiting a little for one to arrive."""
    deadline = time.monotonic() + timeout
    while True:
        status, reply = server.request("GET", f"/profiles/{profile}/ratings")
        assert status == 200
        ratings = {r["paper"]["id"]: r["rating"] for r in reply["ratings"]}
        if paper_id in ratings or time.monotonic() > deadline:
            return ratings.get(paper_id)
        time.sleep(0.1)


def test_a_stopped_worker_loses_nothing(browser, server, profile):
    papers = s.hf_trending_papers()
    for index, paper in enumerate(papers[60:64]):
        rating = 1 if index % 2 else -1
        status, _ = server.request(
            "POST", "/feedback", {"profile": profile, "paper": paper_json(paper), "rating": rating}
        )
        assert status == 200
    shown, late = papers[:10], papers[10:15]
    page = browser.open_digest(HF_URL, s.huggingface_daily_page(shown, late=s.LateCards(late, mode="click")))
    browser.stop_worker()  # while the first scores may still be on their way
    ps.wait_for_scores(page, len(shown))

    # A click wakes the stopped worker; it finds server, token and profile in storage.
    browser.stop_worker()
    ps.vote_button(page, shown[1].id, 1).click()
    ps.wait_for_pressed(page, shown[1].id, 1)
    assert server_rating(server, profile, shown[1].id) == 1

    # Stopped right after a click, while the rating is on its way: it still arrives.
    ps.vote_button(page, shown[4].id, -1).click()
    browser.stop_worker()
    ps.wait_for_pressed(page, shown[4].id, -1)
    assert server_rating(server, profile, shown[4].id) == -1

    # Cards that arrive after another stop are scored too.
    browser.stop_worker()
    page.locator("#load-more").click()
    ps.wait_for_scores(page, len(shown) + len(late))


def test_a_vote_kept_while_the_server_is_down_re_marks_its_own_tab_when_it_is_back(browser, tmp_path):
    server = ServerProcess(tmp_path / "papersieve-data").start()
    try:
        browser.reset(server, "default")
        papers = s.hf_trending_papers()
        for index, paper in enumerate(papers[60:64]):
            status, _ = server.request(
                "POST", "/feedback", {"paper": paper_json(paper), "rating": 1 if index % 2 else -1}
            )
            assert status == 200
        shown = papers[:12]
        page = browser.open_digest(HF_URL, s.huggingface_daily_page(shown))
        ps.wait_for_scores(page, len(shown), timeout=30000)
        ps.wait_for_final(page, timeout=90000)
        before = ps.scores(page)[shown[1].id]

        server.stop()
        ps.vote_button(page, shown[1].id, 1).click()
        page.wait_for_function(
            "() => /rating kept here/.test(document.querySelector('[data-papersieve=summary]').innerText)",
            timeout=30000,
        )
        assert ps.scores(page)[shown[1].id] == before

        server.start()  # same data dir and port: the same tab, no reload
        assert server_rating(server, "default", shown[1].id, timeout=60) == 1
        page.wait_for_function(
            "() => !/rating kept here/.test(document.querySelector('[data-papersieve=summary]').innerText)",
            timeout=90000,
        )
        ps.wait_for_final(page, timeout=90000)
        # The kept rating may reach the server just after that rescore; its arrival re-marks the
        # page again (the worker's ratings version changes), so wait for the score that counts it.
        deadline = time.monotonic() + 60
        while ps.scores(page)[shown[1].id] <= before and time.monotonic() < deadline:
            page.wait_for_timeout(250)
        assert ps.scores(page)[shown[1].id] > before
        assert ps.cards(page)[1]["up"]
    finally:
        server.stop()
