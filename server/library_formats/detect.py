"""Which format a file is in, from its content: papersieve's JSON or CSV export, CSL-JSON, RIS,
BibTeX, or a list of arXiv ids (what is left)."""

from __future__ import annotations

import csv
import json
from typing import Any

from server.library_formats.common import arxiv_id_in
from server.library_formats.ris import _tag

_SAMPLE_LINES = 200


def json_kind(document: Any) -> str:
    """'json' for a papersieve export (an object with 'ratings', or records with a 'rating'), else
    'csl-json' (an array of CSL items)."""
    if isinstance(document, dict):
        return "json" if "ratings" in document or "papersieve" in document else "csl-json"
    if isinstance(document, list) and any(isinstance(item, dict) and "rating" in item for item in document):
        return "json"
    if isinstance(document, list) and not document:
        return "json"
    return "csl-json"


def _is_papersieve_csv(first_line: str) -> bool:
    try:
        header = next(csv.reader([first_line]))
    except (csv.Error, StopIteration):
        return False
    return "id" in header and len(header) > 1


def detect_format(text: str) -> str | None:
    """The import format `text` is most likely in, or None when it looks like none of them (a list
    of arXiv ids is what is left once the others are ruled out: it needs one id at least)."""
    stripped = text.lstrip()
    if stripped[:1] in ("[", "{"):
        try:
            return json_kind(json.loads(text))
        except (ValueError, RecursionError):
            return "csl-json" if stripped[:1] == "[" else "json"  # its parser says what is broken
    lines = stripped.splitlines()[:_SAMPLE_LINES]
    if any(_tag(line) == "TY" for line in lines):
        return "ris"
    for line in lines:
        head = line.lstrip()
        if head.startswith("@") and head[1:2].isalpha():
            return "bibtex"
    if lines and _is_papersieve_csv(lines[0]):
        return "csv"
    if any(arxiv_id_in(line, bare=True) for line in text.splitlines()):
        return "arxiv-ids"
    return None
