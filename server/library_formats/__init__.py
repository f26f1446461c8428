"""A reader's library as papers to 👍: BibTeX, CSL-JSON, RIS and arXiv id lists, each parsed by a
maintained parser, damaged entries skipped with their line, duplicates merged. Pure functions over
text; nothing here touches the store."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from server.library_formats.arxiv_ids import read_arxiv_ids
from server.library_formats.bibtex import read_bibtex
from server.library_formats.common import (
    LibraryRead,
    Skipped,
    entry_to_paper,
    merge_duplicates,
    nothing_read,
)
from server.library_formats.csl_json import read_csl_json
from server.library_formats.detect import detect_format, json_kind
from server.library_formats.ris import read_ris
from server.store import Paper
from server.validation import InvalidInput

READERS: dict[str, tuple[Callable[[str], LibraryRead], str]] = {
    "bibtex": (read_bibtex, "BibTeX entries"),
    "csl-json": (read_csl_json, "CSL-JSON items"),
    "ris": (read_ris, "RIS records"),
    "arxiv-ids": (read_arxiv_ids, "arXiv ids"),
}
LIBRARY_FORMATS = tuple(READERS)

__all__ = ["LIBRARY_FORMATS", "Library", "Skipped", "detect_format", "json_kind", "read_library"]


@dataclass
class Library:
    """The papers of a library file in file order, the entries skipped, and how many were merged."""

    papers: list[Paper] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    merged: int = 0


def read_library(text: str, fmt: str) -> Library:
    """Parse a library file in `fmt`; InvalidInput only when it holds no entry that can be read."""
    reader, what = READERS[fmt]
    read = reader(text)
    usable = []
    for entry in read.entries:
        if not entry.title and not entry.arxiv_id:
            read.skipped.append(Skipped(entry.line, entry.label, "has no title and no arXiv id"))
        else:
            usable.append(entry)
    entries, merged = merge_duplicates(usable)
    library = Library(skipped=read.skipped, merged=merged)
    by_id: dict[str, Paper] = {}
    for entry in entries:
        try:
            paper = entry_to_paper(entry)
        except InvalidInput as error:
            library.skipped.append(Skipped(entry.line, entry.label, str(error)))
            continue
        if paper.id in by_id:  # one arXiv id with two DOIs: still one paper
            library.merged += 1
        else:
            by_id[paper.id] = paper
    library.papers = list(by_id.values())
    library.skipped.sort(key=lambda skip: skip.line or 0)
    if not library.papers:
        raise nothing_read(what, LibraryRead(skipped=library.skipped))
    return library
