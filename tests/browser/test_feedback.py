"""👍 and 👎 change the next scores at once; clicking again undoes; hidden cards can come back."""

from __future__ import annotations

from tests.browser import page_state as ps
from tests.browser.harness import paper_json
from tests.sites import snapshots as s

ARXIV_URL = "https://arxiv.org/list/cs.CL/new"


def seed_ratings(server, profile, papers) -> None:
    """Two ratings of each kind on papers that are not on the page, so the model is ready."""
    for index, paper in enumerate(papers[:4]):
        status, _ = server.api(
            "POST",
            "/feedback",
            {"profile": profile, "paper": paper_json(paper), "rating": 1 if index % 2 else -1},
        )
        assert status == 200


def server_ratings(server, profile) -> dict[str, int]:
    status, reply = server.api("GET", f"/profiles/{profile}/ratings")
    assert status == 200
    return {r["paper"]["id"]: r["rating"] for r in reply["ratings"]}


def test_thumbs_change_the_next_scores_and_a_second_click_undoes(browser, server, profile):
    papers = s.expertise_papers(40)
    seed_ratings(server, profile, papers)
    shown = papers[4:24]
    page = browser.open_digest(ARXIV_URL, s.arxiv_list_new_page(shown))
    ps.wait_for_scores(page, len(shown))
    first = ps.scores(page)
    liked, disliked = shown[2], shown[7]

    ps.vote_button(page, liked.id, 1).click()
    ps.wait_for_pressed(page, liked.id, 1)
    after_like = ps.scores(page)
    assert after_like[liked.id] > first[liked.id]
    assert server_ratings(server, profile)[liked.id] == 1

    # 👎 by keyboard: focus the real <button> and press Space.
    ps.vote_button(page, disliked.id, -1).focus()
    page.keyboard.press("Space")
    ps.wait_for_pressed(page, disliked.id, -1)
    after_dislike = ps.scores(page)
    assert after_dislike[disliked.id] < after_like[disliked.id]
    assert server_ratings(server, profile)[disliked.id] == -1

    # Click 👍 again: the rating is gone from the server and the score is back where it was.
    ps.vote_button(page, liked.id, 1).click()
    ps.wait_for_pressed(page, liked.id, None)
    assert liked.id not in server_ratings(server, profile)
    page.wait_for_function(
        "([id, score]) => Math.abs(Number(document.querySelector(`[data-paper-id='${id}'] .papersieve-badge`)"
        ".textContent) - score) <= 3",
        arg=[liked.id, after_dislike[liked.id] - (after_like[liked.id] - first[liked.id])],
    )

    # Switching 👎 to 👍 replaces the rating instead of adding a second one.
    ps.vote_button(page, disliked.id, 1).click()
    ps.wait_for_pressed(page, disliked.id, 1)
    assert server_ratings(server, profile)[disliked.id] == 1


def test_hidden_cards_are_counted_and_can_be_shown_again(browser, server, profile):
    papers = s.expertise_papers(40)
    seed_ratings(server, profile, papers)
    shown = papers[4:24]
    page = browser.open_digest(ARXIV_URL, s.arxiv_list_new_page(shown))
    ps.wait_for_scores(page, len(shown))
    scores = sorted(ps.scores(page).values())
    cut = scores[len(scores) // 2] / 100  # about half the page falls below this

    browser.update_settings(mode="hide", dimBelow=cut, highlightAbove=0.99)
    page.wait_for_function("() => document.querySelectorAll('dd.papersieve-hide').length > 0")
    cards = ps.cards(page)
    expected_hidden = sum(card["mark"] == "hide" for card in cards)
    assert 0 < expected_hidden < len(shown)
    assert all(not card["visible"] for card in cards if card["mark"] == "hide")
    assert all(card["visible"] for card in cards if card["mark"] != "hide")
    assert page.locator("dt.papersieve-hide").count() == expected_hidden  # the whole dt + dd pair
    assert f"{expected_hidden} hidden" in ps.summary_text(page)

    toggle = page.locator(f"{ps.SUMMARY} button", has_text="show")
    toggle.click()
    assert all(card["visible"] for card in ps.cards(page))
    page.locator(f"{ps.SUMMARY} button", has_text="hide again").click()
    assert sum(not card["visible"] for card in ps.cards(page)) == expected_hidden
