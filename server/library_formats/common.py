"""What every library format reads into: entries (with the line each starts on), the entries skipped
and why, arXiv ids and DOIs found in any field, and duplicates merged into one paper."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from server.store import Paper
from server.validation import InvalidInput, check_paper

# New-style (2401.12345) and old-style (hep-th/9901001, math.AG/0101001) arXiv ids, versions apart.
_ID = r"(\d{4}\.\d{4,5}|[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?"
_FLAGS = re.IGNORECASE | re.ASCII
ARXIV_LINK = re.compile(
    rf"(?:arxiv\.org/(?:abs|pdf|html|format)/|huggingface\.co/papers/|alphaxiv\.org/(?:abs/)?){_ID}", _FLAGS
)
ARXIV_DOI = re.compile(rf"10\.48550/arxiv\.{_ID}", _FLAGS)
ARXIV_MENTION = re.compile(rf"arxiv(?:\s*id)?\s*[:.]?\s*{_ID}", _FLAGS)
BARE_ARXIV_ID = re.compile(rf"(?<![\w./-]){_ID}(?![\w/]|\.\d)", _FLAGS)
DOI_PREFIXES = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
UNSAFE_ID_CHARS = re.compile(r"[^A-Za-z0-9._:/+()-]")
MAX_SHOWN_CHARS = 60


@dataclass(frozen=True)
class Skipped:
    """An entry that could not be imported: where it starts, what it is, and why."""

    line: int | None
    entry: str
    reason: str

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line is not None else ""
        return f"{where}{self.entry}: {self.reason}"

    def as_dict(self) -> dict[str, object]:
        return {"line": self.line, "entry": self.entry, "reason": self.reason}


@dataclass
class LibraryEntry:
    """One reference of a reader's library, before it becomes a paper."""

    line: int | None
    label: str  # how to name it in a message: its key, or its first words
    fallback_id: str  # the id when there is neither an arXiv id nor a DOI ("bibtex:key")
    title: str = ""
    abstract: str = ""
    url: str = ""
    arxiv_id: str | None = None
    doi: str | None = None


@dataclass
class LibraryRead:
    """What a parser made of a file: its entries in file order, and the entries it skipped."""

    entries: list[LibraryEntry] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def clean_text(text: str) -> str:
    """Whitespace collapsed to single spaces (line breaks, tabs, non-breaking spaces)."""
    return " ".join(str(text).split())


def shown(text: str) -> str:
    text = clean_text(text)
    return text if len(text) <= MAX_SHOWN_CHARS else text[: MAX_SHOWN_CHARS - 1] + "…"


def _valid_new_style(found: str) -> bool:
    """A new-style id names a real month (yymm with mm 01-12): '1234.5678' in a note is not one."""
    return not found[:4].isdigit() or 1 <= int(found[2:4]) <= 12


def arxiv_id_in(text: str, *, bare: bool = False) -> str | None:
    """The first arXiv id in `text`: in an arxiv.org or Hugging Face link, an arXiv DOI, after
    'arXiv:' or (with `bare`, for fields that hold nothing else) on its own. Without version."""
    if not text:
        return None
    patterns = [ARXIV_LINK, ARXIV_DOI, ARXIV_MENTION] + ([BARE_ARXIV_ID] if bare else [])
    for pattern in patterns:
        for found in pattern.finditer(text):
            if _valid_new_style(found.group(1)):
                return found.group(1)
    return None


def doi_in(text: str) -> str | None:
    """A DOI without its resolver prefix ('https://doi.org/', 'doi:'), or None."""
    doi = DOI_PREFIXES.sub("", clean_text(text or ""))
    return doi if doi.startswith("10.") and "/" in doi else None


def safe_id(prefix: str, key: str) -> str:
    """A paper id from a key of the file (a citation key, a DOI): characters ids can't hold become '-'."""
    return f"{prefix}:{UNSAFE_ID_CHARS.sub('-', key.strip())}"


def normalised_title(title: str) -> str:
    """A title as duplicates share it: accents, case, punctuation and spacing dropped."""
    decomposed = unicodedata.normalize("NFKD", title.casefold())
    return " ".join(
        "".join(c if c.isalnum() else " " for c in decomposed if not unicodedata.combining(c)).split()
    )


def _merge_keys(entry: LibraryEntry) -> list[str]:
    keys = []
    if entry.arxiv_id:
        keys.append("arxiv:" + entry.arxiv_id.lower())
    if entry.doi:
        keys.append("doi:" + entry.doi.lower())
    title = normalised_title(entry.title)
    if len(title) >= 12:  # "Introduction" or "Notes" alone do not make two papers one
        keys.append("title:" + title)
    return keys


def _compatible(a: LibraryEntry, b: LibraryEntry) -> bool:
    """Two entries can be one paper unless they name different arXiv ids or different DOIs."""
    return not (a.arxiv_id and b.arxiv_id and a.arxiv_id.lower() != b.arxiv_id.lower()) and not (
        a.doi and b.doi and a.doi.lower() != b.doi.lower()
    )


def _absorb(kept: LibraryEntry, other: LibraryEntry) -> None:
    kept.arxiv_id = kept.arxiv_id or other.arxiv_id
    kept.doi = kept.doi or other.doi
    kept.title = kept.title or other.title
    if len(other.abstract) > len(kept.abstract):
        kept.abstract = other.abstract
    kept.url = kept.url or other.url


def merge_duplicates(entries: list[LibraryEntry]) -> tuple[list[LibraryEntry], int]:
    """Entries naming the same paper (same arXiv id, DOI or normalised title) merged into the first
    one, which takes the others' ids and the longest abstract; returns them and how many merged."""
    kept: list[LibraryEntry] = []
    by_key: dict[str, LibraryEntry] = {}
    merged = 0
    for entry in entries:
        match = next(
            (by_key[key] for key in _merge_keys(entry) if key in by_key and _compatible(by_key[key], entry)),
            None,
        )
        if match is None:
            match = LibraryEntry(**vars(entry))
            kept.append(match)
        else:
            _absorb(match, entry)
            merged += 1
        for key in _merge_keys(match):
            by_key.setdefault(key, match)
    return kept, merged


def entry_to_paper(entry: LibraryEntry) -> Paper:
    """The paper an entry stands for (its arXiv id, else its DOI, else its file's key); raises
    InvalidInput when a field is over the server's limits."""
    if entry.arxiv_id:
        paper_id = entry.arxiv_id
    elif entry.doi:
        paper_id = safe_id("doi", entry.doi)
    else:
        paper_id = entry.fallback_id
    url = entry.url if entry.url.startswith(("https://", "http://")) else ""
    if entry.arxiv_id:
        url = f"https://arxiv.org/abs/{entry.arxiv_id}"
    elif not url and entry.doi:
        url = f"https://doi.org/{entry.doi}"
    return check_paper({"id": paper_id, "title": entry.title, "abstract": entry.abstract, "url": url})


def nothing_read(what: str, read: LibraryRead) -> InvalidInput:
    """The error for a file with no entry to import: the first skipped entry says why."""
    if read.skipped:
        more = f" (and {len(read.skipped) - 1} more)" if len(read.skipped) > 1 else ""
        return InvalidInput(f"no {what} could be read: {read.skipped[0]}{more}")
    return InvalidInput(f"no {what} found")
