"""The onboarding page, from a fresh install to a marked page, as a new reader goes through it.

A fresh Chromium profile installs the built extension: its worker opens the onboarding page by
itself. The reader points it at a server that is not running yet (the page waits, re-checking
every 2 s), starts it, pairs with a real code from `papersieve pair --data-dir`, imports a small
BibTeX library (a damaged entry is skipped and shown by its line), opens the digest page from the
last step, and after one 👎 every card is scored. A wrong or expired code says so and why.
"""

from __future__ import annotations

import re
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from server.pairing import new_pairing_code
from tests.support import SCREENSHOT_DIR, missing_tool
from training.harness import page_state as ps
from training.harness import sites as s
from training.harness.browser import ExtensionBrowser, MissingTool
from training.harness.server_process import REPO_ROOT, ServerProcess, papersieve_command
from training.harness.sites.routes import fulfill_with

ONBOARDING = "src/onboarding/onboarding.html"
HF_URL = "https://huggingface.co/papers"
# Every https request of the fresh browser is a snapshot or refused (the loopback server passes).
HTTPS_NOT_LOOPBACK = re.compile(r"^https?://(?!(?:127\.0\.0\.1|localhost)[:/])")
NO_TEX = re.compile(r"[{}\\%$&#_^~]")


@pytest.fixture(scope="module")
def fresh(playwright: Any, extension_dir: Path, tmp_path_factory) -> Iterator[ExtensionBrowser]:
    """A new Chromium profile: the extension is installed now, as a reader installs it."""
    try:
        launched = ExtensionBrowser(playwright, extension_dir, tmp_path_factory.mktemp("fresh-profile"))
    except MissingTool as error:
        missing_tool(str(error))
    yield launched
    launched.close()


def onboarding_tab(browser: ExtensionBrowser, timeout: float = 15) -> Any:
    """The onboarding tab the worker opened on install (it may open before or after the harness's)."""
    url = browser.extension_url(ONBOARDING)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pages = [page for page in browser.context.pages if page.url == url]
        if pages:
            assert len(pages) == 1, "the onboarding page opened more than once"
            return pages[0]
        browser.control.wait_for_timeout(100)
    raise AssertionError(f"no onboarding tab opened on install: {[p.url for p in browser.context.pages]}")


def default_port_answers() -> bool:
    """Whether something listens on the extension's default server port, 8417."""
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", 8417)) == 0


def step_state(page: Any, step: str) -> str:
    return page.locator(f"#step-{step}").get_attribute("data-state")


def wait_for_step(page: Any, step: str, state: str, timeout: float = 60000) -> None:
    page.wait_for_function(
        "([id, state]) => document.getElementById(`step-${id}`).dataset.state === state",
        arg=[step, state],
        timeout=timeout,
    )


def wait_for_text(page: Any, element_id: str, pattern: str, timeout: float = 60000) -> None:
    """Until the element's text matches the regular expression `pattern` (else it says what it is)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(
            "([id, pattern]) => new RegExp(pattern).test(document.getElementById(id)?.textContent || '')",
            arg=[element_id, pattern],
            timeout=timeout,
        )
    except PlaywrightTimeout:
        text = page.locator(f"#{element_id}").text_content()
        raise AssertionError(f"#{element_id} never matched {pattern!r}: {text!r}") from None


def pairing_code(data_dir: Path) -> str:
    """A real one-time code, printed by `papersieve pair` for the server's data directory."""
    done = subprocess.run(
        papersieve_command("pair", "--data-dir", str(data_dir)),
        cwd=REPO_ROOT,
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    code = done.stdout.strip()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", code), done.stdout
    return code


def library_bibtex(papers: list[s.SnapshotPaper]) -> str:
    """A small BibTeX library of real papers (arXiv ids in `eprint`), a damaged entry in the middle."""
    entries = [
        f"@article{{paper{index},\n  title = {{{paper.title}}},\n"
        f"  author = {{{' and '.join(paper.authors)}}},\n  abstract = {{{paper.abstract}}},\n"
        f"  eprint = {{{paper.id}}},\n  archivePrefix = {{arXiv}},\n  year = {{2025}}\n}}\n"
        for index, paper in enumerate(papers)
    ]
    entries.insert(2, "@misc{no_title_2025,\n  year = {2025},\n  note = {to read}\n}\n")
    return "\n".join(entries)


def test_from_install_to_a_marked_page(fresh: ExtensionBrowser, tmp_path: Path) -> None:
    page = onboarding_tab(fresh)
    page.wait_for_function("() => document.getElementById('step-digest').dataset.state === 'locked'")
    if not default_port_answers():  # (another papersieve on this machine would turn step 1 green)
        assert step_state(page, "server") == "open"
        assert step_state(page, "pair") == "locked"
    assert step_state(page, "library") == "locked"
    assert page.locator("#serve-command").text_content() == "make serve"
    assert page.locator("#pair-code").is_disabled()  # locked steps are shown, greyed, not hidden
    assert page.locator("#step-digest").is_visible()

    # Step 1: the reader's server is on another port and not started yet; the page waits for it.
    server = ServerProcess(tmp_path / "data")
    page.fill("#server-url", server.url)
    page.click("#use-server-url")
    wait_for_text(page, "server-status", f"No papersieve server answers at {re.escape(server.url)}", 30000)
    assert "checked every 2 s" in page.locator("#server-status").text_content()
    assert step_state(page, "pair") == "locked"
    server.start()
    try:
        started = time.monotonic()
        wait_for_step(page, "server", "done", timeout=10000)
        assert time.monotonic() - started < 5  # the next 2 s re-check found it
        assert server.url in page.locator("#server-status").text_content()
        assert step_state(page, "pair") == "open"
        assert step_state(page, "library") == "locked"

        # Step 2: a real code from `papersieve pair`, typed in lower case as a reader might.
        page.fill("#pair-code", pairing_code(server.data_dir).lower())
        page.click("#pair")
        wait_for_step(page, "pair", "done")
        assert "Paired with" in page.locator("#pair-status").text_content()
        stored = fresh.storage("async () => (await chrome.storage.local.get('settings')).settings")
        assert stored["token"] == server.token
        assert stored["serverUrl"] == server.url

        # Step 3: a BibTeX export of three papers and one damaged entry.
        liked = [p for p in s.hf_trending_papers() if not NO_TEX.search(p.title + p.abstract)][:3]
        library = tmp_path / "My Library.bib"
        library.write_text(library_bibtex(liked), encoding="utf-8")
        page.set_input_files("#library-file", str(library))
        page.click("#import")
        wait_for_step(page, "library", "done", timeout=30000)
        status = page.locator("#import-status").text_content()
        assert status == "Imported 3 papers as 👍 from the BibTeX file; 1 skipped.", status
        assert page.locator("#import-skipped li").all_text_contents() == [
            "line 19: entry 'no_title_2025': has no title and no arXiv id"
        ]
        code, reply = server.request("GET", "/profiles/default/ratings")
        assert code == 200
        assert {r["paper"]["id"]: r["rating"] for r in reply["ratings"]} == {p.id: 1 for p in liked}
        readiness = page.locator("#readiness").text_content()
        assert "Marks appear once there is one 👍 and one 👎" in readiness
        assert "Rate one 👎 on a digest page" in readiness

        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOT_DIR / "onboarding.png"), full_page=True)

        # Step 4: the digest page it opens, served from a snapshot at its real URL.
        shown = [p for p in s.hf_trending_papers()[20:32] if p not in liked]
        fresh.context.route(HTTPS_NOT_LOOPBACK, lambda route: route.abort())
        fresh.context.route(HF_URL, fulfill_with(s.huggingface_daily_page(shown)))
        assert step_state(page, "digest") == "open"
        with fresh.context.expect_page() as opened:
            page.click(f"button.open-digest[data-url='{HF_URL}']")
        digest = opened.value
        digest.wait_for_load_state()
        # The tab the extension opened is aimed at the real page (its history says so); Playwright's
        # routes miss the first navigation of a tab an extension opens, so the test loads the
        # snapshot again in that same tab.
        history = fresh.context.new_cdp_session(digest).send("Page.getNavigationHistory")
        assert [entry["url"] for entry in history["entries"]][-1:] == [HF_URL], history
        if digest.url != HF_URL:
            digest.goto(HF_URL)
        assert digest.url == HF_URL
        ps.wait_for_bars(digest, len(shown))
        summary = digest.locator(ps.SUMMARY)
        summary.filter(has_text="rate 1 more paper to start ranking").wait_for(timeout=15000)
        assert all(card["mark"] == "plain" and card["visible"] for card in ps.cards(digest))

        # One 👎 and the model is ready: every card gets a score.
        ps.vote_button(digest, shown[3].id, -1).click()
        ps.wait_for_pressed(digest, shown[3].id, -1)
        ps.wait_for_scores(digest, len(shown), timeout=60000)
        code, reply = server.request("GET", "/profiles/default/ratings")
        assert {r["paper"]["id"]: r["rating"] for r in reply["ratings"]}[shown[3].id] == -1
        page.bring_to_front()
        wait_for_text(page, "readiness", "The model is ready")
    finally:
        server.stop()


def test_a_wrong_or_expired_code_says_why(
    browser: ExtensionBrowser, server: ServerProcess, profile: str
) -> None:
    browser.reset(server, profile, token="")
    page = browser.context.new_page()
    page.goto(browser.extension_url(ONBOARDING))
    wait_for_step(page, "server", "done")
    assert step_state(page, "pair") == "open"
    status = page.locator("#pair-status")
    # The stored token is looked at after the server answers; its message would replace the next.
    wait_for_text(page, "pair-status", "^Not paired yet")

    page.fill("#pair-code", "KCQ7")
    page.click("#pair")
    wait_for_text(page, "pair-status", "8 letters and digits")

    real = pairing_code(server.data_dir)
    wrong = "ACDE-FGHJ" if real != "ACDE-FGHJ" else "ACDE-FGHK"
    page.fill("#pair-code", wrong)
    page.click("#pair")
    wait_for_text(page, "pair-status", "tries left")
    assert status.text_content().startswith("That code did not work: wrong pairing code (4 tries left)")
    assert "papersieve pair" in status.text_content()
    assert step_state(page, "pair") == "open"
    assert step_state(page, "library") == "locked"

    # A code made 6 minutes ago has expired (codes last 5).
    expired = new_pairing_code(server.data_dir, now=time.time() - 360)
    page.fill("#pair-code", expired.code)
    page.click("#pair")
    wait_for_text(page, "pair-status", "expired")
    assert status.text_content().startswith("That code did not work: the pairing code expired")
    # … and used up: nothing is waiting any more, whatever is typed.
    page.fill("#pair-code", expired.code)
    page.click("#pair")
    wait_for_text(page, "pair-status", "no pairing code is waiting")
    token = browser.storage("async () => (await chrome.storage.local.get('settings')).settings.token")
    assert token == ""
    assert step_state(page, "pair") == "open"


def test_an_import_that_cannot_be_read_says_why(
    browser: ExtensionBrowser, server: ServerProcess, profile: str, tmp_path: Path
) -> None:
    page = browser.context.new_page()
    page.goto(browser.extension_url(ONBOARDING))
    wait_for_step(page, "pair", "done")  # the stored token works: straight to the library
    assert step_state(page, "library") == "open"
    assert page.locator("#profile-name").text_content() == profile

    unknown = tmp_path / "notes.txt"
    unknown.write_text("things to read this week\nthe attention paper\n", encoding="utf-8")
    page.set_input_files("#library-file", str(unknown))
    page.click("#import")
    wait_for_text(page, "import-status", "^Nothing imported: cannot tell the format")

    big = tmp_path / "huge.bib"
    entry = (
        "@misc{{k{0},\n  title = {{Paper {0}}},\n  eprint = {{2501.{0:05d}}},\n"
        "  archivePrefix = {{arXiv}}\n}}\n"
    )
    big.write_text("".join(entry.format(n) for n in range(30000)), encoding="utf-8")
    assert big.stat().st_size > 2 * 1024 * 1024
    page.set_input_files("#library-file", str(big))
    page.click("#import")
    wait_for_text(page, "import-status", r"over the server's 2 MiB .*/papersieve import")

    status, reply = server.request("GET", f"/profiles/{profile}/ratings")
    assert status == 200 and reply["ratings"] == []
    assert step_state(page, "library") == "open"
    assert step_state(page, "digest") == "locked"


def test_the_options_and_the_popup_reopen_it(
    browser: ExtensionBrowser, server: ServerProcess, profile: str
) -> None:
    url = browser.extension_url(ONBOARDING)
    options = browser.context.new_page()
    options.goto(browser.extension_url("src/options/options.html"))
    with browser.context.expect_page() as opened:
        options.click("#open-onboarding")
    opened.value.wait_for_load_state()
    assert opened.value.url == url
    wait_for_step(opened.value, "pair", "done")  # the options' server and token, already working

    popup = browser.context.new_page()
    popup.goto(browser.extension_url("src/popup/popup.html"))
    with browser.context.expect_page() as opened:
        popup.click("#open-onboarding")
    opened.value.wait_for_load_state()
    assert opened.value.url == url
