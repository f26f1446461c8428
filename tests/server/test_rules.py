"""Always-highlight / always-hide rules: checks, regex safety, matching, the routes, /score, export."""

from __future__ import annotations

import time

import pytest

from server.rules import MAX_RULES, check_rule, match_page
from server.store import Paper, Rule, Store
from server.validation import InvalidInput
from tests.server.conftest import rate

DIFFUSION = {
    "id": "2401.00001",
    "title": "Latent Diffusion Models for Image Synthesis",
    "abstract": "We train denoising diffusion models in a latent space.",
    "url": "https://arxiv.org/abs/2401.00001",
}
PARSING = {
    "id": "2401.00002",
    "title": "Dependency parsing with graph networks",
    "abstract": "A parser for low-resource languages; no diffusion-free claims here.",
    "url": "https://arxiv.org/abs/2401.00002",
}
PLAIN = {
    "id": "2401.00003",
    "title": "Sorting in linear time",
    "abstract": "Radix sort revisited.",
    "url": "",
}


def rule(pattern: str, action: str = "highlight", kind: str = "text", field: str = "any", rule_id: int = 1):
    checked = check_rule({"action": action, "kind": kind, "pattern": pattern, "field": field})
    return Rule(rule_id, checked.action, checked.kind, checked.pattern, checked.field, "2026-12-01T00:00:00")


def matches(pattern: str, text: str, kind: str = "text") -> bool:
    return bool(match_page([rule(pattern, kind=kind)], [Paper("x", title=text)], {}))


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        ("diffusion", "Latent Diffusion Models", True),  # any case
        ("diffusion", "diffusions of innovation", False),  # whole words only
        ("diff", "Latent Diffusion Models", False),
        ("latent diffusion", "LATENT\n  diffusion models", True),  # a phrase over any whitespace
        ("latent diffusion", "diffusion, latent", False),
        ("C++", "a C++ library", True),  # punctuation is literal, not a regex
        ("C++", "a CC library", False),
        ("diffusion", "score-based diffusion-models", True),  # a hyphen is a word boundary
        ("  diffusion  ", "diffusion", True),
    ],
)
def test_text_rules_match_whole_words_and_phrases_in_any_case(pattern, text, expected):
    assert matches(pattern, text) is expected


def test_regex_rules_are_case_insensitive_regexes():
    assert matches(r"\bLLMs?\b", "Are llms good?", kind="regex")
    assert matches(r"graph\s+(neural )?networks?", "Graph Networks", kind="regex")
    assert not matches(r"^graph", "a graph", kind="regex")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"action": "keep", "pattern": "x"}, "'action' must be one of highlight, hide"),
        ({"action": "hide", "kind": "glob", "pattern": "x"}, "'kind'"),
        ({"action": "hide", "field": "venue", "pattern": "x"}, "'field'"),
        ({"action": "hide"}, "needs a 'pattern'"),
        ({"action": "hide", "pattern": 5}, "needs a 'pattern'"),
        ({"action": "hide", "pattern": "   "}, "must not be empty"),
        ({"action": "hide", "pattern": "x" * 201}, "at most 200"),
        ({"action": "hide", "kind": "regex", "pattern": "(unclosed"}, "does not compile"),
        ({"action": "hide", "kind": "regex", "pattern": "a*"}, "matches empty text"),
        ({"action": "hide", "kind": "regex", "pattern": "(a+)+$"}, "takes too long"),
        ({"action": "hide", "kind": "regex", "pattern": r"(\w+\s?)+$"}, "takes too long"),
        ({"action": "hide", "pattern": "\ud800"}, "lone surrogate"),
        (["hide"], "must be an object"),
    ],
)
def test_bad_rules_are_refused_with_the_reason(body, message):
    with pytest.raises(InvalidInput, match=message.replace("(", r"\(").replace("+", r"\+")):
        check_rule(body)


def test_a_backtracking_regex_stored_anyway_cannot_hold_a_page():
    """A rule written to the database by another version (never checked here) still ends in time."""
    evil = Rule(1, "hide", "regex", "(x+x+)+y", "any", "2026-12-01T00:00:00")
    papers = [Paper(f"p{i}", abstract="x" * 5_000) for i in range(200)]
    started = time.monotonic()
    assert match_page([evil], papers, {}) == {}
    assert time.monotonic() - started < 5  # the page budget is 0.5 s; generous for a loaded machine


def test_hide_beats_highlight_and_the_oldest_rule_wins_within_an_action():
    paper = Paper("x", title="Latent diffusion for proteins")
    highlight = rule("diffusion", "highlight", rule_id=1)
    hide = rule("proteins", "hide", rule_id=5)
    older_hide = rule("latent", "hide", rule_id=3)
    assert match_page([highlight, hide], [paper], {})["x"].id == 5
    assert match_page([highlight, hide, older_hide], [paper], {})["x"].id == 3
    assert match_page([highlight], [paper], {})["x"].id == 1


def test_fields_limit_where_a_rule_looks_and_authors_match_only_when_sent():
    paper = Paper("x", title="Graph networks", abstract="We cite Ada Lovelace.")
    by_author = rule("ada lovelace", field="authors")
    assert match_page([by_author], [paper], {}) == {}
    assert match_page([by_author], [paper], {"x": "Ada Lovelace, Alan Turing"})["x"] is by_author
    assert match_page([rule("graph", field="abstract")], [paper], {}) == {}
    assert match_page([rule("graph", field="title")], [paper], {})
    assert match_page([rule("lovelace", field="any")], [paper], {})


# --- the routes -----------------------------------------------------------------------------------


def add(api, pattern, action="highlight", profile="default", **extra):
    return api.post(f"/profiles/{profile}/rules", json={"action": action, "pattern": pattern, **extra})


def test_rules_crud(api):
    assert api.get("/profiles/default/rules").json == {"rules": [], "max_rules": MAX_RULES}
    created = add(api, "Latent  Diffusion", "hide")
    assert created.status_code == 201
    body = created.json
    assert {k: body[k] for k in ("action", "kind", "pattern", "field")} == {
        "action": "hide",
        "kind": "text",
        "pattern": "Latent Diffusion",
        "field": "any",
    }
    again = add(api, "Latent Diffusion", "hide")
    assert again.status_code == 200 and again.json["id"] == body["id"]  # kept once
    second = add(api, "parsing", kind="regex", field="title").json
    assert [r["id"] for r in api.get("/profiles/default/rules").json["rules"]] == [body["id"], second["id"]]
    assert api.delete(f"/profiles/default/rules/{body['id']}").json == {"deleted": body["id"]}
    missing = api.delete(f"/profiles/default/rules/{body['id']}")
    assert missing.status_code == 404 and "no rule" in missing.json["error"]
    assert [r["id"] for r in api.get("/profiles/default/rules").json["rules"]] == [second["id"]]


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("POST", "/profiles/default/rules", {"action": "hide", "kind": "regex", "pattern": "(a+)+$"}, 400),
        ("POST", "/profiles/default/rules", {"action": "hide", "pattern": "x" * 201}, 400),
        ("POST", "/profiles/default/rules", [1], 400),
        ("POST", "/profiles/nobody/rules", {"action": "hide", "pattern": "x"}, 404),
        ("POST", "/profiles/-bad/rules", {"action": "hide", "pattern": "x"}, 400),
        ("GET", "/profiles/nobody/rules", None, 404),
        ("DELETE", "/profiles/default/rules/abc", None, 400),
        ("DELETE", "/profiles/default/rules/0", None, 400),
        ("DELETE", "/profiles/default/rules/99999999999999999999999", None, 400),
        ("DELETE", "/profiles/nobody/rules/1", None, 404),
    ],
)
def test_bad_rule_requests_get_a_json_4xx(api, method, path, body, status):
    response = api.call(method, path, json=body) if body is not None else api.call(method, path)
    assert response.status_code == status
    assert response.json["error"]


def test_a_profile_has_at_most_max_rules(api, app):
    with Store.open(app.config["DATA_DIR"], setup=False) as store:
        store.add_rules("default", [("hide", "text", f"word{i}", "any") for i in range(MAX_RULES)], MAX_RULES)
    refused = add(api, "one more")
    assert refused.status_code == 400 and f"{MAX_RULES} rules" in refused.json["error"]
    assert len(api.get("/profiles/default/rules").json["rules"]) == MAX_RULES


def scores_by_id(api, papers, profile="default"):
    reply = api.post("/score", json={"profile": profile, "papers": papers}).json
    return reply, {entry["id"]: entry for entry in reply["scores"]}


def test_score_carries_the_rule_before_and_after_the_model_is_ready(api):
    hide = add(api, "diffusion", "hide").json
    reply, by_id = scores_by_id(api, [DIFFUSION, PARSING, PLAIN])
    assert reply["ready"] is False
    assert by_id[DIFFUSION["id"]]["score"] is None
    assert by_id[DIFFUSION["id"]]["rule"] == {
        "action": "hide",
        "pattern": "diffusion",
        "id": hide["id"],
        "kind": "text",
    }
    assert by_id[PARSING["id"]]["rule"]["id"] == hide["id"]  # "diffusion-free": a whole word
    assert "rule" not in by_id[PLAIN["id"]]

    rate(api, DIFFUSION, 1)
    rate(api, PLAIN, -1)
    reply, by_id = scores_by_id(api, [DIFFUSION, PARSING, PLAIN])
    assert reply["ready"] is True
    assert 0 <= by_id[DIFFUSION["id"]]["score"] <= 1  # the model's score stays beside the rule
    assert by_id[DIFFUSION["id"]]["rule"]["action"] == "hide"


def test_score_matches_authors_sent_with_the_papers(api):
    add(api, "Ada Lovelace", field="authors")
    with_authors = [
        {**PLAIN, "authors": ["Alan Turing", "ada  lovelace"]},
        {**PARSING, "authors": "A. Person"},
    ]
    _, by_id = scores_by_id(api, with_authors)
    assert by_id[PLAIN["id"]]["rule"]["pattern"] == "Ada Lovelace"
    assert "rule" not in by_id[PARSING["id"]]
    bad = api.post("/score", json={"papers": [{**PLAIN, "authors": [1]}]})
    assert bad.status_code == 400 and "authors" in bad.json["error"]


def test_profiles_keep_their_own_rules(api):
    assert api.post("/profiles", json={"name": "work"}).status_code == 201
    add(api, "diffusion", "hide", profile="work")
    assert api.get("/profiles/default/rules").json["rules"] == []
    _, default_scores = scores_by_id(api, [DIFFUSION])
    _, work_scores = scores_by_id(api, [DIFFUSION], profile="work")
    assert "rule" not in default_scores[DIFFUSION["id"]]
    assert work_scores[DIFFUSION["id"]]["rule"]["action"] == "hide"
    assert api.delete("/profiles/work").status_code == 200
    assert api.post("/profiles", json={"name": "work"}).status_code == 201
    assert api.get("/profiles/work/rules").json["rules"] == []  # deleted with its profile


def test_export_and_import_carry_the_rules(api):
    rate(api, DIFFUSION, 1)
    add(api, "diffusion", "hide")
    add(api, r"pars(e|ing)", "highlight", kind="regex", field="title")
    exported = api.get("/profiles/default/export")
    document = exported.json
    assert [(r["action"], r["kind"], r["pattern"], r["field"]) for r in document["rules"]] == [
        ("hide", "text", "diffusion", "any"),
        ("highlight", "regex", r"pars(e|ing)", "title"),
    ]
    assert api.post("/profiles", json={"name": "copy"}).status_code == 201
    dry = api.post("/profiles/copy/import?dry_run=true", data=exported.data, content_type="application/json")
    assert dry.json["rules_found"] == 2 and dry.json["rules_imported"] == 0
    assert api.get("/profiles/copy/rules").json["rules"] == []
    done = api.post("/profiles/copy/import", data=exported.data, content_type="application/json").json
    assert done["imported"] == 1 and done["rules_imported"] == 2
    again = api.post("/profiles/copy/import", data=exported.data, content_type="application/json").json
    assert again["rules_imported"] == 0  # a rule the profile has is not added twice
    copied = api.get("/profiles/copy/rules").json["rules"]
    assert [(r["action"], r["pattern"]) for r in copied] == [
        ("hide", "diffusion"),
        ("highlight", r"pars(e|ing)"),
    ]
    assert "rules" not in api.get("/profiles/default/export?format=csv").get_data(as_text=True).split("\n")[0]


def test_an_import_with_a_bad_rule_imports_nothing(api):
    document = {
        "ratings": [{**DIFFUSION, "rating": 1}],
        "rules": [{"action": "hide", "kind": "regex", "pattern": "(a+)+$"}],
    }
    response = api.post("/profiles/default/import", json=document)
    assert response.status_code == 400 and "rule 1" in response.json["error"]
    assert api.get("/profiles/default/ratings").json["total"] == 0
    assert api.get("/profiles/default/rules").json["rules"] == []


def test_the_cli_exports_and_imports_the_rules_too(tmp_path, capsys):
    from server.cli import main

    data = ["--data-dir", str(tmp_path / "d")]
    assert main(["profiles", "create", "copy", *data]) == 0
    with Store.open(tmp_path / "d") as store:
        store.set_rating("default", Paper(**DIFFUSION), 1)
        store.add_rules("default", [("hide", "text", "diffusion", "any")], MAX_RULES)
    out = tmp_path / "default.json"
    assert main(["export", "--profile", "default", "--output", str(out), *data]) == 0
    capsys.readouterr()
    assert main(["import", str(out), "--profile", "copy", *data]) == 0
    assert "1 rule added (0 the profile had already)" in capsys.readouterr().out
    with Store.open(tmp_path / "d") as store:
        assert [(r.action, r.pattern) for r in store.rules("copy")] == [("hide", "diffusion")]
