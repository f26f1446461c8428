"""Fuzzing the real app in-process (Flask's test client, a temporary data directory):
(a) Hypothesis strategies for every JSON body, query parameter and path parameter, valid-looking
and hostile; (b) Schemathesis driven by the served GET /api/v1/openapi.json.

Every reply is JSON (the export's CSV aside) with a status below 500, and a 4xx changes nothing
stored. Reproducible (derandomize=True) and with no example database in the repository. CI=true
runs more cases; the whole module stays within about a minute and a half on 2 cores."""

from __future__ import annotations

import json
import os
import sqlite3
from urllib.parse import quote, urlencode

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from server.api import MAX_OFFSET, MAX_PAGE, MAX_SUGGESTIONS
from server.app import create_app, shutdown_app
from server.datadir import DATABASE_NAME
from server.openapi import openapi_document
from server.validation import MAX_ABSTRACT_CHARS, MAX_ID_CHARS, MAX_TITLE_CHARS, MAX_URL_CHARS

TOKEN = "fuzz-token-" + "y" * 40
HEADERS = {"Authorization": f"Bearer {TOKEN}", "Host": "127.0.0.1:8417"}
IN_CI = os.environ.get("CI", "").lower() == "true"
FUZZ = settings(
    max_examples=100 if IN_CI else 40,
    deadline=None,
    derandomize=True,
    database=None,  # never write .hypothesis/ into the repository
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
SEEDED = [
    {
        "id": f"2401.{n:05d}",
        "title": f"seed paper {n} on graphs",
        "abstract": "spectral graph methods " * (n + 1),
        "url": f"https://arxiv.org/abs/2401.{n:05d}",
    }
    for n in range(6)
]


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory):
    """One app for the module (a fresh one per example would cost most of the time budget), with
    two profiles and ratings of both kinds, so that the model is fitted and scoring runs for real.
    No embedding worker: it would write vectors concurrently and share the 2 cores."""
    data_dir = tmp_path_factory.mktemp("fuzz") / "data"
    app = create_app({"DATA_DIR": data_dir, "TOKEN": TOKEN, "TESTING": True, "EMBEDDINGS": False})
    client = app.test_client()
    client.post("/api/v1/profiles", json={"name": "work"}, headers=HEADERS)
    for profile in ("default", "work"):
        client.post("/api/v1/score", json={"profile": profile, "papers": SEEDED}, headers=HEADERS)
        for index, paper in enumerate(SEEDED[:4]):
            body = {"profile": profile, "paper": paper, "rating": 1 if index % 2 else -1}
            assert client.post("/api/v1/feedback", json=body, headers=HEADERS).status_code == 200
    yield app, data_dir
    shutdown_app(app)


def stored(data_dir) -> dict[str, list]:
    """Everything a request may change, read straight from SQLite (vectors aside)."""
    with sqlite3.connect(data_dir / DATABASE_NAME) as db:
        return {
            table: db.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
            for table in ("profiles", "papers", "seen", "ratings")
        }


def check_reply(response, before: dict, data_dir) -> None:
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    if response.mimetype == "text/csv":
        assert response.status_code == 200
        return
    assert response.mimetype == "application/json", response.mimetype
    body = json.loads(response.get_data(as_text=True))
    if response.status_code >= 400:
        assert isinstance(body, dict) and isinstance(body.get("error"), str) and body["error"], body
        assert stored(data_dir) == before, f"a {response.status_code} changed stored data"


# --- (a) Hypothesis strategies --------------------------------------------------------------------

HOSTILE_TEXT = st.sampled_from(
    [
        "",
        " ",
        "\ud800",
        "a\udfffb",
        "²",
        "٣",
        "\x00",
        "\u202e",
        "𝟙",
        "1e3",
        "NaN",
        "-0",
        "+1",
        " 1 ",
        "0x10",
        "1_000",
        "9" * 40,
        "null",
        "[]",
        "{}",
        "%00",
        "../../etc",
        "a" * (MAX_ID_CHARS + 1),
    ]
)
TEXT = st.one_of(st.text(max_size=30), HOSTILE_TEXT)
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.integers(min_value=10**30), st.floats(), TEXT)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)
PAPER_IDS = st.one_of(
    st.sampled_from(
        [
            "2401.12345",
            "arXiv:2401.12345v2",
            "hep-th/9901001",
            " 2401.00001 ",
            "doi:10.1/x",
            "x" * MAX_ID_CHARS,
            "٢٤٠١.١٢٣٤٥",
            "ſ/1234567",
            "K/1234567",
            SEEDED[0]["id"],
        ]
    ),
    st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._:/+()-]{0,20}", fullmatch=True),
    TEXT,
    SCALARS,
)


def sized(limit: int) -> st.SearchStrategy:
    """Strings at and around a length limit (built, not drawn char by char: they are long)."""
    return st.sampled_from([0, 1, limit - 1, limit, limit + 1]).map(lambda n: "é" * n)


PAPERS = (
    st.fixed_dictionaries(
        {"id": PAPER_IDS},
        optional={
            "title": st.one_of(TEXT, sized(MAX_TITLE_CHARS), SCALARS),
            "abstract": st.one_of(TEXT, sized(MAX_ABSTRACT_CHARS), SCALARS),
            "url": st.one_of(
                st.just("https://arxiv.org/abs/1"),
                st.just("http://" + "u" * (MAX_URL_CHARS - 7)),
                st.just("https://" + "u" * MAX_URL_CHARS),
                st.just("javascript:alert(1)"),
                TEXT,
                SCALARS,
            ),
            "extra": JSON_VALUES,
        },
    )
    | JSON_VALUES
)
PAPER_LISTS = st.one_of(
    st.lists(PAPERS, max_size=6),
    st.sampled_from([499, 500, 501]).map(
        lambda n: [{"id": f"2402.{i % 300:05d}"} for i in range(n)]
    ),  # dup ids
    JSON_VALUES,
)
PROFILES = st.one_of(
    st.sampled_from(["default", "work", "nobody", "x" * 64, "x" * 65, "-a", "a/b", "a b"]), TEXT, SCALARS
)
RATINGS = st.one_of(st.sampled_from([1, -1, 0, 2, 1.0, -1.5, True, False, "1", "-1", "👍"]), SCALARS)
BODIES = st.one_of(
    st.fixed_dictionaries({}, optional={"profile": PROFILES, "papers": PAPER_LISTS, "extra": JSON_VALUES}),
    st.fixed_dictionaries({}, optional={"profile": PROFILES, "paper": PAPERS, "rating": RATINGS}),
    st.fixed_dictionaries({}, optional={"name": PROFILES}),
    JSON_VALUES,
)
CONTENT_TYPES = st.sampled_from(
    [
        "application/json",
        "application/json; charset=utf-8",
        "application/json; charset=latin-1",
        "text/plain",
        "text/csv",
        "application/x-bibtex",
        "multipart/form-data",
        "application/x-www-form-urlencoded",
        "",
        None,
    ]
)
RAW_JSON = st.one_of(
    st.sampled_from(
        [
            "[" * 100_000 + "]" * 100_000,
            '{"a":' * 50_000 + "1" + "}" * 50_000,
            "1" * 5_000,
            '{"papers": [1e999]}',
            '{"rating": NaN}',
            '{"profile": "\\ud800"}',
            "\ufeff{}",
            "",
            "{",
            '{"a": 1, "a": 2}',
            '{"papers": [{"id": "x"}], "papers": 3}',
        ]
    ),
    BODIES.map(lambda body: json.dumps(body, allow_nan=True)),
)
QUERY_VALUES = st.one_of(
    st.integers(-2, MAX_OFFSET + 2).map(str),
    st.sampled_from(
        [
            str(MAX_PAGE),
            str(MAX_PAGE + 1),
            str(MAX_SUGGESTIONS + 1),
            str(MAX_OFFSET),
            "json",
            "csv",
            "bibtex",
            "arxiv-ids",
            "xml",
        ]
    ),
    HOSTILE_TEXT,
    st.text(max_size=12),
)
IMPORT_TEXTS = st.one_of(
    RAW_JSON,
    st.sampled_from(
        [
            "id,rating\n2401.00001,1\n",
            "id,rating\n2401.00001,²\n",
            "title\nx\n",
            "id\n\ud800\n",
            "id,rating\n" + "2401.00001,1\n" * 3 + "x y,1\n",
            "@article{k, title={A}, eprint={2401.00001}}",
            "@article{",
            "@comment{x}",
            "2401.00001\nnot an id\n",
            "# nothing\n",
            "https://arxiv.org/abs/2401.1",
        ]
    ),
    st.text(max_size=60),
)


def path_segment(value) -> str:
    """A URL path segment; a lone surrogate goes as the bytes it would be (invalid UTF-8)."""
    return (
        quote(value if isinstance(value, str) else json.dumps(value), safe="", errors="surrogatepass")
        or "%20"
    )


def query_string(query: dict) -> str:
    return urlencode(query, errors="surrogatepass")


@FUZZ
@given(path=st.sampled_from(["/score", "/feedback", "/profiles"]), body=RAW_JSON, content_type=CONTENT_TYPES)
def test_hostile_json_bodies(fuzz_app, path, body, content_type):
    app, data_dir = fuzz_app
    before = stored(data_dir)
    response = app.test_client().post(
        f"/api/v1{path}",
        data=body.encode("utf-8", "surrogatepass"),
        content_type=content_type,
        headers=HEADERS,
    )
    check_reply(response, before, data_dir)


@FUZZ
@given(body=BODIES, path=st.sampled_from(["/score", "/feedback", "/profiles"]))
def test_json_bodies_of_every_shape(fuzz_app, body, path):
    app, data_dir = fuzz_app
    before = stored(data_dir)
    response = app.test_client().post(
        f"/api/v1{path}", data=json.dumps(body), content_type="application/json", headers=HEADERS
    )  # json.dumps escapes lone surrogates as \ud800
    check_reply(response, before, data_dir)
    if path == "/profiles" and response.status_code == 201:  # keep the profile list small
        app.test_client().delete(f"/api/v1/profiles/{body['name']}", headers=HEADERS)


@FUZZ
@given(
    profile=PROFILES,
    route=st.sampled_from(["", "/ratings", "/suggest", "/export"]),
    query=st.dictionaries(st.sampled_from(["limit", "offset", "format", "other"]), QUERY_VALUES, max_size=3),
)
def test_query_and_path_parameters(fuzz_app, profile, route, query):
    app, data_dir = fuzz_app
    before = stored(data_dir)
    response = app.test_client().get(
        f"/api/v1/profiles/{path_segment(profile)}{route}", query_string=query_string(query), headers=HEADERS
    )
    check_reply(response, before, data_dir)
    assert response.status_code != 200 or route != "/ratings" or response.json["limit"] <= MAX_PAGE


@FUZZ
@given(profile=PROFILES, paper_id=PAPER_IDS)
def test_undo_and_delete_with_hostile_path_parameters(fuzz_app, profile, paper_id):
    app, data_dir = fuzz_app
    client = app.test_client()
    if paper_id == SEEDED[0]["id"] or profile == "work":
        profile = "nobody"  # keep the seeded ratings and profiles for the other examples
    before = stored(data_dir)
    check_reply(
        client.delete(f"/api/v1/feedback/{path_segment(profile)}/{path_segment(paper_id)}", headers=HEADERS),
        before,
        data_dir,
    )
    before = stored(data_dir)
    check_reply(client.delete(f"/api/v1/profiles/{path_segment(profile)}", headers=HEADERS), before, data_dir)


@FUZZ
@given(
    text=IMPORT_TEXTS,
    content_type=CONTENT_TYPES,
    fmt=st.one_of(st.none(), st.sampled_from(["json", "csv", "bibtex", "arxiv-ids", "", "xml", "JSON"])),
    encoding=st.sampled_from(["utf-8", "utf-16", "latin-1"]),
)
def test_imports_of_every_format(fuzz_app, text, content_type, fmt, encoding):
    app, data_dir = fuzz_app
    before = stored(data_dir)
    query = {} if fmt is None else {"format": fmt}
    data = text.encode(encoding, "surrogatepass" if encoding == "utf-8" else "replace")
    response = app.test_client().post(
        "/api/v1/profiles/nobody/import" if len(text) > 4000 else "/api/v1/profiles/work/import",
        data=data,
        query_string=query_string(query),
        content_type=content_type,
        headers=HEADERS,
    )
    check_reply(response, before, data_dir)


# --- (b) Schemathesis, from the served description ------------------------------------------------

DOCUMENT = openapi_document("fuzz", max_page=MAX_PAGE, max_suggestions=MAX_SUGGESTIONS, max_offset=MAX_OFFSET)
OPERATIONS = [(method.upper(), path) for path, item in DOCUMENT["paths"].items() for method in item]
# negative_data_rejection is left out: the server deliberately ignores query parameters and body
# properties it does not know, and Schemathesis counts adding one as schema-violating data.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def api_schema(fuzz_app):
    app, _ = fuzz_app
    return schemathesis.openapi.from_wsgi(
        "/api/v1/openapi.json", app, headers=HEADERS, config=schemathesis.Config()
    )


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=lambda m: m.value)
@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_schemathesis(api_schema, fuzz_app, method, path, mode):
    _, data_dir = fuzz_app
    operation = api_schema[path][method]
    # A text body (CSV, BibTeX, arXiv ids) is "any string" to a schema: most of them are rightly refused;
    # so is any pairing code but the one `papersieve pair` printed.
    # A rule's regex is any string to a schema too: one that does not compile is rightly refused.
    accepts_any_valid = (
        "import" not in path
        and not path.endswith("/pair")
        and not (method == "POST" and path.endswith("/rules"))
    )
    positive = mode is GenerationMode.POSITIVE
    checks = CHECKS + ([positive_data_acceptance] if positive and accepts_any_valid else [])

    @FUZZ
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        before = stored(data_dir)
        response = case.call(headers=HEADERS)
        case.validate_response(response, checks=checks, headers=HEADERS)
        assert response.status_code < 500
        if 400 <= response.status_code < 500:
            assert stored(data_dir) == before, f"a {response.status_code} changed stored data"

    if method == "GET" and path == "/api/v1/health" and mode is GenerationMode.NEGATIVE:
        pytest.skip("nothing to negate: no parameters, no body, no security")
    run()
