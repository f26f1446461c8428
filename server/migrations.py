"""Named, ordered schema migrations, each applied once and recorded in the `migrations` table."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime

Migration = Callable[[sqlite3.Connection], None]
MIGRATIONS: list[tuple[str, Migration]] = []


def migration(func: Migration) -> Migration:
    """Register a migration; its function name is its permanent, recorded name."""
    MIGRATIONS.append((func.__name__, func))
    return func


@migration
def m001_create_tables(db: sqlite3.Connection) -> None:
    for statement in (
        """CREATE TABLE profiles (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL
        )""",
        """CREATE TABLE papers (
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL DEFAULT '',
            abstract TEXT NOT NULL DEFAULT '',
            url TEXT NOT NULL DEFAULT '',
            first_seen TEXT NOT NULL
        )""",
        """CREATE TABLE seen (
            profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
            paper_id TEXT NOT NULL REFERENCES papers(id),
            seen_at TEXT NOT NULL,
            PRIMARY KEY (profile_id, paper_id)
        ) WITHOUT ROWID""",
        """CREATE TABLE ratings (
            profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
            paper_id TEXT NOT NULL REFERENCES papers(id),
            rating INTEGER NOT NULL CHECK (rating IN (-1, 1)),
            rated_at TEXT NOT NULL,
            PRIMARY KEY (profile_id, paper_id)
        ) WITHOUT ROWID""",
    ):
        db.execute(statement)


@migration
def m002_ratings_by_time(db: sqlite3.Connection) -> None:
    db.execute("CREATE INDEX ratings_by_time ON ratings (profile_id, rated_at DESC)")


@migration
def m003_profile_revision(db: sqlite3.Connection) -> None:
    """A counter bumped by every rating change: models are cached per (profile, revision)."""
    db.execute("ALTER TABLE profiles ADD COLUMN revision INTEGER NOT NULL DEFAULT 0")


@migration
def m004_embeddings(db: sqlite3.Connection) -> None:
    """Sentence vectors, one per paper per encoder (name, version), stored as float16 BLOBs.

    A paper whose title or abstract changes (a page that showed only the title, then one with the
    abstract) loses its vectors, so that it is embedded again from its new text."""
    db.execute(
        """CREATE TABLE embeddings (
            paper_id TEXT NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
            encoder TEXT NOT NULL,
            version TEXT NOT NULL,
            vector BLOB NOT NULL,
            embedded_at TEXT NOT NULL,
            PRIMARY KEY (paper_id, encoder, version)
        ) WITHOUT ROWID"""
    )
    db.execute(
        """CREATE TRIGGER embeddings_follow_text AFTER UPDATE OF title, abstract ON papers
           WHEN old.title IS NOT new.title OR old.abstract IS NOT new.abstract
           BEGIN DELETE FROM embeddings WHERE paper_id = new.id; END"""
    )
    # The backlog is found newest first.
    db.execute("CREATE INDEX papers_by_first_seen ON papers (first_seen DESC)")


@migration
def m005_rules(db: sqlite3.Connection) -> None:
    """A profile's "always highlight" / "always hide" rules (server/rules.py matches them)."""
    db.execute(
        """CREATE TABLE rules (
            id INTEGER PRIMARY KEY,
            profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
            action TEXT NOT NULL CHECK (action IN ('highlight', 'hide')),
            kind TEXT NOT NULL CHECK (kind IN ('text', 'regex')),
            pattern TEXT NOT NULL,
            field TEXT NOT NULL CHECK (field IN ('any', 'title', 'abstract', 'authors')),
            created_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX rules_by_profile ON rules (profile_id, id)")


def applied_migrations(db: sqlite3.Connection) -> list[str]:
    db.execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    return [row[0] for row in db.execute("SELECT name FROM migrations ORDER BY rowid")]


def migrate(db: sqlite3.Connection) -> list[str]:
    """Apply every migration not yet recorded, each in its own transaction; return their names."""
    done = set(applied_migrations(db))
    newly_applied = []
    for name, apply in MIGRATIONS:
        if name in done:
            continue
        db.execute("BEGIN")
        try:
            apply(db)
            db.execute(
                "INSERT INTO migrations (name, applied_at) VALUES (?, ?)",
                (name, datetime.now(UTC).isoformat(timespec="seconds")),
            )
        except BaseException:
            db.rollback()
            raise
        db.commit()
        newly_applied.append(name)
    return newly_applied
