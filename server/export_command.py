"""`papersieve export`: a profile's ratings and rules as JSON or CSV, to a file (written atomically)
or to standard output."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from server.command_error import CommandError
from server.label_formats import EXPORT_FORMATS, FORMAT_BY_SUFFIX, export_ratings
from server.store import Store
from server.validation import check_profile_name


def ratings_count(count: int) -> str:
    return f"{count} rating" if count == 1 else f"{count} ratings"


def run_export(output: str | None, fmt: str | None, profile: str, open_store: Callable[[], Store]) -> int:
    """Export `profile` as `fmt` (else as the output's suffix says, else JSON) to `output` ("-" or
    None: standard output)."""
    fmt = fmt or FORMAT_BY_SUFFIX.get(Path(output or "").suffix.lower(), "json")
    if fmt not in EXPORT_FORMATS:
        raise CommandError(f"cannot export as {fmt}: use --format json or csv")
    with open_store() as store:
        profile = check_profile_name(profile)
        store.profile(profile)
        ratings = store.ratings(profile)
        text = export_ratings(profile, ratings, fmt, store.rules(profile))
    if output and output != "-":
        path = Path(output)
        tmp = path.with_name(path.name + ".tmp")
        try:
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(path)
        except OSError as error:
            raise CommandError(f"cannot write {path}: {error}") from None
        print(f"exported {ratings_count(len(ratings))} of {profile!r} to {path}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0
