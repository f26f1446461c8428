"""The popup and the options page, used as a reader uses them."""

from __future__ import annotations

import time

from training.harness import page_state as ps
from training.harness import sites as s

HF_URL = "https://huggingface.co/papers"


FIND_DIGEST_TAB_JS = ps.FIND_DIGEST_TAB_JS


def stored_settings(browser) -> dict:
    return browser.storage("async () => (await chrome.storage.local.get('settings')).settings")


def test_options_accept_only_loopback_servers_and_check_the_token_at_once(browser, server, profile):
    options = browser.context.new_page()
    options.goto(browser.extension_url("src/options/options.html"))
    url, token, result = (
        options.locator("#server-url"),
        options.locator("#token"),
        options.locator("#server-result"),
    )
    options.wait_for_function(f"() => document.querySelector('#server-url').value === '{server.url}'")

    url.fill("http://papers.example.com:8417")
    options.locator("#check-save").click()
    options.wait_for_function(
        "() => document.querySelector('#server-result').textContent.includes('Only this')"
    )
    assert "Only this machine's server is allowed" in result.inner_text()
    assert stored_settings(browser)["serverUrl"] == server.url

    url.fill(server.url)
    token.fill("not-the-token")
    options.locator("#check-save").click()
    options.wait_for_function("() => document.querySelector('#server-result').textContent.includes('token')")
    assert "The server refused the token" in result.inner_text()
    assert "papersieve token" in result.inner_text()

    token.fill("")
    token.focus()
    options.evaluate(
        """(value) => {
            const data = new DataTransfer();
            data.setData('text/plain', value);
            const input = document.querySelector('#token');
            input.value = value;
            input.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true }));
        }""",
        server.token,
    )
    options.wait_for_function("() => document.querySelector('#server-result').textContent.includes('works')")
    assert stored_settings(browser)["token"] == server.token

    options.locator("#highlight-above").fill("20")
    options.locator("#dim-below").fill("40")
    options.locator("#display-form button[type=submit]").click()
    options.wait_for_function("() => document.querySelector('#display-result').textContent !== ''")
    assert "must be below" in options.locator("#display-result").inner_text()

    options.locator("#highlight-above").fill("80")
    options.locator("#dim-below").fill("25")
    options.locator("input[name=mode][value=hide]").check()
    options.locator("input[name=site][value='arxiv.org']").uncheck()
    options.locator("#display-form button[type=submit]").click()
    options.wait_for_function(
        "() => document.querySelector('#display-result').textContent.startsWith('Saved')"
    )
    saved = stored_settings(browser)
    assert (saved["highlightAbove"], saved["dimBelow"], saved["mode"]) == (0.8, 0.25, "hide")
    assert saved["pausedSites"] == {"arxiv.org": True}


def test_popup_shows_state_switches_profiles_and_pauses_the_site(browser, server, profile):
    papers = s.hf_trending_papers()[:8]
    page = browser.open_digest(HF_URL, s.huggingface_daily_page(papers))
    ps.wait_for_bars(page, len(papers))
    tab_id = browser.storage(FIND_DIGEST_TAB_JS, "huggingface.co")
    popup = browser.context.new_page()
    popup.goto(browser.extension_url(f"src/popup/popup.html?tab={tab_id}"))
    popup.wait_for_function("() => document.querySelector('#connection').textContent.startsWith('Connected')")
    assert popup.locator("#profile-select").input_value() == profile
    assert popup.locator("#labels").inner_text() == "Ratings: 👍 0 · 👎 0"
    # The page's counts come after the connection (the tab's content script answers them).
    popup.wait_for_function(
        "() => document.querySelector('#page-counts').textContent !== 'Not a supported digest page.'"
    )
    assert popup.locator("#page-counts").inner_text().startswith("8 papers; the model needs 2 more")

    popup.locator("#new-profile").fill("reading-group")
    popup.locator("#create-form button").click()
    popup.wait_for_function("() => document.querySelector('#profile-select').value === 'reading-group'")
    assert stored_settings(browser)["profile"] == "reading-group"
    _, reply = server.request("GET", "/profiles")
    assert "reading-group" in {p["name"] for p in reply["profiles"]}
    popup.locator("#profile-select").select_option(profile)
    popup.wait_for_function("() => document.querySelector('#labels').textContent.includes('👍')")
    # #labels already said 👍 before the switch: wait (≤ 60 s) for the popup's save itself to land.
    deadline = time.monotonic() + 60
    while stored_settings(browser)["profile"] != profile and time.monotonic() < deadline:
        popup.wait_for_timeout(50)
    assert stored_settings(browser)["profile"] == profile

    switch = popup.locator("#site-enabled")
    assert switch.is_checked()
    switch.uncheck()
    page.wait_for_function("() => document.querySelectorAll('[data-papersieve]').length === 0")
    assert stored_settings(browser)["pausedSites"] == {"huggingface.co": True}
    popup.wait_for_function("() => document.querySelector('#page-counts').textContent.startsWith('Paused')")
    switch.check()
    ps.wait_for_bars(page, len(papers))
