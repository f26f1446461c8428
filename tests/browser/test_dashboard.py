"""The dashboard page in the real extension with a real server: plots, terms, the rated papers
(change, undo, search, filter, paging 5,000), papers to rate next, import, export, profiles."""

from __future__ import annotations

import csv
import gzip
import json
import shutil

from tests.support import REPO_ROOT, SCREENSHOT_DIR
from training.datasets.shared_data import hf_trending_papers, paper_json, shared_data_dir
from training.harness import page_state as ps
from training.harness import sites as s

ARXIV_URL = "https://arxiv.org/list/cs.LG/new"
DASHBOARD = "src/dashboard/dashboard.html"
DAYS = ("2026-11-20", "2026-11-22", "2026-11-27")


def import_records(server, profile: str, records: list[dict]) -> dict:
    status, reply = server.request("POST", f"/profiles/{profile}/import?format=json", records, timeout=120)
    assert status == 200, reply
    return reply


def rated_records(papers, ups: int, downs: int) -> list[dict]:
    """`ups` 👍 then `downs` 👎 of these papers, spread over three days."""
    chosen = list(papers[: ups + downs])
    return [
        {**paper_json(p), "rating": 1 if i < ups else -1, "rated_at": f"{DAYS[i % 3]}T09:00:00+00:00"}
        for i, p in enumerate(chosen)
    ]


def open_dashboard(browser, profile: str):
    page = browser.context.new_page()
    page.goto(browser.extension_url(f"{DASHBOARD}?profile={profile}"))
    page.wait_for_function("() => document.querySelector('#rated-page').textContent !== ''", timeout=60000)
    return page


def wait_for_text(page, element_id: str, text: str, how: str = "includes") -> None:
    """Until the element's text `includes` (or `startsWith`) `text`: each part loads on its own."""
    page.wait_for_function(
        f"([id, text]) => document.getElementById(id).textContent.{how}(text)",
        arg=[element_id, text],
        timeout=60000,
    )


def row(page, list_id: str, paper_id: str):
    return page.locator(f'#{list_id} li.paper[data-id="{paper_id}"]')


def server_ratings(server, profile) -> dict[str, int]:
    status, reply = server.request("GET", f"/profiles/{profile}/ratings?limit=200")
    assert status == 200
    return {r["paper"]["id"]: r["rating"] for r in reply["ratings"]}


def wait_for_score_below(page, paper_id: str, score: float, timeout_s: float = 60) -> None:
    """Until the card's exact score is below `score` (a refit may land after the first answer)."""
    page.wait_for_function(
        """([id, score]) => {
          const badge = document.querySelector(
            `[data-papersieve=bar][data-paper-id="${id}"] .papersieve-badge`);
          return badge && badge.dataset.score && Number(badge.dataset.score) * 100 < score;
        }""",
        arg=[paper_id, score],
        timeout=timeout_s * 1000,
    )


def newest_downs(server, profile: str) -> set[str]:
    """The ids of the profile's 200 newest 👎 (a rating just changed is the newest)."""
    status, reply = server.request("GET", f"/profiles/{profile}/ratings?limit=200&rating=-1")
    assert status == 200
    return {r["paper"]["id"] for r in reply["ratings"]}


def pressed_after_reload(page, paper_id: str, rating: int | None) -> None:
    page.reload()
    ps.wait_for_bars(page, 20)
    ps.wait_for_pressed(page, paper_id, rating)


def test_plots_terms_and_a_rating_changed_there_changes_the_page(browser, server, profile):
    papers = s.expertise_papers(60)
    seeded = rated_records(papers[20:], 8, 8)
    shown = papers[:20]
    target = shown[5]
    import_records(server, profile, [*seeded, {**paper_json(target), "rating": 1}])
    digest = browser.open_digest(ARXIV_URL, s.arxiv_list_new_page(shown))
    ps.wait_for_scores(digest, len(shown))
    ps.wait_for_pressed(digest, target.id, 1)
    ps.wait_for_final(digest)  # a provisional score changes when the paper's embedding lands
    liked_score = ps.scores(digest)[target.id]

    page = open_dashboard(browser, profile)
    # Ratings over time: a 👍 and a 👎 series with one point per day (today's 👍 of the target too).
    page.wait_for_selector("#labels-chart svg .series-up circle.point")
    days = page.locator("#labels-chart svg .series-up circle.point").count()
    assert days == 4
    assert page.locator("#labels-chart svg .series-down circle.point").count() == days
    assert page.locator("#labels-chart svg .series-up path").get_attribute("d").count("L") == days - 1
    last_up = page.locator("#labels-chart svg .series-up circle.point").last
    assert last_up.get_attribute("data-y") == "9"
    # The learning curve, with the cross-validated quality as a reference line.
    page.wait_for_selector("#curve-chart svg .series-auc circle.point", timeout=60000)
    assert page.locator("#curve-chart svg .series-auc circle.point").count() >= 2
    assert page.locator("#curve-chart svg line.reference").count() == 1
    assert "Cross-validated ROC AUC" in page.locator("#quality-text").inner_text()
    page.wait_for_selector("#terms-for li")
    assert page.locator("#terms-for li").count() > 0 and page.locator("#terms-against li").count() > 0
    assert "17 ratings: 👍 9 · 👎 8" in page.locator("#labels-text").inner_text()

    # The target is the newest rating: change it to 👎 there, and the page's card follows.
    target_row = row(page, "rated-list", target.id)
    assert target_row.locator("a.title").get_attribute("href") == f"https://arxiv.org/abs/{target.id}"
    target_row.locator("button.vote.down").click()
    page.wait_for_function(
        f"() => document.querySelector('#rated-list li[data-id=\"{target.id}\"]').dataset.rating === '-1'"
    )
    assert server_ratings(server, profile)[target.id] == -1
    pressed_after_reload(digest, target.id, -1)
    wait_for_score_below(digest, target.id, liked_score)

    # Undo brings the 👍 back; "Remove rating" takes it away; both reach the page.
    target_row.locator("button.undo").click()
    page.wait_for_function(
        f"() => document.querySelector('#rated-list li[data-id=\"{target.id}\"]').dataset.rating === '1'"
    )
    assert server_ratings(server, profile)[target.id] == 1
    pressed_after_reload(digest, target.id, 1)
    target_row.locator("button.remove").click()
    page.wait_for_function(
        f"() => document.querySelector('#rated-list li[data-id=\"{target.id}\"]').dataset.rating === '0'"
    )
    assert target.id not in server_ratings(server, profile)
    pressed_after_reload(digest, target.id, None)
    target_row.locator("button.undo").click()
    page.wait_for_function(
        f"() => document.querySelector('#rated-list li[data-id=\"{target.id}\"]').dataset.rating === '1'"
    )

    # Search and filter.
    word = seeded[3]["title"].split()[0]
    page.fill("#rated-query", word)
    page.select_option("#rated-filter", "down")
    _, expected = server.request("GET", f"/profiles/{profile}/ratings?q={word}&rating=-1")
    page.wait_for_function(
        "(n) => document.querySelectorAll('#rated-list li.paper').length === n", arg=len(expected["ratings"])
    )
    assert all(
        r == "-1"
        for r in page.eval_on_selector_all("#rated-list li", "els => els.map(e => e.dataset.rating)")
    )
    page.fill("#rated-query", "")
    page.select_option("#rated-filter", "all")
    page.wait_for_function("() => document.querySelectorAll('#rated-list li.paper').length === 17")

    # Papers to rate next: the unrated papers of the listing, rated in place.
    page.reload()
    page.wait_for_selector("#suggest-list li.paper", timeout=60000)
    suggestion = page.locator("#suggest-list li.paper").first
    suggested_id = suggestion.get_attribute("data-id")
    assert suggested_id in {p.id for p in shown} and suggested_id != target.id
    suggestion.locator("button.vote.up").click()
    page.wait_for_function(
        f"() => document.querySelector('#suggest-list li[data-id=\"{suggested_id}\"]').dataset.rating === '1'"
    )
    assert server_ratings(server, profile)[suggested_id] == 1
    pressed_after_reload(digest, suggested_id, 1)
    page.locator(f'#suggest-list li[data-id="{suggested_id}"] button.undo').click()
    page.wait_for_function(
        f"() => document.querySelector('#suggest-list li[data-id=\"{suggested_id}\"]').dataset.rating === '0'"
    )
    assert suggested_id not in server_ratings(server, profile)
    page.locator("#suggest-list li.paper").nth(1).locator("button.vote.down").click()
    page.wait_for_selector('#suggest-list li[data-rating="-1"]')

    page.wait_for_selector("#curve-chart svg .series-auc circle.point", timeout=60000)
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT_DIR / "dashboard.png"), full_page=True)
    docs = REPO_ROOT / "docs" / "screenshots"
    docs.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SCREENSHOT_DIR / "dashboard.png", docs / "dashboard.png")


def test_a_profile_with_no_ratings_and_one_with_two(browser, server, profile):
    # The dashboard's parts load independently: wait for each part before reading it.
    page = open_dashboard(browser, profile)
    assert page.locator("#rated-page").inner_text() == "No ratings match."
    wait_for_text(page, "labels-chart", "No ratings")
    assert page.locator("#labels-chart svg").count() == 0
    wait_for_text(page, "quality-text", "No model yet")
    assert page.locator("#rated-next").is_disabled() and page.locator("#rated-prev").is_disabled()

    import_records(server, profile, rated_records(s.expertise_papers(2), 1, 1))
    page.reload()
    page.wait_for_selector("#labels-chart svg .series-down circle.point")
    page.wait_for_function("() => document.querySelector('#rated-page').textContent === '1–2 of 2'")
    assert page.locator("#rated-list li.paper").count() == 2
    page.wait_for_function(
        "() => document.querySelector('#curve-chart').textContent.includes('5 ratings of each kind')"
    )
    assert page.locator("#curve-chart svg").count() == 0


def citeulike_titles(count: int) -> list[str]:
    with gzip.open(shared_data_dir() / "citeulike-a" / "items.csv.gz", "rt", encoding="utf-8") as items:
        return [row["title"] for _, row in zip(range(count), csv.DictReader(items), strict=False)]


def test_five_thousand_ratings_page_search_and_filter(browser, server, profile):
    hf = hf_trending_papers()
    records = [{**paper_json(p), "abstract": "", "rating": 1} for p in hf]
    for index, title in enumerate(citeulike_titles(5000 - len(hf))):
        records.append({"id": f"cul-a-{index}", "title": title, "rating": -1 if index % 3 else 1})
    for index, record in enumerate(records):
        record["rated_at"] = f"2026-10-{1 + index % 30:02d}T08:00:00+00:00"
    reply = import_records(server, profile, records)
    assert reply["labels"]["up"] + reply["labels"]["down"] == 5000

    page = open_dashboard(browser, profile)
    assert page.locator("#rated-page").inner_text() == "1–50 of 5,000"
    assert page.locator("#rated-list li.paper").count() == 50
    for page_number in range(2, 5):
        before = page.locator("#rated-list li.paper").first.get_attribute("data-id")
        page.click("#rated-next")
        page.wait_for_function(
            "(text) => document.querySelector('#rated-page').textContent.startsWith(text)",
            arg=f"{(page_number - 1) * 50 + 1:,}–",
        )
        assert page.locator("#rated-list li.paper").count() == 50  # one page in the DOM, never all
        assert page.locator("#rated-list li.paper").first.get_attribute("data-id") != before
    page.click("#rated-prev")
    page.wait_for_function("() => document.querySelector('#rated-page').textContent.startsWith('101–150 ')")

    page.select_option("#rated-filter", "up")
    _, ups = server.request("GET", f"/profiles/{profile}/ratings?rating=1&limit=1")
    page.wait_for_function(
        "(n) => document.querySelector('#rated-page').textContent === `1–50 of ${n}`",
        arg=f"{ups['total']:,}",
    )
    # The plots of 5,000 ratings: one point per day of October, and a learning curve.
    page.wait_for_selector("#labels-chart svg .series-up circle.point")
    assert page.locator("#labels-chart svg .series-up circle.point").count() == 30
    page.wait_for_selector("#curve-chart svg .series-auc circle.point", timeout=150000)
    # A change in a profile this large redraws the ratings by day only; the refit waits for a click.
    first = page.locator("#rated-list li.paper").first
    first_id = first.get_attribute("data-id")
    first.locator("button.vote.down").click()
    page.wait_for_selector("#model-stale", state="visible")
    assert first_id in newest_downs(server, profile)
    assert page.locator("#curve-chart svg .series-auc circle.point").count() >= 2  # kept meanwhile
    page.click("#refresh-model")
    page.wait_for_selector("#model-stale", state="hidden")


def test_import_export_and_profile_create_rename_delete(browser, server, profile, tmp_path):
    page = open_dashboard(browser, profile)
    library = tmp_path / "reading-list.txt"
    library.write_text("2401.00001\narXiv:2401.00002v3\n# a comment\n", encoding="utf-8")
    page.set_input_files("#import-file", str(library))
    page.click("#import")
    page.wait_for_function("() => /Imported 2/i.test(document.querySelector('#import-status').textContent)")
    page.wait_for_function("() => document.querySelectorAll('#rated-list li.paper').length === 2")

    with page.expect_download() as download:
        page.click("#export-json")
    saved = download.value
    assert saved.suggested_filename == f"papersieve-{profile}.json"
    exported = json.loads(saved.path().read_text(encoding="utf-8"))
    assert {r["id"] for r in exported["ratings"]} == {"2401.00001", "2401.00002"}
    with page.expect_download() as download:
        page.click("#export-csv")
    assert download.value.suggested_filename == f"papersieve-{profile}.csv"
    assert "2401.00002" in download.value.path().read_text(encoding="utf-8")

    created = f"{profile}-new"
    page.fill("#new-profile", created)
    page.click("#create-form button[type=submit]")
    page.wait_for_function("(name) => document.querySelector('#profile-select').value === name", arg=created)
    assert created in {p["name"] for p in server.request("GET", "/profiles")[1]["profiles"]}
    # "Created …" is said once the new profile's parts are shown: before that it would overwrite
    # the next message.
    wait_for_text(page, "profile-status", "Created", how="startsWith")
    page.fill("#new-profile", "bad name")
    page.click("#create-form button[type=submit]")
    assert "A profile name is" in page.locator("#profile-status").inner_text()

    renamed = f"{profile}-renamed"
    page.select_option("#profile-select", profile)
    page.wait_for_function("() => document.querySelectorAll('#rated-list li.paper').length === 2")
    page.fill("#rename-profile", renamed)
    page.click("#rename")
    page.wait_for_function("(name) => document.querySelector('#profile-select').value === name", arg=renamed)
    names = {p["name"] for p in server.request("GET", "/profiles")[1]["profiles"]}
    assert renamed in names and profile not in names
    assert server.request("GET", f"/profiles/{renamed}/ratings")[1]["total"] == 2
    # "Renamed …" is said once the profile's counts are in (the delete question counts its ratings).
    wait_for_text(page, "profile-status", "Renamed", how="startsWith")

    page.click("#delete")
    assert f"“{renamed}” and its 2 ratings?" in page.locator("#delete-question").inner_text()
    page.click("#delete-no")
    assert page.locator("#delete-confirm").is_hidden()
    assert renamed in {p["name"] for p in server.request("GET", "/profiles")[1]["profiles"]}
    page.click("#delete")
    page.click("#delete-yes")
    page.wait_for_function("() => /Deleted/.test(document.querySelector('#profile-status').textContent)")
    assert renamed not in {p["name"] for p in server.request("GET", "/profiles")[1]["profiles"]}
    page.select_option("#profile-select", "default")
    assert page.locator("#delete").is_disabled() and page.locator("#rename").is_disabled()


def test_popup_and_options_link_to_the_dashboard(browser, server, profile):
    options = browser.context.new_page()
    options.goto(browser.extension_url("src/options/options.html"))
    assert options.locator("#open-dashboard").get_attribute("href") == "../dashboard/dashboard.html"
    popup = browser.context.new_page()
    popup.goto(browser.extension_url("src/popup/popup.html"))
    with browser.context.expect_page() as opened:
        popup.click("#open-dashboard")
    opened.value.wait_for_load_state()
    assert opened.value.url == browser.extension_url(DASHBOARD)
