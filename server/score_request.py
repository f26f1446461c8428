"""/score's body read and checked once per distinct body: a page sent again byte for byte (a reload,
the extension's re-poll of a provisional page) skips the JSON parse and every paper's checks.

What /score takes from its body (profile, papers, authors) is a pure function of the body's bytes,
so a memo keyed by the exact bytes returns what reading them again would give. Only bodies that
passed every check are kept; a refused body is read (and refused) afresh each time."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from server.rules import authors_by_id
from server.store import DEFAULT_PROFILE, Paper
from server.validation import check_json_object, check_papers, check_profile_name, parse_json

MAX_BODIES = 8  # a few tabs' pages
MAX_BYTES = 2 * 1024 * 1024  # every kept body together (a 104-paper page is ~190 KB)


@dataclass(frozen=True)
class ScoreRequest:
    """What a /score body asks: the profile, its checked papers (repeated ids once) and their authors."""

    profile: str
    papers: tuple[Paper, ...]
    authors: tuple[tuple[str, str], ...]


def read_score_request(raw: bytes) -> ScoreRequest:
    """The checked contents of a /score body (UTF-8 JSON, undecodable bytes replaced, as Flask's
    `get_data(as_text=True)` reads it); raises `InvalidInput` as the checks do."""
    body = check_json_object(parse_json(raw.decode(errors="replace")))
    profile = check_profile_name(body.get("profile", DEFAULT_PROFILE))
    papers = check_papers(body.get("papers", []))
    authors = authors_by_id(body.get("papers", []))
    return ScoreRequest(profile, tuple(papers), tuple(authors.items()))


class ScoreRequestMemo:
    """The last bodies read, by their exact bytes, least recently used dropped first."""

    def __init__(self, max_bodies: int = MAX_BODIES, max_bytes: int = MAX_BYTES) -> None:
        self.max_bodies = max_bodies
        self.max_bytes = max_bytes
        self._read: OrderedDict[bytes, ScoreRequest] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._read)

    def read(self, raw: bytes) -> ScoreRequest:
        """`read_score_request(raw)`, from the memo when these bytes were read before."""
        with self._lock:
            found = self._read.get(raw)
            if found is not None:
                self._read.move_to_end(raw)
                return found
        checked = read_score_request(raw)  # raises for a refused body: nothing is kept
        if len(raw) <= self.max_bytes:
            with self._lock:
                if raw not in self._read:
                    self._read[raw] = checked
                    self._bytes += len(raw)
                while len(self._read) > self.max_bodies or self._bytes > self.max_bytes:
                    dropped, _ = self._read.popitem(last=False)
                    self._bytes -= len(dropped)
        return checked


def score_arguments(memo: ScoreRequestMemo, raw: bytes) -> dict[str, Any]:
    """`score_page`'s profile, papers and authors for this body, each a fresh list or dict."""
    checked = memo.read(raw)
    return {"profile": checked.profile, "papers": list(checked.papers), "authors": dict(checked.authors)}
