"""Requests that used to get a 500: each now gets a JSON 400, and nothing stored changes."""

from __future__ import annotations

import pytest

from tests.server.conftest import rate

DEEP = "[" * 1000 + "]" * 1000
SURROGATE_PAPER = '{"id": "2401.00001", "title": "a \\ud800 b", "abstract": "x"}'


def _post(api, path: str, text: str, content_type: str = "application/json"):
    return api.post(path, data=text.encode(), headers={"Content-Type": content_type})


def _state(api) -> tuple:
    profile = api.get("/profiles/default").json
    ratings = api.get("/profiles/default/ratings").json
    return profile["labels"], profile["papers_seen"], profile.get("revision"), ratings


@pytest.mark.parametrize(
    ("path", "body", "message"),
    [
        ("/score", '{"papers": ' + DEEP + "}", "nested too deeply"),
        ("/feedback", DEEP, "nested too deeply"),
        ("/profiles", DEEP, "nested too deeply"),
        ("/profiles/default/import", DEEP, "nested too deeply"),
        ("/score", '{"papers": [' + SURROGATE_PAPER + "]}", "lone surrogate"),
        ("/feedback", '{"paper": ' + SURROGATE_PAPER + ', "rating": 1}', "lone surrogate"),
        (
            "/profiles/default/import",
            '[{"id": "2401.00002", "abstract": "\\udfff", "rating": 1}]',
            "lone surrogate",
        ),
        ("/profiles/default/import", '[{"id": "2401.00003", "rating": ' + "1" * 5000 + "}]", "too long"),
        ("/feedback", '{"paper": {"id": "2401.00004"}, "rating": ' + "1" * 5000 + "}", "too long"),
    ],
)
def test_malformed_json_bodies_get_a_clear_400_and_change_nothing(api, hf_papers, path, body, message):
    rate(api, hf_papers[0], 1)
    before = _state(api)
    response = _post(api, path, body)
    assert response.status_code == 400, response.get_data(as_text=True)
    assert message in response.json["error"]
    assert _state(api) == before


def test_a_csv_rating_in_non_ascii_digits_is_refused(api):
    response = _post(api, "/profiles/default/import", "id,title,rating\n2401.00005,t,²\n", "text/csv")
    assert response.status_code == 400
    assert "rating" in response.json["error"]


@pytest.mark.parametrize("path", ["/profiles/default/ratings", "/profiles/default/suggest"])
@pytest.mark.parametrize("value", ["%C2%B2", "%D9%A3", "9" * 5000, "-1", "1.5", "", "0x10"])
def test_query_numbers_must_be_plain_ascii_whole_numbers(api, path, value):
    response = api.get(f"{path}?limit={value}")
    assert response.status_code == 400
    assert "'limit' must be a whole number" in response.json["error"]


def test_an_empty_import_changes_nothing_not_even_the_revision(api, app, hf_papers):
    rate(api, hf_papers[0], 1)
    with app.app_context():
        from server.request_context import get_store

        revision = get_store().revision("default")
        assert _post(api, "/profiles/default/import", "[]").json["imported"] == 0
        assert get_store().revision("default") == revision
