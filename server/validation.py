"""Checks on what clients send: profile names, paper ids and fields, ratings. Pure functions.

Each raises `InvalidInput` with a message meant for a person; the API turns it into a 400."""

from __future__ import annotations

import json
import re
from typing import Any

from server.store import Paper

MAX_PAPERS_PER_REQUEST = 500
MAX_TITLE_CHARS = 2_000
MAX_ABSTRACT_CHARS = 50_000
MAX_URL_CHARS = 2_048
MAX_ID_CHARS = 200

PROFILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
PAPER_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:/+()-]*")
# New-style (2401.12345v2) and old-style (hep-th/9901001v1) arXiv ids, with an optional version.
# ASCII only: without re.ASCII, \d takes any script's digits ("٢٤٠١.١٢٣٤٥") and IGNORECASE lets
# [a-z] take "ſ" and the Kelvin sign "K" (what the OpenAPI description's ECMA patterns refuse).
ARXIV_ID = re.compile(
    r"(?:arXiv:)?(\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?", re.IGNORECASE | re.ASCII
)


# ASCII digits only (str.isdigit() also takes "²"); 18 digits hold every range used (offset ≤ 10**9)
WHOLE_NUMBER = re.compile(r"[+-]?[0-9]{1,18}")


class InvalidInput(ValueError):
    """What the client sent is not acceptable; the message says why."""


def parse_json(text: str) -> Any:
    """JSON text as Python values. Anything json cannot read is a clear InvalidInput: broken syntax,
    nesting deeper than the parser's recursion allows, integers longer than Python converts."""
    try:
        return json.loads(text)
    except RecursionError:
        raise InvalidInput("the JSON is nested too deeply") from None
    except ValueError as error:  # JSONDecodeError, or an integer past the digit limit
        reason = "an integer in it is too long" if "digits" in str(error) else str(error)
        raise InvalidInput(f"the request body is not valid JSON: {reason}") from None


def whole_number(text: str, what: str, low: int, high: int) -> int:
    """A whole number written in ASCII digits, between low and high."""
    if not WHOLE_NUMBER.fullmatch(text.strip()) or not low <= int(text) <= high:
        raise InvalidInput(f"{what} must be a whole number from {low} to {high}")
    return int(text)


def check_text(value: str, what: str) -> str:
    """Text that can be stored: valid Unicode (JSON's \\ud800 escapes can make lone surrogates)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidInput(f"{what} is not valid Unicode text (it holds a lone surrogate)") from None
    return value


def check_profile_name(name: Any) -> str:
    if not isinstance(name, str) or not PROFILE_NAME.fullmatch(name):
        raise InvalidInput(
            "a profile name is 1 to 64 letters, digits, '_', '.' or '-', starting with a letter or digit"
        )
    return name


def normalise_paper_id(paper_id: Any) -> str:
    """A paper id as stored: arXiv ids lose their 'arXiv:' prefix and version suffix."""
    if not isinstance(paper_id, str) or not paper_id.strip():
        raise InvalidInput("a paper needs an 'id': a non-empty string")
    paper_id = paper_id.strip()
    arxiv = ARXIV_ID.fullmatch(paper_id)
    if arxiv:
        return arxiv.group(1)
    if len(paper_id) > MAX_ID_CHARS or not PAPER_ID.fullmatch(paper_id):
        raise InvalidInput(
            f"invalid paper id {paper_id[:60]!r}: use the arXiv id, or up to {MAX_ID_CHARS} letters, "
            "digits and . _ : / + ( ) -"
        )
    return paper_id


def _text_field(paper: dict, field: str, limit: int) -> str:
    value = paper.get(field, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidInput(f"a paper's {field!r} must be a string")
    if len(value) > limit:
        raise InvalidInput(f"a paper's {field!r} is {len(value):,} characters; the limit is {limit:,}")
    return check_text(value, f"a paper's {field!r}")


def single_spaced(text: str) -> str:
    """Runs of whitespace as one space, none at the ends: `" ".join(text.split())`, without the
    split for a text that is single-spaced already (a page's papers, sent again and again). Every
    whitespace character but the space is non-printable, so such a text is printable with no
    double space and no space at either end."""
    if text.isprintable() and "  " not in text and not text.startswith(" ") and not text.endswith(" "):
        return text
    return " ".join(text.split())


def check_paper(paper: Any) -> Paper:
    if not isinstance(paper, dict):
        raise InvalidInput("a paper must be an object with 'id', 'title', 'abstract' and 'url'")
    url = _text_field(paper, "url", MAX_URL_CHARS)
    if url and not url.startswith(("https://", "http://")):
        raise InvalidInput("a paper's 'url' must be an http(s) address")
    return Paper(
        id=normalise_paper_id(paper.get("id")),
        title=single_spaced(_text_field(paper, "title", MAX_TITLE_CHARS)),
        abstract=single_spaced(_text_field(paper, "abstract", MAX_ABSTRACT_CHARS)),
        url=url,
    )


def check_papers(papers: Any) -> list[Paper]:
    """A list of 1 to 500 papers; repeated ids are kept once (the last one wins)."""
    if not isinstance(papers, list):
        raise InvalidInput("'papers' must be a list of papers")
    if len(papers) > MAX_PAPERS_PER_REQUEST:
        raise InvalidInput(
            f"{len(papers)} papers in one request; send at most {MAX_PAPERS_PER_REQUEST} at a time"
        )
    by_id: dict[str, Paper] = {}
    for index, paper in enumerate(papers):
        try:
            checked = check_paper(paper)
        except InvalidInput as error:
            raise InvalidInput(f"papers[{index}]: {error}") from None
        by_id[checked.id] = checked
    return list(by_id.values())


def check_rating(rating: Any) -> int:
    if isinstance(rating, bool) or rating not in (1, -1):
        raise InvalidInput("'rating' must be 1 (👍) or -1 (👎)")
    return int(rating)


def check_json_object(body: Any) -> dict:
    if not isinstance(body, dict):
        raise InvalidInput("the request body must be a JSON object")
    return body
