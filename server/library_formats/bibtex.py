"""BibTeX and BibLaTeX (Zotero, JabRef, Mendeley, Google Scholar exports) with bibtexparser v2;
LaTeX in titles and abstracts decoded to Unicode with pylatexenc (math kept as written)."""

from __future__ import annotations

import logging
import re

import bibtexparser
from bibtexparser.model import Entry, ParsingFailedBlock
from pylatexenc.latex2text import LatexNodes2Text

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

log = logging.getLogger(__name__)
# The splitter logs each damaged entry as a warning; they are reported with their lines instead.
logging.getLogger("bibtexparser.splitter").setLevel(logging.ERROR)

# Fields that hold an arXiv id among other words ("arXiv preprint arXiv:1706.03762", "arXiv:2401.12345 [cs]").
MENTION_FIELDS = ("note", "journal", "journaltitle", "howpublished", "number", "annote", "extra", "eid")
ARXIV_ARCHIVES = {"", "arxiv"}
UNESCAPED_PERCENT = re.compile(r"(?<!\\)%")  # a literal % in an abstract is text, not a LaTeX comment
_DECODER = LatexNodes2Text(math_mode="verbatim")


def latex_to_text(value: str) -> str:
    """LaTeX to Unicode text (`Erd{\\H{o}}s` → Erdős, `--` → –, braces dropped), whitespace collapsed."""
    try:
        return clean_text(_DECODER.latex_to_text(UNESCAPED_PERCENT.sub(r"\\%", value)))
    except Exception as error:  # pylatexenc is tolerant; anything it still chokes on keeps its text
        log.debug("LaTeX not decoded (%s): %r", error, value[:80])
        return clean_text(value.replace("{", "").replace("}", ""))


def _arxiv_id(fields: dict[str, str]) -> str | None:
    archive = (fields.get("archiveprefix") or fields.get("eprinttype") or "").strip().lower()
    if archive in ARXIV_ARCHIVES:
        found = arxiv_id_in(fields.get("eprint", ""), bare=True)
        if found:
            return found
    found = arxiv_id_in(fields.get("arxivid", ""), bare=True)  # Mendeley
    if found:
        return found
    for name in ("url", "doi", *MENTION_FIELDS):
        found = arxiv_id_in(fields.get(name, ""))
        if found:
            return found
    return None


def _failure_reason(block: ParsingFailedBlock) -> str:
    reason = " ".join(str(getattr(block.error, "abort_reason", None) or block.error or "").split())
    return f"could not be parsed ({reason})" if reason else "could not be parsed"


def _entry(entry: Entry) -> LibraryEntry:
    fields = {key.lower(): str(value.value) for key, value in entry.fields_dict.items()}
    url = clean_text(fields.get("url", "")).split(" ")[0]
    return LibraryEntry(
        line=(entry.start_line or 0) + 1,
        label=f"entry {entry.key!r}",
        fallback_id=safe_id("bibtex", entry.key),
        title=latex_to_text(fields.get("title", "")),
        abstract=latex_to_text(fields.get("abstract", "")),
        url=url,
        arxiv_id=_arxiv_id(fields),
        doi=doi_in(fields.get("doi", "")),
    )


def read_bibtex(text: str) -> LibraryRead:
    """Every entry of a .bib file; an entry the parser cannot read is skipped with its line."""
    try:
        library = bibtexparser.parse_string(text)
    except Exception as error:  # the parser's own invalid-state errors ("please report this bug")
        raise InvalidInput(f"the BibTeX parser could not read this file: {error}") from None
    read = LibraryRead()
    for block in library.blocks:
        if isinstance(block, ParsingFailedBlock) and isinstance(block.ignore_error_block, Entry):
            block = block.ignore_error_block  # a repeated key or field: the entry itself is fine
        if isinstance(block, Entry):
            if block.entry_type.lower() in ("string", "preamble", "comment"):
                continue
            read.entries.append(_entry(block))
        elif isinstance(block, ParsingFailedBlock):
            first_line = (block.raw or "").strip().splitlines()[:1]
            read.skipped.append(
                Skipped(
                    (block.start_line or 0) + 1,
                    shown(first_line[0]) if first_line else "an entry",
                    _failure_reason(block),
                )
            )
    return read
