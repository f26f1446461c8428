"""Rules on a real page: a hide rule added over the API and a highlight rule added on the dashboard
override the learned score on an arXiv listing, and the card says "rule: …"."""

from __future__ import annotations

import re

from training.datasets.shared_data import paper_json
from training.harness import page_state as ps
from training.harness import sites as s

ARXIV_URL = "https://arxiv.org/list/cs.LG/new"
DASHBOARD = "src/dashboard/dashboard.html"


def only_word_of(paper, others) -> str:
    """A word of the paper's title that no other paper on the page has, as a whole word."""
    for word in re.findall(r"[A-Za-z]{6,}", paper.title):
        pattern = re.compile(rf"(?<!\w){word}(?!\w)", re.IGNORECASE)
        if not any(pattern.search(o.title) or pattern.search(o.abstract) for o in others):
            return word
    raise AssertionError(f"no word of its own in {paper.title!r}")


def reasons_text(page, paper_id: str) -> str:
    return ps.bar(page, paper_id).locator(".papersieve-reasons").text_content()


def wait_for_mark(page, paper_id: str, mark: str) -> None:
    page.wait_for_function(
        """([id, mark]) => {
          const bar = document.querySelector(`[data-papersieve=bar][data-paper-id="${id}"]`);
          if (!bar) return false;
          const card = bar.parentElement.classList;
          const marks = ['high', 'dim', 'hide'].filter((m) => card.contains('papersieve-' + m));
          return mark === 'plain' ? marks.length === 0 : marks.includes(mark);
        }""",
        arg=[paper_id, mark],
        polling=250,  # not on animation frames: the page may be a background tab
        timeout=60000,
    )


def test_rules_override_the_score_and_the_card_says_so(browser, server, profile):
    pool = s.expertise_papers(300)
    shown = list(pool[:20])
    liked = [p for p in pool[20:] if "language" in p.abstract.lower()][:6]
    disliked = [p for p in pool[20:] if "image" in p.abstract.lower() and p not in liked][:6]
    for paper, rating in [*((p, 1) for p in liked), *((p, -1) for p in disliked)]:
        status, _ = server.request(
            "POST", "/feedback", {"profile": profile, "paper": paper_json(paper), "rating": rating}
        )
        assert status == 200
    # Nothing is highlighted by its score alone, nothing hidden: only the rules can do it.
    browser.update_settings(highlightAbove=1.0, dimBelow=0.0, mode="hide")
    page = browser.open_digest(ARXIV_URL, s.arxiv_list_new_page(shown))
    ps.wait_for_scores(page, len(shown))
    ps.wait_for_final(page)  # the scores compared below: a provisional one changes when it lands
    before = {card["id"]: card for card in ps.cards(page)}
    assert {card["mark"] for card in before.values()} == {"plain"}
    ranked = sorted(shown, key=lambda p: before[p.id]["score"])
    lowest, highest = ranked[0], ranked[-1]
    lowest_word = only_word_of(lowest, [p for p in shown if p is not lowest])
    highest_word = only_word_of(highest, [p for p in shown if p is not highest])

    # A hide rule over the API, on the best-scored paper's word.
    status, reply = server.request(
        "POST", f"/profiles/{profile}/rules", {"action": "hide", "pattern": highest_word.upper()}
    )
    assert status == 201, reply

    # A highlight rule on the dashboard, on the worst-scored paper's word.
    dashboard = browser.context.new_page()
    dashboard.goto(browser.extension_url(f"{DASHBOARD}?profile={profile}"))
    dashboard.wait_for_function(
        "() => document.querySelectorAll('#rules-list li').length === 1", timeout=60000
    )
    dashboard.select_option("#rule-action", "highlight")
    dashboard.select_option("#rule-kind", "text")
    dashboard.select_option("#rule-field", "title")
    dashboard.fill("#rule-pattern", lowest_word.lower())
    dashboard.click("#rule-add")
    dashboard.wait_for_function("() => document.querySelectorAll('#rules-list li').length === 2")
    dashboard.wait_for_function("() => document.querySelector('#rules-status').textContent.includes('Added')")
    listed = dashboard.locator("#rules-list li").all_text_contents()
    assert f"Always hide · text “{highest_word.upper()}” · anywhere" in listed[0]
    assert f"Always highlight · text “{lowest_word.lower()}” · in the title" in listed[1]
    assert "Added" in dashboard.locator("#rules-status").text_content()

    # The open page re-marks (the rule change bumps ratingsVersion): the rules win over the scores.
    page.bring_to_front()  # the reader goes back to the page (a hidden tab's timers are slowed)
    wait_for_mark(page, lowest.id, "high")
    wait_for_mark(page, highest.id, "hide")
    after = {card["id"]: card for card in ps.cards(page)}
    assert after[highest.id]["visible"] is False
    assert reasons_text(page, lowest.id).splitlines()[0] == f"rule: {lowest_word.lower()}"
    assert reasons_text(page, highest.id).splitlines()[0] == f"rule: {highest_word.upper()}"
    assert "rule:" not in reasons_text(page, ranked[1].id)
    badge = ps.bar(page, lowest.id).locator(".papersieve-badge")
    assert badge.get_attribute("aria-label").endswith(f"rule: {lowest_word.lower()}")
    assert after[lowest.id]["score"] == before[lowest.id]["score"]  # the score itself is the model's
    others = {card["mark"] for pid, card in after.items() if pid not in (lowest.id, highest.id)}
    assert others == {"plain"}

    # Deleting the highlight rule on the dashboard gives the card back to its score.
    dashboard.locator("#rules-list li").nth(1).get_by_role("button").click()
    dashboard.wait_for_function("() => document.querySelectorAll('#rules-list li').length === 1")
    page.bring_to_front()
    wait_for_mark(page, lowest.id, "plain")
    assert "rule:" not in reasons_text(page, lowest.id)


def rate_for_a_model(server, profile: str, pool) -> None:
    """Six 👍 on language papers and six 👎 on image papers: enough for the profile's model."""
    liked = [p for p in pool if "language" in p.abstract.lower()][:6]
    disliked = [p for p in pool if "image" in p.abstract.lower() and p not in liked][:6]
    for paper, rating in [*((p, 1) for p in liked), *((p, -1) for p in disliked)]:
        status, _ = server.request(
            "POST", "/feedback", {"profile": profile, "paper": paper_json(paper), "rating": rating}
        )
        assert status == 200


def test_an_author_rule_highlights_exactly_that_authors_cards(browser, server, profile):
    pool = s.expertise_papers(300)
    shown = list(pool[:20])
    rate_for_a_model(server, profile, pool[20:])
    counts: dict[str, int] = {}
    for paper in shown:
        for name in set(paper.authors):
            counts[name] = counts.get(name, 0) + 1

    def matches(name: str, paper) -> bool:
        pattern = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)", re.IGNORECASE)
        return any(pattern.search(author) for author in paper.authors)

    # A name on one card only, that no other card's author list contains as a whole phrase.
    name = next(n for n, c in sorted(counts.items()) if c == 1 and sum(matches(n, p) for p in shown) == 1)
    (by_author,) = [p for p in shown if name in p.authors]
    assert name not in by_author.title and name not in by_author.abstract  # only its authors say it
    status, reply = server.request(
        "POST",
        f"/profiles/{profile}/rules",
        {"action": "highlight", "kind": "text", "pattern": name, "field": "authors"},
    )
    assert status == 201, reply
    # Nothing is highlighted by its score alone: only the author rule can do it.
    browser.update_settings(highlightAbove=1.0, dimBelow=0.0, mode="hide")
    page = browser.open_digest(ARXIV_URL, s.arxiv_list_new_page(shown))
    ps.wait_for_scores(page, len(shown))
    wait_for_mark(page, by_author.id, "high")
    marks = {card["id"]: card["mark"] for card in ps.cards(page)}
    assert marks == {p.id: "high" if p is by_author else "plain" for p in shown}
    assert reasons_text(page, by_author.id).splitlines()[0] == f"rule: {name}"
    assert all("rule:" not in reasons_text(page, p.id) for p in shown if p is not by_author)
