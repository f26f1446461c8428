"""Lists of arXiv ids or links, one a line (`2401.12345v2`, `arXiv:hep-th/9901001`, arxiv.org,
Hugging Face or arXiv-DOI links); `#` starts a comment; a line with no id is skipped with its number."""

from __future__ import annotations

from server.library_formats.common import LibraryEntry, LibraryRead, Skipped, arxiv_id_in, shown


def read_arxiv_ids(text: str) -> LibraryRead:
    """One paper per line that holds an arXiv id (as an id, a link or an arXiv DOI)."""
    read = LibraryRead()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        found = arxiv_id_in(line, bare=True)
        if found is None:
            read.skipped.append(Skipped(number, shown(line), "is not an arXiv id or arXiv link"))
            continue
        read.entries.append(
            LibraryEntry(line=number, label=f"line {number}", fallback_id=found, arxiv_id=found)
        )
    return read
