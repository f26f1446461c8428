"""Ratings with their papers' text, to and from files: JSON and CSV both ways; BibTeX and arXiv id
lists in (as 👍). Pure functions over text; nothing here touches the store."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import bibtexparser

from server.store import RatedPaper, now
from server.validation import ARXIV_ID, WHOLE_NUMBER, InvalidInput, check_paper, check_rating, parse_json

EXPORT_FORMATS = ("json", "csv")
IMPORT_FORMATS = ("json", "csv", "bibtex", "arxiv-ids")
CSV_COLUMNS = ("id", "title", "abstract", "url", "rating", "rated_at")
FORMAT_BY_SUFFIX = {
    ".json": "json",
    ".csv": "csv",
    ".bib": "bibtex",
    ".bibtex": "bibtex",
    ".txt": "arxiv-ids",
}
FORMAT_BY_CONTENT_TYPE = {
    "application/json": "json",
    "text/csv": "csv",
    "application/x-bibtex": "bibtex",
    "text/x-bibtex": "bibtex",
    "text/plain": "arxiv-ids",
}
ARXIV_IN_TEXT = re.compile(r"arxiv\.org/(?:abs|pdf)/([^\s?#]+?)(?:\.pdf)?/?(?:[?#].*)?$", re.IGNORECASE)


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


def to_json(profile: str, ratings: Iterable[RatedPaper]) -> str:
    document = {
        "papersieve": 1,
        "profile": profile,
        "exported_at": now(),
        "ratings": [_record(item) for item in ratings],
    }
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def to_csv(ratings: Iterable[RatedPaper]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(_record(item) for item in ratings)
    return buffer.getvalue()


def export_ratings(profile: str, ratings: Iterable[RatedPaper], fmt: str) -> str:
    if fmt == "json":
        return to_json(profile, ratings)
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


def _bibtex_text(value: str) -> str:
    return " ".join(value.replace("{", "").replace("}", "").split())


def _bibtex_paper_id(key: str, fields: dict[str, str]) -> str:
    eprint = fields.get("eprint", "").strip()
    if eprint and ARXIV_ID.fullmatch(eprint):
        return eprint
    for field in ("url", "journal", "note"):
        found = ARXIV_IN_TEXT.search(fields.get(field, "")) or ARXIV_ID.search(fields.get(field, ""))
        if found and ARXIV_ID.fullmatch(found.group(1)):
            return found.group(1)
    if fields.get("doi"):
        return "doi:" + re.sub(r"[^A-Za-z0-9._:/+()-]", "-", fields["doi"].strip())
    return "bibtex:" + re.sub(r"[^A-Za-z0-9._:/+()-]", "-", key)


def from_bibtex(text: str) -> list[RatedPaper]:
    library = bibtexparser.parse_string(text)
    if library.failed_blocks:
        first = library.failed_blocks[0]
        raise InvalidInput(f"BibTeX entry starting on line {first.start_line + 1} could not be parsed")
    if not library.entries:
        raise InvalidInput("no BibTeX entries found")
    records = []
    for entry in library.entries:
        fields = {key.lower(): str(field.value) for key, field in entry.fields_dict.items()}
        records.append(
            {
                "id": _bibtex_paper_id(entry.key, fields),
                "title": _bibtex_text(fields.get("title", "")),
                "abstract": _bibtex_text(fields.get("abstract", "")),
                "url": fields.get("url", ""),
            }
        )
    return _numbered(records, 1, "BibTeX entry")


def from_arxiv_ids(text: str) -> list[RatedPaper]:
    records = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        link = ARXIV_IN_TEXT.search(line)
        candidate = link.group(1) if link else line
        if not ARXIV_ID.fullmatch(candidate):
            raise InvalidInput(f"line {number}: {line[:60]!r} is not an arXiv id or arXiv link")
        records.append(
            {"id": candidate, "url": f"https://arxiv.org/abs/{ARXIV_ID.fullmatch(candidate).group(1)}"}
        )
    if not records:
        raise InvalidInput("no arXiv ids found")
    return _numbered(records, 1, "arXiv id")


PARSERS = {"json": from_json, "csv": from_csv, "bibtex": from_bibtex, "arxiv-ids": from_arxiv_ids}


def import_ratings(text: str, fmt: str) -> list[RatedPaper]:
    """Parse a file's text; raise InvalidInput (naming the entry) on anything malformed."""
    if fmt not in PARSERS:
        raise InvalidInput(f"unknown import format {fmt!r}: use one of {', '.join(IMPORT_FORMATS)}")
    rated = PARSERS[fmt](text)
    return list({item.paper.id: item for item in rated}.values())
