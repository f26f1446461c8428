"""The 503s the server really gives are the ones GET /api/v1/openapi.json declares: with the data
directory gone, every call that needs it answers 503 (with Retry-After) matching its description,
and the two that don't (health, the description itself) still answer; with it read-only, every
write does. Real app, real SQLite files, a real read-only mount (see test_data_dir)."""

from __future__ import annotations

import re

import pytest

from server.app import create_app, shutdown_app
from tests.server.conftest import TOKEN, ApiClient
from tests.server.test_openapi import SpecChecker
from tests.support.filesystem import read_only

PAPER = {"id": "2401.00001", "title": "graph neural networks"}
OTHER = {"id": "2401.00002", "title": "protein folding"}
HIGHLIGHT_RULE = {"action": "highlight", "kind": "text", "pattern": "graphs"}
HIDE_RULE = {"action": "hide", "kind": "text", "pattern": "protein"}
# (method, described path, concrete path, request arguments): one call of every operation
CALLS = [
    ("GET", "/api/v1/health", "/health", {}),
    ("GET", "/api/v1/openapi.json", "/openapi.json", {}),
    ("POST", "/api/v1/pair", "/pair", {"json": {"code": "ABCD-EFGH"}}),
    ("POST", "/api/v1/score", "/score", {"json": {"papers": [PAPER]}}),
    ("POST", "/api/v1/feedback", "/feedback", {"json": {"paper": OTHER, "rating": 1}}),
    ("DELETE", "/api/v1/feedback/{profile}/{paper_id}", "/feedback/default/2401.00001", {}),
    ("GET", "/api/v1/profiles", "/profiles", {}),
    ("POST", "/api/v1/profiles", "/profiles", {"json": {"name": "nlp"}}),
    ("GET", "/api/v1/profiles/{profile}", "/profiles/default", {}),
    ("DELETE", "/api/v1/profiles/{profile}", "/profiles/work", {}),
    ("GET", "/api/v1/profiles/{profile}/ratings", "/profiles/default/ratings", {}),
    ("POST", "/api/v1/profiles/{profile}/rename", "/profiles/work/rename", {"json": {"name": "job"}}),
    ("GET", "/api/v1/profiles/{profile}/history", "/profiles/default/history", {}),
    ("GET", "/api/v1/profiles/{profile}/suggest", "/profiles/default/suggest", {}),
    ("GET", "/api/v1/profiles/{profile}/rules", "/profiles/default/rules", {}),
    ("POST", "/api/v1/profiles/{profile}/rules", "/profiles/default/rules", {"json": HIDE_RULE}),
    ("DELETE", "/api/v1/profiles/{profile}/rules/{rule_id}", "/profiles/default/rules/1", {}),
    ("GET", "/api/v1/profiles/{profile}/export", "/profiles/default/export", {}),
    (
        "POST",
        "/api/v1/profiles/{profile}/import",
        "/profiles/default/import",
        {"json": [{"id": "2401.00003", "rating": 1}]},
    ),
]
WRITES = {
    ("POST", "/api/v1/feedback"),
    ("DELETE", "/api/v1/feedback/{profile}/{paper_id}"),
    ("POST", "/api/v1/profiles"),
    ("DELETE", "/api/v1/profiles/{profile}"),
    ("POST", "/api/v1/profiles/{profile}/import"),
    ("POST", "/api/v1/profiles/{profile}/rename"),
    ("POST", "/api/v1/profiles/{profile}/rules"),
    ("DELETE", "/api/v1/profiles/{profile}/rules/{rule_id}"),
}


@pytest.fixture
def data_dir(tmp_path):
    return tmp_path / "data"


@pytest.fixture
def api(data_dir):
    app = create_app({"DATA_DIR": data_dir, "TOKEN": TOKEN, "TESTING": True, "EMBEDDINGS": False})
    api = ApiClient(app.test_client())
    for paper, rating in ((PAPER, 1), (OTHER, -1)):
        assert api.post("/feedback", json={"paper": paper, "rating": rating}).status_code == 200
    assert api.post("/profiles", json={"name": "work"}).status_code == 201
    assert api.post("/profiles/default/rules", json=HIGHLIGHT_RULE).json["id"] == 1
    yield api
    shutdown_app(app)


@pytest.fixture
def checker(api) -> SpecChecker:
    return SpecChecker(api.get("/openapi.json").get_json())


def check_unavailable(checker: SpecChecker, response, method: str, template: str, words: str) -> None:
    checker.check(response, method, template, 503)
    assert words in response.get_json()["error"]
    header = checker.spec["components"]["responses"]["Error503"]["headers"]["Retry-After"]
    assert re.fullmatch(header["schema"]["pattern"], response.headers["Retry-After"])


def declaring_503(spec: dict) -> set[tuple[str, str]]:
    return {
        (method.upper(), path)
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if "503" in operation["responses"]
    }


def test_with_the_data_dir_gone_every_call_that_needs_it_gives_its_declared_503(api, data_dir, checker):
    assert {(method, path) for method, path, _, _ in CALLS} == {
        (method.upper(), path) for path, item in checker.spec["paths"].items() for method in item
    }  # one call of every operation
    moved = data_dir.with_name("elsewhere")
    data_dir.rename(moved)
    try:
        for method, template, path, arguments in CALLS:
            response = api.call(method, path, **arguments)
            if (method, template) in declaring_503(checker.spec):
                check_unavailable(checker, response, method, template, f"{data_dir} is gone")
            else:
                checker.check(response, method, template, 200)  # served without the data directory
    finally:
        moved.rename(data_dir)
    assert {(m, p) for m, p, status in checker.checked if status == 503} == declaring_503(checker.spec)
    assert api.get("/profiles/default/ratings").json["total"] == 2  # and back, no restart


def test_with_the_data_dir_read_only_every_write_gives_its_declared_503(api, data_dir, checker):
    with read_only(data_dir):
        for method, template, path, arguments in CALLS:
            response = api.call(method, path, **arguments)
            if (method, template) in WRITES:
                check_unavailable(checker, response, method, template, "read-only")
            elif template != "/api/v1/pair":  # no pairing code is waiting: 410, read-only or not
                checker.check(response, method, template, 200)  # reads (and scoring) still served
    assert (api.post("/feedback", json={"paper": PAPER, "rating": -1})).status_code == 200
