"""`papersieve import FILE`: a reader's library or a papersieve export into a profile, with
`--dry-run` to see what would be imported first."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from server.command_error import CommandError
from server.label_formats import FORMAT_BY_SUFFIX, ImportResult, UnknownFormat, read_import
from server.rules import MAX_RULES
from server.store import Store
from server.validation import check_profile_name

FORMAT_NAMES = {
    "json": "papersieve JSON export",
    "csv": "papersieve CSV export",
    "bibtex": "BibTeX",
    "csl-json": "CSL-JSON",
    "ris": "RIS",
    "arxiv-ids": "arXiv id list",
}
SHOWN_ENTRIES = 10
SHOWN_SKIPPED = 20


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def describe(result: ImportResult, source: str) -> str:
    """One line: how many papers were read from where, in what format, and what else happened."""
    notes = []
    if result.skipped:
        notes.append(f"{len(result.skipped)} skipped")
    if result.merged:
        notes.append(f"{plural(result.merged, 'duplicate')} merged")
    if result.without_abstract:
        notes.append(f"{result.without_abstract} without an abstract")
    extra = f" ({', '.join(notes)})" if notes else ""
    return f"read {plural(len(result.rated), 'paper')} from {source} as {FORMAT_NAMES[result.format]}{extra}"


def read_source(file: str) -> str:
    try:
        if file == "-":
            return sys.stdin.read()
        return Path(file).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"cannot read {file}: {error}") from None


def run_import(
    file: str, fmt: str | None, profile: str, dry_run: bool, open_store: Callable[[], Store]
) -> int:
    """Read `file`, report skipped entries on stderr, then import (or, with `dry_run`, only show)."""
    text = read_source(file)
    source = "standard input" if file == "-" else file
    try:
        result = read_import(text, fmt, FORMAT_BY_SUFFIX.get(Path(file).suffix.lower()))
    except UnknownFormat as error:
        raise CommandError(f"{source}: {error}") from None
    profile = check_profile_name(profile)
    print(describe(result, source))
    for skipped in result.skipped[:SHOWN_SKIPPED]:
        print(f"papersieve import: skipped {skipped}", file=sys.stderr)
    if len(result.skipped) > SHOWN_SKIPPED:
        print(f"papersieve import: … and {len(result.skipped) - SHOWN_SKIPPED} more skipped", file=sys.stderr)
    if dry_run:
        for item in result.rated[:SHOWN_ENTRIES]:
            mark = "👍" if item.rating == 1 else "👎"
            title = item.paper.title or "(its title comes with the first page that shows it)"
            print(f"  {mark} {item.paper.id}  {title}")
        if len(result.rated) > SHOWN_ENTRIES:
            print(f"  … and {len(result.rated) - SHOWN_ENTRIES} more")
        print(f"dry run: nothing written to profile {profile!r}")
        return 0
    with open_store() as store:
        rules = store.add_rules(profile, [rule.key() for rule in result.rules], MAX_RULES, skip_existing=True)
        count = store.import_ratings(profile, result.rated)
        labels = store.label_counts(profile)
    print(f"imported {plural(count, 'rating')} into {profile!r} (now 👍 {labels.up}, 👎 {labels.down})")
    if result.rules:
        print(
            f"{plural(len(rules), 'rule')} added ({len(result.rules) - len(rules)} the profile had already)"
        )
    if result.without_abstract:
        print(
            f"{plural(result.without_abstract, 'paper')} without an abstract: each gains it when a digest "
            "page shows the paper"
        )
    return 0
