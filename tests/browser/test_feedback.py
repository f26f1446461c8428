"""👍 and 👎 change the next scores at once; clicking again undoes; hidden cards can come back."""

from __future__ import annotations

from training.datasets.shared_data import paper_json
from training.harness import page_state as ps
from training.harness import sites as s

ARXIV_URL = "https://arxiv.org/list/cs.CL/new"


def seed_ratings(server, profile, papers) -> None:
    """Two ratings of each kind on papers that are not on the page, so the model is ready."""
    for index, paper in enumerate(papers[:4]):
        status, _ = server.request(
            "POST",
            "/feedback",
            {"profile": profile, "paper": paper_json(paper), "rating": 1 if index % 2 else -1},
        )
        assert status == 200


def server_ratings(server, profile) -> dict[str, int]:
    status, reply = server.request("GET", f"/profiles/{profile}/ratings")
    assert status == 200
    return {r["paper"]["id"]: r["rating"] for r in reply["ratings"]}


def open_ranked_listing(browser, server, profile):
    """An arXiv listing of 20 real papers, ranked by a model seeded with 4 ratings of other papers,
    once its scores are final (a provisional score changes when the paper's embedding lands)."""
    papers = s.expertise_papers(40)
    seed_ratings(server, profile, papers)
    shown = papers[4:24]
    page = browser.open_digest(ARXIV_URL, s.arxiv_list_new_page(shown))
    ps.wait_for_scores(page, len(shown))
    ps.wait_for_final(page)
    return page, shown


def rescored(page, paper_id: str, rating: int | None) -> None:
    """Until the vote shows and its rescore is in, with final scores: while the server refits, a
    rescore may get the last model's scores, marked provisional and asked for again."""
    ps.wait_for_pressed(page, paper_id, rating)
    ps.wait_for_final(page)


def badge_of(page, paper_id) -> float:
    return ps.scores(page)[paper_id]


def test_thumbs_change_the_next_scores_and_a_second_click_undoes(browser, server, profile):
    page, shown = open_ranked_listing(browser, server, profile)
    first = ps.scores(page)
    paper, other = shown[2], shown[7]

    ps.vote_button(page, paper.id, 1).click()
    rescored(page, paper.id, 1)
    liked = badge_of(page, paper.id)
    assert liked > first[paper.id]
    assert server_ratings(server, profile)[paper.id] == 1

    # 👎 on the same card replaces the 👍: one rating, and the score falls.
    ps.vote_button(page, paper.id, -1).click()
    rescored(page, paper.id, -1)
    assert badge_of(page, paper.id) < liked
    assert server_ratings(server, profile)[paper.id] == -1

    # Clicking 👎 again undoes it: no rating on the server, and the scores are back where they were.
    ps.vote_button(page, paper.id, -1).click()
    rescored(page, paper.id, None)
    assert paper.id not in server_ratings(server, profile)
    assert all(abs(score - first[key]) <= 1 for key, score in ps.scores(page).items())

    # 👎 by keyboard on another card: focus the real <button> and press Space.
    ps.vote_button(page, other.id, -1).focus()
    page.keyboard.press("Space")
    rescored(page, other.id, -1)
    assert server_ratings(server, profile)[other.id] == -1
    assert badge_of(page, other.id) < first[other.id]


def test_hidden_cards_are_counted_and_can_be_shown_again(browser, server, profile):
    page, shown = open_ranked_listing(browser, server, profile)
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
