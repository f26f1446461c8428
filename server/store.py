"""The SQLite store: profiles, papers (deduplicated by id), what each profile has seen, and ratings.

The only module that talks SQL. One `Store` wraps one connection; the Flask app opens one per
request, the CLI one per command.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from server.migrations import migrate

DATABASE_NAME = "papersieve.sqlite3"
DEFAULT_PROFILE = "default"


class StoreError(Exception):
    """Base of the store's errors; the message is meant for a person."""


class UnknownProfile(StoreError):
    def __init__(self, name: str) -> None:
        super().__init__(f"no profile named {name!r}")


class ProfileExists(StoreError):
    def __init__(self, name: str) -> None:
        super().__init__(f"a profile named {name!r} already exists")


class UnknownRating(StoreError):
    def __init__(self, profile: str, paper_id: str) -> None:
        super().__init__(f"profile {profile!r} has no rating for paper {paper_id!r}")


@dataclass(frozen=True)
class Paper:
    id: str
    title: str = ""
    abstract: str = ""
    url: str = ""


@dataclass(frozen=True)
class RatedPaper:
    paper: Paper
    rating: int
    rated_at: str


@dataclass(frozen=True)
class LabelCounts:
    up: int
    down: int

    def as_dict(self) -> dict[str, int]:
        return {"up": self.up, "down": self.down}


@dataclass(frozen=True)
class ProfileSummary:
    name: str
    created_at: str
    labels: LabelCounts
    papers_seen: int
    revision: int


def now() -> str:
    """UTC timestamp with microseconds, so that ratings made in one second still sort."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


_UPSERT_PAPER = """
    INSERT INTO papers (id, title, abstract, url, first_seen) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (id) DO UPDATE SET
        title = CASE WHEN excluded.title <> '' THEN excluded.title ELSE papers.title END,
        abstract = CASE WHEN excluded.abstract <> '' THEN excluded.abstract ELSE papers.abstract END,
        url = CASE WHEN excluded.url <> '' THEN excluded.url ELSE papers.url END
    WHERE excluded.title <> '' OR excluded.abstract <> '' OR excluded.url <> ''
"""


class Store:
    def __init__(self, connection: sqlite3.Connection) -> None:
        self.db = connection

    @classmethod
    def open(cls, data_dir: Path | str, *, setup: bool = True) -> Store:
        """Open the database in `data_dir`; with `setup`, create or migrate it and its default profile.

        The server sets up once at start and then opens one connection per request without it."""
        path = Path(data_dir) / DATABASE_NAME
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(path, timeout=15, check_same_thread=False)
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute("PRAGMA synchronous = NORMAL")
        store = cls(connection)
        if setup:
            migrate(connection)
            store.ensure_profile(DEFAULT_PROFILE)
        return store

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- profiles -------------------------------------------------------------------------------

    def ensure_profile(self, name: str) -> None:
        with self.db:
            self.db.execute("INSERT OR IGNORE INTO profiles (name, created_at) VALUES (?, ?)", (name, now()))

    def create_profile(self, name: str) -> ProfileSummary:
        try:
            with self.db:
                self.db.execute("INSERT INTO profiles (name, created_at) VALUES (?, ?)", (name, now()))
        except sqlite3.IntegrityError:
            raise ProfileExists(name) from None
        return self.profile(name)

    def delete_profile(self, name: str) -> None:
        with self.db:
            deleted = self.db.execute("DELETE FROM profiles WHERE name = ?", (name,)).rowcount
        if not deleted:
            raise UnknownProfile(name)

    def _profile_id(self, name: str) -> int:
        row = self.db.execute("SELECT id FROM profiles WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise UnknownProfile(name)
        return row[0]

    def profile(self, name: str) -> ProfileSummary:
        summaries = self._summaries("WHERE p.name = ?", (name,))
        if not summaries:
            raise UnknownProfile(name)
        return summaries[0]

    def list_profiles(self) -> list[ProfileSummary]:
        return self._summaries("", ())

    def _summaries(self, where: str, params: tuple) -> list[ProfileSummary]:
        rows = self.db.execute(
            f"""SELECT p.name, p.created_at, p.revision,
                   (SELECT count(*) FROM ratings r WHERE r.profile_id = p.id AND r.rating = 1),
                   (SELECT count(*) FROM ratings r WHERE r.profile_id = p.id AND r.rating = -1),
                   (SELECT count(*) FROM seen s WHERE s.profile_id = p.id)
                FROM profiles p {where} ORDER BY p.name""",
            params,
        ).fetchall()
        return [
            ProfileSummary(name, created, LabelCounts(up, down), seen, revision)
            for name, created, revision, up, down, seen in rows
        ]

    def revision(self, name: str) -> int:
        row = self.db.execute("SELECT revision FROM profiles WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise UnknownProfile(name)
        return row[0]

    def label_counts(self, name: str) -> LabelCounts:
        profile_id = self._profile_id(name)
        up, down = self.db.execute(
            "SELECT coalesce(sum(rating = 1), 0), coalesce(sum(rating = -1), 0) FROM ratings "
            "WHERE profile_id = ?",
            (profile_id,),
        ).fetchone()
        return LabelCounts(up, down)

    # --- papers ---------------------------------------------------------------------------------

    def record_seen(self, profile: str, papers: Iterable[Paper]) -> None:
        """Keep every paper a profile was asked to score: its text is the unlabelled corpus."""
        profile_id = self._profile_id(profile)
        stamp = now()
        papers = list(papers)
        with self.db:
            self._upsert_papers(papers, stamp)
            self.db.executemany(
                "INSERT OR IGNORE INTO seen (profile_id, paper_id, seen_at) VALUES (?, ?, ?)",
                [(profile_id, paper.id, stamp) for paper in papers],
            )

    def _upsert_papers(self, papers: list[Paper], stamp: str) -> None:
        self.db.executemany(_UPSERT_PAPER, [(p.id, p.title, p.abstract, p.url, stamp) for p in papers])

    def paper(self, paper_id: str) -> Paper | None:
        row = self.db.execute(
            "SELECT id, title, abstract, url FROM papers WHERE id = ?", (paper_id,)
        ).fetchone()
        return Paper(*row) if row else None

    def corpus(self, profile: str) -> pd.DataFrame:
        """Every paper this profile has seen or rated: id, title, abstract."""
        profile_id = self._profile_id(profile)
        return self._frame(
            """SELECT p.id, p.title, p.abstract FROM papers p WHERE p.id IN (
                   SELECT paper_id FROM seen WHERE profile_id = :pid
                   UNION SELECT paper_id FROM ratings WHERE profile_id = :pid)
               ORDER BY p.id""",
            {"pid": profile_id},
            ["id", "title", "abstract"],
        )

    def corpus_size(self, profile: str) -> int:
        """How many papers `corpus(profile)` holds, without loading them."""
        profile_id = self._profile_id(profile)
        return self.db.execute(
            """SELECT count(*) FROM (SELECT paper_id FROM seen WHERE profile_id = :pid
                                     UNION SELECT paper_id FROM ratings WHERE profile_id = :pid)""",
            {"pid": profile_id},
        ).fetchone()[0]

    def unrated_seen(self, profile: str, limit: int) -> pd.DataFrame:
        """The most recently seen papers this profile has not rated: id, title, abstract, url."""
        profile_id = self._profile_id(profile)
        return self._frame(
            """SELECT p.id, p.title, p.abstract, p.url FROM seen s JOIN papers p ON p.id = s.paper_id
               WHERE s.profile_id = :pid AND NOT EXISTS (
                   SELECT 1 FROM ratings r WHERE r.profile_id = :pid AND r.paper_id = s.paper_id)
               ORDER BY s.seen_at DESC, p.id LIMIT :limit""",
            {"pid": profile_id, "limit": limit},
            ["id", "title", "abstract", "url"],
        )

    def _frame(self, sql: str, params: dict, columns: list[str]) -> pd.DataFrame:
        rows = self.db.execute(sql, params).fetchall()
        return pd.DataFrame(rows, columns=columns).astype(
            {column: "object" for column in columns if column != "label"}
        )

    # --- ratings --------------------------------------------------------------------------------

    def set_rating(self, profile: str, paper: Paper, rating: int, rated_at: str | None = None) -> None:
        """Store a 👍 (1) or 👎 (-1), replacing this profile's earlier rating of the paper."""
        self.import_ratings(profile, [RatedPaper(paper, rating, rated_at or now())])

    def import_ratings(self, profile: str, rated: Iterable[RatedPaper]) -> int:
        """Store many ratings in one transaction (all or nothing); return how many."""
        profile_id = self._profile_id(profile)
        rated = list(rated)
        if any(item.rating not in (1, -1) for item in rated):
            raise StoreError("a rating must be 1 (👍) or -1 (👎)")
        stamp = now()
        with self.db:
            self._upsert_papers([item.paper for item in rated], stamp)
            self.db.executemany(
                """INSERT INTO ratings (profile_id, paper_id, rating, rated_at) VALUES (?, ?, ?, ?)
                   ON CONFLICT (profile_id, paper_id) DO UPDATE
                   SET rating = excluded.rating, rated_at = excluded.rated_at""",
                [(profile_id, item.paper.id, item.rating, item.rated_at) for item in rated],
            )
            self._bump_revision(profile_id)
        return len(rated)

    def delete_rating(self, profile: str, paper_id: str) -> None:
        profile_id = self._profile_id(profile)
        with self.db:
            deleted = self.db.execute(
                "DELETE FROM ratings WHERE profile_id = ? AND paper_id = ?", (profile_id, paper_id)
            ).rowcount
            if not deleted:
                raise UnknownRating(profile, paper_id)
            self._bump_revision(profile_id)

    def _bump_revision(self, profile_id: int) -> None:
        self.db.execute("UPDATE profiles SET revision = revision + 1 WHERE id = ?", (profile_id,))

    def ratings_of(self, profile: str, paper_ids: Iterable[str]) -> dict[str, int]:
        """This profile's current rating of each of these papers that it has rated."""
        profile_id = self._profile_id(profile)
        ids = list(paper_ids)
        ratings: dict[str, int] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            ratings.update(
                self.db.execute(
                    f"SELECT paper_id, rating FROM ratings WHERE profile_id = ? AND paper_id IN ({marks})",
                    (profile_id, *chunk),
                ).fetchall()
            )
        return ratings

    def labelled_papers(self, profile: str) -> pd.DataFrame:
        """This profile's rated papers as training data: id, title, abstract, label (1 👍, 0 👎)."""
        profile_id = self._profile_id(profile)
        frame = self._frame(
            """SELECT p.id, p.title, p.abstract, CASE r.rating WHEN 1 THEN 1 ELSE 0 END
               FROM ratings r JOIN papers p ON p.id = r.paper_id
               WHERE r.profile_id = :pid ORDER BY r.rated_at, p.id""",
            {"pid": profile_id},
            ["id", "title", "abstract", "label"],
        )
        return frame.astype({"label": "int64"})

    def ratings(self, profile: str, limit: int | None = None, offset: int = 0) -> list[RatedPaper]:
        """This profile's ratings with their papers, newest first."""
        profile_id = self._profile_id(profile)
        rows = self.db.execute(
            """SELECT p.id, p.title, p.abstract, p.url, r.rating, r.rated_at
               FROM ratings r JOIN papers p ON p.id = r.paper_id
               WHERE r.profile_id = ? ORDER BY r.rated_at DESC, p.id LIMIT ? OFFSET ?""",
            (profile_id, -1 if limit is None else limit, offset),
        ).fetchall()
        return [RatedPaper(Paper(*row[:4]), row[4], row[5]) for row in rows]
