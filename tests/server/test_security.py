"""Who may talk to the server, and what malformed requests get: always a JSON 4xx, never a 500."""

from __future__ import annotations

import os
import sqlite3
import stat
from contextlib import closing

import pytest

from server.auth import bearer_token_matches, host_name, is_allowed_origin, load_or_create_token


def test_token_file_is_private_and_stable(tmp_path):
    token = load_or_create_token(tmp_path / "d")
    assert len(token) >= 40
    assert stat.S_IMODE(os.stat(tmp_path / "d" / "token").st_mode) == 0o600
    assert load_or_create_token(tmp_path / "d") == token


@pytest.mark.parametrize(
    ("header", "ok"),
    [
        ("Bearer right", True),
        ("bearer right", True),
        ("Bearer wrong", False),
        ("right", False),
        ("Basic right", False),
        ("", False),
        (None, False),
        ("Bearer ", False),
    ],
)
def test_bearer_token_check(header, ok):
    assert bearer_token_matches("right", header) is ok


@pytest.mark.parametrize(
    ("host", "name"),
    [
        ("127.0.0.1:8417", "127.0.0.1"),
        ("localhost", "localhost"),
        ("[::1]:8417", "::1"),
        ("evil.example", "evil.example"),
        ("127.0.0.1:x", None),
        ("[::1", None),
    ],
)
def test_host_names(host, name):
    assert host_name(host) == name


@pytest.mark.parametrize(
    ("origin", "ok"),
    [
        (None, True),
        ("", False),  # an empty Origin is not "no Origin": refused like a foreign one
        (" ", False),
        ("chrome-extension://abcdefghijklmnopabcdefghijklmnop", True),
        ("moz-extension://0f8d2a34-1b2c-4d5e-8f90-123456789abc", True),
        ("chrome-extension://abcdefghijklmnopabcdefghijklmnopz", False),
        ("chrome-extension://abc.evil.example", False),
        ("https://evil.example", False),
        ("null", False),
        ("http://127.0.0.1:8417", False),
        ("chrome-extension://", False),
    ],
)
def test_origins(origin, ok):
    assert is_allowed_origin(origin) is ok


def test_request_from_a_web_page_origin_is_refused(api):
    response = api.post("/score", json={"papers": []}, headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    assert "web pages" in response.json["error"]


def test_request_with_an_empty_origin_is_refused(api):
    response = api.get("/profiles", headers={"Origin": ""})
    assert response.status_code == 403
    assert "web pages" in response.json["error"]


def test_request_with_a_foreign_host_is_refused(api):
    response = api.get("/profiles", headers={"Host": "evil.example"})
    assert response.status_code == 403
    assert "Host" in response.json["error"]
    assert api.get("/health", headers={"Host": "evil.example:8417"}).status_code == 403


def test_extension_origin_is_accepted(api):
    response = api.post(
        "/score",
        json={"papers": []},
        headers={"Origin": "chrome-extension://abcdefghijklmnopabcdefghijklmnop"},
    )
    assert response.status_code == 200


@pytest.mark.parametrize("authorization", ["", "Bearer nope", "Basic abc"])
def test_missing_or_wrong_token_is_401(api, authorization):
    response = api.get("/profiles", headers={"Authorization": authorization})
    assert response.status_code == 401
    assert "token" in response.json["error"]


def test_body_over_two_mib_is_413(api):
    big = "x" * (2 * 1024 * 1024 + 1)
    response = api.post("/score", data=big, content_type="application/json")
    assert response.status_code == 413
    assert "2 MiB" in response.json["error"]


def test_more_than_500_papers_is_refused(api):
    papers = [{"id": f"2401.{i:05d}", "title": "t"} for i in range(501)]
    response = api.post("/score", json={"papers": papers})
    assert response.status_code == 400
    assert "at most 500" in response.json["error"]


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ("{broken", 400, "not valid JSON"),
        ("[1, 2]", 400, "JSON object"),
        ('{"papers": "nope"}', 400, "'papers' must be a list"),
        ('{"papers": [{"title": "no id"}]}', 400, "papers[0]: a paper needs an 'id'"),
        ('{"papers": [{"id": "bad id with spaces"}]}', 400, "invalid paper id"),
        ('{"papers": [{"id": "2401.00001", "title": 5}]}', 400, "'title' must be a string"),
        ('{"papers": [{"id": "2401.00001", "url": "javascript:alert(1)"}]}', 400, "http(s)"),
        ('{"profile": "ghost", "papers": []}', 404, "no profile named 'ghost'"),
        ('{"profile": "../etc", "papers": []}', 400, "profile name"),
        ('{"profile": 7, "papers": []}', 400, "profile name"),
    ],
)
def test_malformed_score_requests(api, body, status, message):
    response = api.post("/score", data=body, content_type="application/json")
    assert response.status_code == status
    assert message in response.json["error"]


def test_field_length_limits(api):
    paper = {"id": "2401.00001", "title": "t", "abstract": "a" * 50_001}
    response = api.post("/score", json={"papers": [paper]})
    assert response.status_code == 400
    assert "limit is 50,000" in response.json["error"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"paper": {"id": "2401.00001"}, "rating": 2}, "'rating' must be 1"),
        ({"paper": {"id": "2401.00001"}, "rating": True}, "'rating' must be 1"),
        ({"paper": {"id": "2401.00001"}, "rating": "1"}, "'rating' must be 1"),
        ({"paper": "2401.00001", "rating": 1}, "a paper must be an object"),
        ({"rating": 1}, "a paper must be an object"),
    ],
)
def test_malformed_feedback(api, body, message):
    response = api.post("/feedback", json=body)
    assert response.status_code == 400
    assert message in response.json["error"]


def test_wrong_content_type_is_415(api):
    response = api.post("/score", data='{"papers": []}', content_type="text/plain")
    assert response.status_code == 415
    assert "application/json" in response.json["error"]


def test_unknown_routes_and_methods_answer_json(api):
    assert api.get("/nope").status_code == 404
    assert "error" in api.get("/nope").json
    response = api.get("/score")
    assert response.status_code == 405
    assert "error" in response.json


def test_no_get_endpoint_changes_data(api, app):
    """Every GET route, called with odd arguments, leaves the database byte-for-byte the same."""
    paths = [
        "/health",
        "/profiles",
        "/profiles/default",
        "/profiles/default/ratings",
        "/profiles/default/ratings?q=a&rating=1",
        "/profiles/default/history",
        "/profiles/default/history?curve=false",
        "/profiles/default/suggest",
        "/profiles/default/export",
        "/profiles/default/export?format=csv",
        "/profiles/default/rules",
        "/openapi.json",
    ]
    db_path = app.config["DATA_DIR"] / "papersieve.sqlite3"

    def dump() -> list[str]:
        with closing(sqlite3.connect(db_path)) as db:
            return list(db.iterdump())

    before = dump()
    for path in paths:
        assert api.get(path).status_code == 200
    assert dump() == before
    get_rules = [rule for rule in app.url_map.iter_rules() if "GET" in rule.methods]
    assert {rule.rule.removeprefix("/api/v1") for rule in get_rules} == {
        "/health",
        "/profiles",
        "/profiles/<profile>",
        "/profiles/<profile>/ratings",
        "/profiles/<profile>/history",
        "/profiles/<profile>/suggest",
        "/profiles/<profile>/export",
        "/profiles/<profile>/rules",
        "/openapi.json",
    }


def test_bad_query_parameters(api):
    assert api.get("/profiles/default/ratings?limit=0").status_code == 400
    assert api.get("/profiles/default/ratings?limit=abc").status_code == 400
    assert api.get("/profiles/default/export?format=xml").status_code == 400
    response = api.post("/profiles/default/import", data="x", content_type="application/octet-stream")
    assert response.status_code == 415
    bad = api.post("/profiles/default/import", data=b"\xff\xfe", content_type="text/csv")
    assert bad.status_code == 400 and "UTF-8" in bad.json["error"]
