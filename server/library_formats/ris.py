"""RIS (Zotero, Mendeley, EndNote, publisher exports) with rispy, one record at a time so that a
damaged record (no closing `ER`, no title) is skipped with the line it starts on."""

from __future__ import annotations

import rispy

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

TITLE_KEYS = ("title", "primary_title", "translated_title")
ABSTRACT_KEYS = ("abstract", "notes_abstract")
MENTION_KEYS = (
    "notes",
    "type_of_work",
    "accession_number",
    "journal_name",
    "number",
    "secondary_title",
    "publisher",
    "label",
    "custom1",
    "custom2",
    "note",
)
ID_KEYS = ("id", "reference_id")
_PARSER = rispy.RisParser()


def _tag(line: str) -> str | None:
    """The tag of an RIS line (`TY  - JOUR` → TY), as rispy reads it, or None."""
    return _PARSER.parse_line(line)[0]


def _records(text: str) -> tuple[list[tuple[int, str]], list[Skipped]]:
    """Each record's text (from its TY line to its ER line) with the line it starts on."""
    records: list[tuple[int, str]] = []
    skipped: list[Skipped] = []
    start: int | None = None
    lines: list[str] = []
    stray: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        tag = _tag(line)
        if tag == "TY":
            if start is not None:
                skipped.append(Skipped(start, _label(lines), f"no 'ER  -' line ends it before line {number}"))
            start, lines = number, [line]
        elif start is not None:
            lines.append(line)
            if tag == "ER":
                records.append((start, "\n".join(lines) + "\n"))
                start, lines = None, []
        elif line.strip():
            stray.append((number, line))
            continue
        if stray:
            skipped.append(_stray(stray))
            stray = []
    if stray:
        skipped.append(_stray(stray))
    if start is not None:
        skipped.append(Skipped(start, _label(lines), "the file ends before its 'ER  -' line"))
    return records, skipped


def _stray(lines: list[tuple[int, str]]) -> Skipped:
    """Lines between records (a header, a pasted fragment), reported once per run of lines."""
    count = f"{len(lines)} lines" if len(lines) > 1 else "a line"
    return Skipped(
        lines[0][0], shown(lines[0][1]), f"{count} of text outside a record (records start with 'TY  -')"
    )


def _label(lines: list[str]) -> str:
    for line in lines:
        if _tag(line) in ("TI", "T1"):
            return f"record {shown(line[6:])!r}"
    return "a record"


def _first(record: dict, keys: tuple[str, ...]) -> str:
    for key in keys:
        value = record.get(key)
        if isinstance(value, list):
            value = " ".join(str(v) for v in value)
        if value:
            return clean_text(str(value))
    return ""


def _entry(line: int, record: dict) -> LibraryEntry:
    title = _first(record, TITLE_KEYS)
    urls = record.get("urls") or []
    urls = urls if isinstance(urls, list) else [urls]
    doi = doi_in(_first(record, ("doi",)))
    arxiv_id = next((found for found in map(arxiv_id_in, [*urls, doi or ""]) if found), None)
    for key in MENTION_KEYS:
        arxiv_id = arxiv_id or arxiv_id_in(_first(record, (key,)))
    key = _first(record, ID_KEYS) or f"line-{line}"
    return LibraryEntry(
        line=line,
        label=f"record {shown(title)!r}" if title else f"record {key!r}",
        fallback_id=safe_id("ris", key),
        title=title,
        abstract=_first(record, ABSTRACT_KEYS),
        url=next((clean_text(u) for u in urls if str(u).startswith(("http://", "https://"))), ""),
        arxiv_id=arxiv_id,
        doi=doi,
    )


def read_ris(text: str) -> LibraryRead:
    """Every record of an RIS file; a damaged record is skipped with its line."""
    records, skipped = _records(text)
    read = LibraryRead(skipped=skipped)
    for line, record_text in records:
        try:
            parsed = rispy.loads(record_text)
        except Exception as error:  # rispy's own ParseError, or a KeyError on a strange tag
            read.skipped.append(Skipped(line, "a record", f"could not be parsed ({error})"))
            continue
        if len(parsed) != 1:
            read.skipped.append(Skipped(line, "a record", "could not be parsed"))
            continue
        read.entries.append(_entry(line, parsed[0]))
    read.skipped.sort(key=lambda skip: skip.line or 0)
    return read
