"""Ratings with their papers' text, to and from files: papersieve's JSON and CSV both ways; a
reader's library in (BibTeX, CSL-JSON, RIS, arXiv ids: server.library_formats, as 👍), the
format told or detected. Pure functions over text; nothing here touches the store."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from server.library_formats import LIBRARY_FORMATS, Skipped, detect_format, json_kind, read_library
from server.rules import NewRule, check_rules
from server.store import RatedPaper, Rule, now
from server.validation import WHOLE_NUMBER, InvalidInput, check_paper, check_rating, parse_json

EXPORT_FORMATS = ("json", "csv")
IMPORT_FORMATS = ("auto", "json", "csv", *LIBRARY_FORMATS)
CSV_COLUMNS = ("id", "title", "abstract", "url", "rating", "rated_at")
FORMAT_BY_SUFFIX = {
    ".json": "json",
    ".csv": "csv",
    ".bib": "bibtex",
    ".bibtex": "bibtex",
    ".ris": "ris",
    ".txt": "arxiv-ids",
}
FORMAT_BY_CONTENT_TYPE = {
    "application/json": "json",
    "text/csv": "csv",
    "application/x-bibtex": "bibtex",
    "text/x-bibtex": "bibtex",
    "application/vnd.citationstyles.csl+json": "csl-json",
    "application/x-research-info-systems": "ris",
    "text/plain": "auto",
    "": "auto",  # no Content-Type: what a browser sends for a File of a type it does not know
}


# --- export ----------------------------------------------------------------------------------------


def _record(item: RatedPaper) -> dict[str, Any]:
    paper = item.paper
    return {
        "id": paper.id,
        "title": paper.title,
        "abstract": paper.abstract,
        "url": paper.url,
        "rating": item.rating,
        "rated_at": item.rated_at,
    }


def _rule_record(rule: Rule) -> dict[str, Any]:
    return {
        "action": rule.action,
        "kind": rule.kind,
        "pattern": rule.pattern,
        "field": rule.field,
        "created_at": rule.created_at,
    }


def to_json(profile: str, ratings: Iterable[RatedPaper], rules: Iterable[Rule] = ()) -> str:
    """papersieve's JSON export: the ratings with their papers, and the profile's rules."""
    document = {
        "papersieve": 1,
        "profile": profile,
        "exported_at": now(),
        "ratings": [_record(item) for item in ratings],
        "rules": [_rule_record(rule) for rule in rules],
    }
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def to_csv(ratings: Iterable[RatedPaper]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(_record(item) for item in ratings)
    return buffer.getvalue()


def export_ratings(profile: str, ratings: Iterable[RatedPaper], fmt: str, rules: Iterable[Rule] = ()) -> str:
    """The export in `fmt`; only JSON carries the rules (CSV is one row per rating)."""
    if fmt == "json":
        return to_json(profile, ratings, rules)
    if fmt == "csv":
        return to_csv(ratings)
    raise InvalidInput(f"unknown export format {fmt!r}: use one of {', '.join(EXPORT_FORMATS)}")


# --- import ----------------------------------------------------------------------------------------


def _check_timestamp(value: Any) -> str:
    if value in (None, ""):
        return now()
    if not isinstance(value, str):
        raise InvalidInput("'rated_at' must be an ISO 8601 timestamp")
    try:
        datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"'rated_at' {value[:40]!r} is not an ISO 8601 timestamp") from None
    return value


def _rated_from_record(record: Any, default_rating: int | None) -> RatedPaper:
    if not isinstance(record, dict):
        raise InvalidInput("each rating must be an object with the paper's fields and 'rating'")
    rating = record.get("rating", default_rating)
    if isinstance(rating, str) and WHOLE_NUMBER.fullmatch(rating.strip()):
        rating = int(rating)
    return RatedPaper(check_paper(record), check_rating(rating), _check_timestamp(record.get("rated_at")))


def _numbered(records: Iterable[Any], default_rating: int | None, what: str) -> list[RatedPaper]:
    rated = []
    for number, record in enumerate(records, start=1):
        try:
            rated.append(_rated_from_record(record, default_rating))
        except InvalidInput as error:
            raise InvalidInput(f"{what} {number}: {error}") from None
    return rated


def from_json(text: str) -> list[RatedPaper]:
    document = parse_json(text)
    records = document.get("ratings") if isinstance(document, dict) else document
    if not isinstance(records, list):
        raise InvalidInput("expected a JSON list of ratings, or an object with a 'ratings' list")
    return _numbered(records, None, "rating")


def rules_from_json(text: str) -> list[NewRule]:
    """The rules of a papersieve JSON export (none in an older export or a bare list of ratings)."""
    document = parse_json(text)
    if not isinstance(document, dict) or document.get("rules") is None:
        return []
    return check_rules(document["rules"])


def from_csv(text: str) -> list[RatedPaper]:
    reader = csv.DictReader(io.StringIO(text))
    try:  # the header row is read here too: a field over csv's 128 KiB limit fails in either
        fieldnames = reader.fieldnames
        if not fieldnames or "id" not in fieldnames:
            raise InvalidInput(
                f"a CSV needs a header row with an 'id' column (columns: {', '.join(CSV_COLUMNS)})"
            )
        rows = list(reader)
    except csv.Error as error:
        raise InvalidInput(f"unreadable CSV: {error}") from None
    return _numbered(rows, 1, "CSV row")


PAPERSIEVE_PARSERS = {"json": from_json, "csv": from_csv}


@dataclass
class ImportResult:
    """A file read for import: its format, the ratings in it (one per paper, in file order), the
    entries skipped (line and reason) and how many duplicate entries were merged."""

    format: str
    rated: list[RatedPaper]
    skipped: list[Skipped] = field(default_factory=list)
    merged: int = 0
    rules: list[NewRule] = field(default_factory=list)

    @property
    def without_abstract(self) -> int:
        return sum(1 for item in self.rated if not item.paper.abstract)


class UnknownFormat(InvalidInput):
    """The text looks like none of the import formats, and none was named."""


def resolve_format(text: str, fmt: str | None, fallback: str | None = None) -> str:
    """The format to read `text` in: `fmt`, else detected from the text (else `fallback`, e.g. from
    the file's name); 'json' names any JSON file, papersieve's export or CSL-JSON (told apart by
    their shape)."""
    if fmt in (None, "", "auto"):
        detected = detect_format(text) or fallback
        if detected is None:
            raise UnknownFormat(
                "cannot tell the format: it is not BibTeX, CSL-JSON, RIS, a papersieve export or a "
                f"list of arXiv ids (name its format: {', '.join(IMPORT_FORMATS[1:])})"
            )
        fmt = detected
    if fmt not in IMPORT_FORMATS:
        raise InvalidInput(f"unknown import format {fmt!r}: use one of {', '.join(IMPORT_FORMATS)}")
    if fmt == "json":
        try:
            return json_kind(json.loads(text))
        except (ValueError, RecursionError):
            return "json"  # from_json says what is wrong
    return fmt


def read_import(text: str, fmt: str | None = None, fallback: str | None = None) -> ImportResult:
    """Parse a file's text for import. A papersieve export is all or nothing (InvalidInput names the
    bad record); a library file skips damaged entries (listed in `skipped`) and raises InvalidInput
    only when nothing in it can be read. Library entries count as 👍."""
    text = text.removeprefix("\ufeff")
    fmt = resolve_format(text, fmt, fallback)
    if fmt in PAPERSIEVE_PARSERS:
        rated = PAPERSIEVE_PARSERS[fmt](text)
        unique = list({item.paper.id: item for item in rated}.values())
        rules = rules_from_json(text) if fmt == "json" else []
        return ImportResult(fmt, unique, merged=len(rated) - len(unique), rules=rules)
    library = read_library(text, fmt)
    stamp = now()
    rated = [RatedPaper(paper, 1, stamp) for paper in library.papers]
    return ImportResult(fmt, rated, library.skipped, library.merged)


def import_ratings(text: str, fmt: str | None = None) -> list[RatedPaper]:
    """The ratings `read_import` finds in a file (skipped entries left out)."""
    return read_import(text, fmt).rated
