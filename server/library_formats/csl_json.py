"""CSL-JSON (Zotero's "CSL JSON" export, Better BibTeX, citeproc tools): a JSON array of items,
read with the json module, each item's shape checked and a damaged item skipped with its line."""

from __future__ import annotations

import json
from typing import Any

from server.library_formats.common import (
    LibraryEntry,
    LibraryRead,
    Skipped,
    arxiv_id_in,
    clean_text,
    doi_in,
    safe_id,
    shown,
)
from server.validation import InvalidInput

MENTION_FIELDS = ("number", "note", "archive_location", "container-title", "publisher", "source")
TEXT_FIELDS = ("title", "abstract", "URL", "DOI", *MENTION_FIELDS)


def _items_with_lines(text: str) -> list[tuple[int | None, Any]]:
    """The items of a JSON array (or of an object's 'items'), each with the line it starts on."""
    decoder = json.JSONDecoder()
    position = len(text) - len(text.lstrip())
    try:
        if text.startswith("{", position):
            document = json.loads(text)
            listed = document.get("items", [document]) if isinstance(document, dict) else None
            if not isinstance(listed, list):
                raise InvalidInput("a CSL-JSON file is a JSON array of items")
            return [(None, item) for item in listed]
        if not text.startswith("[", position):
            raise InvalidInput("a CSL-JSON file is a JSON array of items")
        json.loads(text)  # the whole file is valid JSON, or its error (with line and column) is the message
        items: list[tuple[int | None, Any]] = []
        position += 1
        while True:
            while text[position] in " \t\r\n,":
                position += 1
            if text[position] == "]":
                return items
            item, end = decoder.raw_decode(text, position)
            items.append((text.count("\n", 0, position) + 1, item))
            position = end
    except RecursionError:
        raise InvalidInput("the CSL-JSON is nested too deeply") from None
    except ValueError as error:
        if isinstance(error, InvalidInput):
            raise
        raise InvalidInput(f"the file is not valid JSON: {error}") from None


def _text(item: dict, name: str) -> str:
    value = item.get(name, "")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise InvalidInput(f"its {name!r} is not text")
    return value


def _entry(line: int | None, number: int, item: Any) -> LibraryEntry:
    if not isinstance(item, dict):
        raise InvalidInput("it is not an object")
    fields = {name: _text(item, name) for name in TEXT_FIELDS}
    key = item.get("id", "") if isinstance(item.get("id"), (str, int)) else ""
    key = str(key).rstrip("/").rsplit("/", 1)[-1] or f"item-{number}"  # Zotero: .../items/ABCD1234
    arxiv_id = arxiv_id_in(fields["URL"]) or arxiv_id_in(fields["DOI"])
    for name in MENTION_FIELDS:
        arxiv_id = arxiv_id or arxiv_id_in(fields[name])
    return LibraryEntry(
        line=line,
        label=f"item {number} ({shown(fields['title']) or key!s})",
        fallback_id=safe_id("csl", key),
        title=clean_text(fields["title"]),
        abstract=clean_text(fields["abstract"]),
        url=clean_text(fields["URL"]),
        arxiv_id=arxiv_id,
        doi=doi_in(fields["DOI"]),
    )


def read_csl_json(text: str) -> LibraryRead:
    """Every item of a CSL-JSON file; an item of the wrong shape is skipped with its line."""
    read = LibraryRead()
    for number, (line, item) in enumerate(_items_with_lines(text), start=1):
        try:
            read.entries.append(_entry(line, number, item))
        except InvalidInput as error:
            read.skipped.append(Skipped(line, f"item {number}", str(error)))
    return read
