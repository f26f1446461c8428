"""/score's body memo (server/score_request.py) and the orjson replies (request_context.json_response):
each gives what the uncached, stdlib path gives."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from flask import jsonify

from server.request_context import json_response
from server.score_request import ScoreRequestMemo, read_score_request, score_arguments
from server.validation import InvalidInput
from training.datasets.shared_data import hf_trending_page


def body(payload: object) -> bytes:
    return json.dumps(payload).encode()


def test_a_body_read_again_gives_what_reading_it_afresh_gives() -> None:
    page = hf_trending_page()
    page[0] = {**page[0], "id": "arXiv:" + page[0]["id"] + "v2", "authors": ["A  B", "C"]}
    page.append(dict(page[5]))  # a repeated id is kept once
    raw = body({"profile": "work", "papers": page})
    memo = ScoreRequestMemo()
    first = memo.read(raw)
    again = memo.read(bytes(bytearray(raw)))  # equal bytes, another object (as from the socket)
    assert again is first and len(memo) == 1
    assert again == read_score_request(raw)
    assert again.profile == "work" and len(again.papers) == 104
    assert again.papers[0].id == hf_trending_page()[0]["id"]  # no "arXiv:" prefix, no version
    assert dict(again.authors) == {again.papers[0].id: "A B, C"}


def test_score_arguments_are_fresh_containers_each_time() -> None:
    memo = ScoreRequestMemo()
    raw = body({"papers": hf_trending_page()[:3]})
    first = score_arguments(memo, raw)
    first["papers"].clear()
    first["authors"]["x"] = "y"
    second = score_arguments(memo, raw)
    assert len(second["papers"]) == 3 and second["authors"] == {} and second["profile"] == "default"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"[", "not valid JSON"),
        (b"[]", "must be a JSON object"),
        (b'{"profile": "-x"}', "a profile name"),
        (b'{"papers": [{"id": "a", "title": "\\ud800"}]}', r"papers\[0\]: .* lone surrogate"),
        (b'{"papers": [{"id": "a", "authors": 5}]}', r"papers\[0\]: a paper's 'authors'"),
        (b"[" * 100_000, "nested too deeply"),
    ],
)
def test_a_refused_body_is_refused_every_time_and_never_kept(raw: bytes, message: str) -> None:
    memo = ScoreRequestMemo()
    for _ in range(2):
        with pytest.raises(InvalidInput, match=message):
            memo.read(raw)
    assert len(memo) == 0


def test_undecodable_bytes_are_replaced_as_flask_reads_them() -> None:
    raw = b'{"papers": [{"id": "a", "title": "caf\xe9"}]}'
    assert ScoreRequestMemo().read(raw).papers[0].title == "caf\ufffd"


def test_the_memo_keeps_at_most_its_bodies_and_bytes() -> None:
    memo = ScoreRequestMemo(max_bodies=3, max_bytes=10_000)
    raws = [body({"papers": [{"id": f"p{i}", "title": "t" * 2_000}]}) for i in range(6)]
    for raw in raws:
        memo.read(raw)
    assert len(memo) <= 3 and sum(len(raw) for raw in memo._read) <= 10_000
    assert raws[-1] in memo._read and raws[0] not in memo._read
    memo.read(body({"papers": [{"id": "big", "abstract": "a" * 20_000}]}))  # over the limit alone
    assert len(memo) <= 3 and all(len(raw) <= 10_000 for raw in memo._read)


@dataclass
class Point:
    x: int


@pytest.mark.parametrize(
    "payload",
    [
        {"scores": [{"id": "é", "score": 0.1234, "rating": None, "ok": True}], "n": 2**63},
        [1e-05, 0.30000000000000004, -0.0, "\x7f\x1f\u2028", {"b": 1, "a": 2}],
        {"when": date(2026, 12, 2), "at": datetime(2026, 12, 2, 5, 0, tzinfo=UTC), "p": Point(3)},
        {"big": 10**30, "n": [1, 2]},  # orjson refuses integers past 64 bits: jsonify writes them
    ],
)
def test_replies_are_what_jsonify_writes(app, payload: object) -> None:
    with app.app_context():
        expected = jsonify(payload)
        response, status = json_response(payload, 201)
        assert status == 201 and response.mimetype == "application/json"
        assert json.loads(response.get_data()) == json.loads(expected.get_data())
        assert response.get_data().endswith(b"\n")


def test_a_value_jsonify_cannot_write_still_fails(app) -> None:
    with app.app_context():
        with pytest.raises(TypeError):
            json_response({"x": object()})
        with pytest.raises(UnicodeEncodeError):  # as jsonify's reply fails to encode it
            json_response({"text": "\ud800"})
