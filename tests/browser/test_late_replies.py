"""Late replies on the extension's pages never show over newer ones: the dashboard's delete
question only ever counts the shown profile's own ratings, a profile action's message never
replaces a later one, an older overview never brings back older counts; the popup's read of the
page never re-ticks a switch the reader just flipped, nor does an older profile list replace a
newer one; an older import never overwrites a newer import's message; the onboarding page's token
check never overwrites the pairing's message.

Each page's own asks to the real worker (and through it to the real server) are wrapped, in that
page only, by HOLD_REPLIES_JS: every reply is passed on unchanged, counted by intent, and the next
replies of an intent the test names are held back until the test releases them, as a slow worker
or server would deliver them. A release returns after the page has handled the reply (a macrotask
later), so what the test reads then is what the page made of it.
"""

from __future__ import annotations

from typing import Any

from tests.browser.test_dashboard import import_records, open_dashboard, rated_records, wait_for_text
from tests.browser.test_onboarding import ONBOARDING, pairing_code, wait_for_step
from training.harness import page_state as ps
from training.harness import sites as s

HF_URL = "https://huggingface.co/papers"

HOLD_REPLIES_JS = """() => {
  const send = chrome.runtime.sendMessage.bind(chrome.runtime);
  const hold = { replies: {}, wanted: {}, held: [] };
  window.__hold = hold;
  const key = (message) => message.intent + (message.curve === undefined ? "" : `:${message.curve}`);
  const count = (name) => { hold.replies[name] = (hold.replies[name] || 0) + 1; };
  chrome.runtime.sendMessage = (message, ...rest) => send(message, ...rest).then((reply) => {
    const name = key(message);
    if (!(hold.wanted[name] > 0)) {
      count(name);
      return reply;
    }
    hold.wanted[name] -= 1;
    return new Promise((resolve) => {
      hold.held.push({ name, release: () => { count(name); resolve(reply); } });
    });
  });
}"""


def hold(page: Any, name: str, times: int = 1) -> None:
    """Hold the page's next `times` replies of `name` (an intent; dashboardHistory:true|false)."""
    if page.evaluate("() => window.__hold === undefined"):
        page.evaluate(HOLD_REPLIES_JS)
    page.evaluate("([name, times]) => { window.__hold.wanted[name] = times; }", [name, times])


def wait_for_held(page: Any, count: int) -> None:
    page.wait_for_function("(n) => window.__hold.held.length === n", arg=count, timeout=60000)


def release(page: Any, name: str) -> None:
    """Deliver the oldest held reply of `name`, and return once the page has handled it."""
    page.evaluate(
        """async (name) => {
          const index = window.__hold.held.findIndex((held) => held.name === name);
          if (index < 0) throw new Error(`no ${name} reply is held`);
          window.__hold.held.splice(index, 1)[0].release();
          await new Promise((resolve) => setTimeout(resolve, 0));
        }""",
        name,
    )


def replies(page: Any, name: str) -> int:
    return page.evaluate("(name) => window.__hold.replies[name] || 0", name)


def stored_paused(browser) -> dict:
    return browser.storage("async () => (await chrome.storage.local.get('settings')).settings.pausedSites")


def create_profile(server, name: str) -> None:
    status, reply = server.request("POST", "/profiles", {"name": name})
    assert status == 201, reply


def test_the_delete_question_waits_for_the_shown_profiles_own_counts(browser, server, profile):
    import_records(server, profile, rated_records(s.expertise_papers(2), 1, 1))
    empty = f"{profile}-empty"
    create_profile(server, empty)
    page = open_dashboard(browser, empty)
    wait_for_text(page, "labels-text", "0 ratings")
    assert page.locator("#delete").is_enabled()

    # Switch to the profile with 2 ratings while its counts are still on their way.
    hold(page, "dashboardProfile")
    page.select_option("#profile-select", profile)
    wait_for_held(page, 1)
    assert page.locator("#delete").is_disabled()
    page.locator("#delete").click(force=True)  # a click on it does nothing meanwhile
    assert page.locator("#delete-confirm").is_hidden()
    assert "0 ratings" not in page.locator("#labels-text").inner_text()
    release(page, "dashboardProfile")
    page.click("#delete")  # enabled now that this profile's counts are in
    assert f"“{profile}” and its 2 ratings?" in page.locator("#delete-question").inner_text()
    page.click("#delete-no")

    # Renamed: Delete waits again, for the renamed profile's counts.
    renamed = f"{profile}-renamed"
    hold(page, "dashboardProfile")
    page.fill("#rename-profile", renamed)
    page.click("#rename")
    wait_for_held(page, 1)
    assert page.locator("#profile-select").input_value() == renamed
    assert page.locator("#delete").is_disabled()
    release(page, "dashboardProfile")
    wait_for_text(page, "profile-status", "Renamed", how="startsWith")
    page.click("#delete")
    assert f"“{renamed}” and its 2 ratings?" in page.locator("#delete-question").inner_text()
    page.click("#delete-no")
    assert {renamed, empty} <= {p["name"] for p in server.request("GET", "/profiles")[1]["profiles"]}


def test_a_profile_actions_message_never_replaces_a_later_one(browser, server, profile):
    page = open_dashboard(browser, profile)
    wait_for_text(page, "labels-text", "0 ratings")
    created = f"{profile}-created"
    hold(page, "dashboardProfile")
    page.fill("#new-profile", created)
    page.click("#create-form button[type=submit]")
    wait_for_held(page, 1)  # created and shown, its counts on their way: "Created …" comes after
    # Its rated list and rules are shown already: the profile's counts are the last part to come.
    page.wait_for_function("() => ['listRules', 'dashboardRatings'].every((n) => window.__hold.replies[n])")
    page.fill("#new-profile", "bad name")
    page.click("#create-form button[type=submit]")
    assert page.locator("#profile-status").inner_text().startswith("A profile name is")

    release(page, "dashboardProfile")  # the create finishes now, after the later error
    assert "0 ratings" in page.locator("#labels-text").inner_text()
    assert page.locator("#profile-select").input_value() == created
    assert page.locator("#profile-status").inner_text().startswith("A profile name is")


def test_an_older_overview_never_brings_back_older_counts_or_days(browser, server, profile):
    import_records(server, profile, rated_records(s.expertise_papers(2), 1, 1))
    page = open_dashboard(browser, profile)
    wait_for_text(page, "labels-text", "2 ratings")
    page.wait_for_selector("#labels-chart svg .series-up circle.point")
    days_before = page.locator("#labels-chart svg .series-up circle.point").count()

    # A refresh (a rating made on a digest page) whose replies are slow: they hold 2 ratings.
    hold(page, "dashboardProfile")
    hold(page, "dashboardHistory:false")
    browser.storage("async () => chrome.storage.local.set({ ratingsVersion: Date.now() })")
    wait_for_held(page, 2)
    # Another rating, on another day, and the next refresh shows it.
    newer = {**rated_records(s.expertise_papers(3)[2:], 1, 0)[0], "rated_at": "2026-11-29T09:00:00+00:00"}
    import_records(server, profile, [newer])
    browser.storage("async () => chrome.storage.local.set({ ratingsVersion: Date.now() + 1 })")
    wait_for_text(page, "labels-text", "3 ratings")
    page.wait_for_function(
        "(n) => document.querySelectorAll('#labels-chart svg .series-up circle.point').length === n",
        arg=days_before + 1,
        timeout=60000,
    )

    # The older replies arrive last: the page keeps the newer counts and days.
    release(page, "dashboardProfile")
    release(page, "dashboardHistory:false")
    assert replies(page, "dashboardProfile") >= 2 and replies(page, "dashboardHistory:false") >= 2
    assert "3 ratings" in page.locator("#labels-text").inner_text()
    assert page.locator("#labels-chart svg .series-up circle.point").count() == days_before + 1
    page.click("#delete")
    assert "its 3 ratings?" in page.locator("#delete-question").inner_text()


def test_a_late_read_of_the_page_never_reticks_the_switch_just_flipped(browser, server, profile):
    papers = s.hf_trending_papers()[:8]
    digest = browser.open_digest(HF_URL, s.huggingface_daily_page(papers))
    ps.wait_for_bars(digest, len(papers))
    tab_id = browser.storage(ps.FIND_DIGEST_TAB_JS, "huggingface.co")
    popup = browser.context.new_page()
    popup.goto(browser.extension_url(f"src/popup/popup.html?tab={tab_id}"))
    popup.wait_for_function("() => document.querySelector('#page-counts').textContent.startsWith('8 papers')")
    switch = popup.locator("#site-enabled")
    switch.uncheck()
    popup.wait_for_function("() => document.querySelector('#page-counts').textContent.startsWith('Paused')")
    digest.wait_for_function("() => document.querySelectorAll('[data-papersieve]').length === 0")

    # The reader switches profile; the popup reads the (paused) page again, and that read is slow.
    hold(popup, "getSettings")
    popup.select_option("#profile-select", "default")
    wait_for_held(popup, 1)
    # Meanwhile the reader turns marking back on, and the popup's own re-read 300 ms later is done.
    read_before = replies(popup, "getSettings")
    switch.check()
    popup.wait_for_function("(n) => window.__hold.replies.getSettings > n", arg=read_before, timeout=60000)
    assert stored_paused(browser) == {}
    assert switch.is_checked()

    release(popup, "getSettings")  # the older read, which still says "paused", arrives last
    assert switch.is_checked()
    assert stored_paused(browser) == {}
    ps.wait_for_bars(digest, len(papers))
    popup.wait_for_function("() => !document.querySelector('#page-counts').textContent.startsWith('Paused')")


def test_a_token_check_begun_before_pairing_never_overwrites_its_message(browser, server, profile):
    browser.reset(server, profile, token="")
    page = browser.context.new_page()
    page.goto(browser.extension_url(ONBOARDING))
    wait_for_step(page, "server", "done")
    wait_for_text(page, "pair-status", "Not paired yet", how="startsWith")

    # The server address is used again: a new token check begins, and its look at the stored
    # settings (no token yet) is slow.
    hold(page, "getSettings")
    page.click("#use-server-url")
    wait_for_held(page, 1)
    wait_for_step(page, "pair", "open")
    # Meanwhile the reader pairs with a real code.
    page.fill("#pair-code", pairing_code(server.data_dir))
    page.click("#pair")
    wait_for_step(page, "pair", "done")
    wait_for_text(page, "pair-status", "Paired with", how="startsWith")

    release(page, "getSettings")  # the older check ("no token yet") arrives last
    assert page.locator("#pair-status").inner_text().startswith("Paired with")
    assert page.locator("#step-pair").get_attribute("data-state") == "done"


def test_an_older_profile_list_never_replaces_the_newer_choice_in_the_popup(browser, server, profile):
    other = f"{profile}-other"
    create_profile(server, other)
    import_records(server, other, rated_records(s.expertise_papers(3), 2, 1))
    popup = browser.context.new_page()
    popup.goto(browser.extension_url("src/popup/popup.html"))
    popup.wait_for_function("(name) => document.querySelector('#profile-select').value === name", arg=profile)

    # The reader switches to the other profile, and that switch's read of the status is slow.
    hold(popup, "getStatus")
    popup.select_option("#profile-select", other)
    wait_for_held(popup, 1)
    # Meanwhile the reader switches back; that read is quick and shows the first profile again.
    read_before = replies(popup, "getStatus")
    popup.select_option("#profile-select", profile)
    popup.wait_for_function("(n) => window.__hold.replies.getStatus > n", arg=read_before, timeout=60000)
    assert "👍 0 · 👎 0" in popup.locator("#labels").inner_text()

    release(popup, "getStatus")  # the older status ("other" active, 2 👍 1 👎) arrives last
    assert popup.locator("#profile-select").input_value() == profile
    assert "👍 0 · 👎 0" in popup.locator("#labels").inner_text()
    stored = browser.storage("async () => (await chrome.storage.local.get('settings')).settings.profile")
    assert stored == profile


def test_an_older_import_never_overwrites_a_newer_imports_message(browser, server, profile, tmp_path):
    page = open_dashboard(browser, profile)
    wait_for_text(page, "labels-text", "0 ratings")
    first, second = tmp_path / "first.txt", tmp_path / "second.txt"
    first.write_text("2401.00001\n", encoding="utf-8")
    second.write_text("2401.00002\n2401.00003\n", encoding="utf-8")

    hold(page, "importLibrary")
    page.set_input_files("#import-file", str(first))
    page.click("#import")
    wait_for_held(page, 1)
    page.set_input_files("#import-file", str(second))
    page.click("#import")
    wait_for_text(page, "import-status", "Imported 2")

    release(page, "importLibrary")  # the first import's reply ("Imported 1") arrives last
    assert "Imported 2" in page.locator("#import-status").inner_text()
    page.wait_for_function("() => document.querySelectorAll('#rated-list li.paper').length === 3")
