"""The SQLite store: profiles, papers (deduplicated by id), what each profile has seen, and ratings.

These modules alone talk SQL: this one (profiles, papers, corpora), store_connection.py (opening,
transactions), store_embeddings.py (vectors) and store_ratings.py (ratings, rules); `Store` has
them all. One `Store` wraps one connection; the Flask app keeps a few across requests
(server/store_pool.py), the CLI opens one per command, the embedding worker one for its thread.

Sentence vectors are kept per paper under an encoder key (name, version) as float16 BLOBs; a
`Store` reads and writes the vectors of its `encoder` key (by default the current encoder's, see
`current_encoder_key`), so vectors of an older encoder are never mixed in.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator

import pandas as pd

from server.store_connection import VECTOR_JOIN, StoreConnection, warn_now_and_then
from server.store_ratings import RatingTable
from server.store_records import (
    DEFAULT_PROFILE,
    EMBEDDING_DIMENSIONS,
    IDS_PER_QUERY,
    DataDirUnavailable,
    EncoderKey,
    LabelCounts,
    Paper,
    ProfileExists,
    ProfileSummary,
    RatedPaper,
    Rule,
    StoreError,
    TooManyRules,
    UnknownProfile,
    UnknownRating,
    UnknownRule,
    blob_to_vector,
    current_encoder_key,
    now,
    vector_to_blob,
)

__all__ = [
    "DEFAULT_PROFILE",
    "EMBEDDING_DIMENSIONS",
    "DataDirUnavailable",
    "EncoderKey",
    "LabelCounts",
    "Paper",
    "ProfileExists",
    "ProfileSummary",
    "RatedPaper",
    "Rule",
    "Store",
    "StoreConnection",
    "StoreError",
    "TooManyRules",
    "UnknownProfile",
    "UnknownRating",
    "UnknownRule",
    "blob_to_vector",
    "current_encoder_key",
    "now",
    "vector_to_blob",
]


class Store(RatingTable):
    """Profiles, the papers they have seen (their corpora), and, through its bases, the papers'
    vectors, the profiles' ratings and rules."""

    # --- profiles -------------------------------------------------------------------------------

    def create_profile(self, name: str) -> ProfileSummary:
        try:
            with self._writing():
                self.db.execute("INSERT INTO profiles (name, created_at) VALUES (?, ?)", (name, now()))
        except sqlite3.IntegrityError:
            raise ProfileExists(name) from None
        return self.profile(name)

    def delete_profile(self, name: str) -> None:
        with self._writing():
            deleted = self.db.execute("DELETE FROM profiles WHERE name = ?", (name,)).rowcount
        if not deleted:
            raise UnknownProfile(name)

    def rename_profile(self, name: str, new_name: str) -> ProfileSummary:
        """Give a profile a new name, keeping its ratings and what it has seen."""
        try:
            with self._writing():
                renamed = self.db.execute(
                    "UPDATE profiles SET name = ? WHERE name = ?", (new_name, name)
                ).rowcount
        except sqlite3.IntegrityError:
            raise ProfileExists(new_name) from None
        if not renamed:
            raise UnknownProfile(name)
        return self.profile(new_name)

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

    def record_seen(self, profile: str, papers: Iterable[Paper]) -> bool:
        """Keep every paper a profile was asked to score: its text is the unlabelled corpus. False
        when they could not be kept (the data directory can't be written)."""
        profile_id = self._profile_id(profile)
        stamp = now()
        papers = list(papers)
        if self._recorded_already(profile_id, papers):  # a page scored again: a read, not a write
            return True
        try:
            with self._writing():
                self._upsert_papers(papers, stamp)
                self.db.executemany(
                    "INSERT OR IGNORE INTO seen (profile_id, paper_id, seen_at) VALUES (?, ?, ?)",
                    [(profile_id, paper.id, stamp) for paper in papers],
                )
        except DataDirUnavailable as error:  # scoring goes on; these papers just aren't kept
            warn_now_and_then(f"papers seen are not kept: {error}")
            return False
        return True

    def state(self) -> tuple[int, int]:
        """A token that differs whenever the database may have changed since it was last taken:
        another connection committed (SQLite's data_version) or this one changed a row."""
        return self.db.execute("PRAGMA data_version").fetchone()[0], self.db.total_changes

    def _recorded_already(self, profile_id: int, papers: list[Paper]) -> bool:
        """Whether recording these papers would change nothing: each is stored, seen by the profile,
        and every non-empty field it brings equals the stored one (the upsert would keep them all)."""
        stored: dict[str, tuple] = {}
        for start in range(0, len(papers), IDS_PER_QUERY):
            chunk = [paper.id for paper in papers[start : start + IDS_PER_QUERY]]
            rows = self.db.execute(
                f"""SELECT p.id, p.title, p.abstract, p.url FROM papers p JOIN seen s
                    ON s.paper_id = p.id AND s.profile_id = ? WHERE p.id IN ({",".join("?" * len(chunk))})""",
                (profile_id, *chunk),
            ).fetchall()
            stored.update((row[0], row[1:]) for row in rows)
        for paper in papers:
            known = stored.get(paper.id)
            if known is None or any(
                value and value != old
                for value, old in zip((paper.title, paper.abstract, paper.url), known, strict=True)
            ):
                return False
        return True

    def paper(self, paper_id: str) -> Paper | None:
        row = self.db.execute(
            "SELECT id, title, abstract, url FROM papers WHERE id = ?", (paper_id,)
        ).fetchone()
        return Paper(*row) if row else None

    def corpus(self, profile: str) -> pd.DataFrame:
        """Every paper this profile has seen or rated: id, title, abstract, embedding (a float32
        vector of this store's encoder, or None when the paper has none yet)."""
        profile_id = self._profile_id(profile)
        return self._frame(
            f"""SELECT p.id, p.title, p.abstract, e.vector FROM papers p {VECTOR_JOIN} WHERE p.id IN (
                   SELECT paper_id FROM seen WHERE profile_id = :pid
                   UNION SELECT paper_id FROM ratings WHERE profile_id = :pid)
               ORDER BY p.id""",
            {"pid": profile_id, **self._key_params()},
            ["id", "title", "abstract", "embedding"],
        )

    def corpus_chunks(self, profile: str, size: int = 2_000) -> Iterator[pd.DataFrame]:
        """`corpus(profile)` as frames of at most `size` papers, read one at a time from one query
        (a large corpus is never in memory at once)."""
        profile_id = self._profile_id(profile)
        cursor = self.db.execute(
            f"""SELECT p.id, p.title, p.abstract, e.vector FROM papers p {VECTOR_JOIN} WHERE p.id IN (
                   SELECT paper_id FROM seen WHERE profile_id = :pid
                   UNION SELECT paper_id FROM ratings WHERE profile_id = :pid)
               ORDER BY p.id""",
            {"pid": profile_id, **self._key_params()},
        )
        while rows := cursor.fetchmany(size):
            yield self._rows_frame(rows, ["id", "title", "abstract", "embedding"])

    def corpus_size(self, profile: str) -> int:
        """How many papers `corpus(profile)` holds, without loading them."""
        return self.corpus_counts(profile)[0]

    def corpus_counts(self, profile: str) -> tuple[int, int]:
        """How many papers `corpus(profile)` holds, and how many of them have a vector (one query)."""
        profile_id = self._profile_id(profile)
        size, embedded = self.db.execute(
            """SELECT count(*), count(e.paper_id) FROM (
                    SELECT paper_id FROM seen WHERE profile_id = :pid
                    UNION SELECT paper_id FROM ratings WHERE profile_id = :pid) p
                LEFT JOIN embeddings e ON e.paper_id = p.paper_id
                    AND e.encoder = :encoder AND e.version = :version""",
            {"pid": profile_id, **self._key_params()},
        ).fetchone()
        return size, embedded

    def unrated_seen(self, profile: str, limit: int) -> pd.DataFrame:
        """The most recently seen papers this profile has not rated: id, title, abstract, url, embedding."""
        profile_id = self._profile_id(profile)
        return self._frame(
            f"""SELECT p.id, p.title, p.abstract, p.url, e.vector
               FROM seen s JOIN papers p ON p.id = s.paper_id {VECTOR_JOIN}
               WHERE s.profile_id = :pid AND NOT EXISTS (
                   SELECT 1 FROM ratings r WHERE r.profile_id = :pid AND r.paper_id = s.paper_id)
               ORDER BY s.seen_at DESC, p.id LIMIT :limit""",
            {"pid": profile_id, "limit": limit, **self._key_params()},
            ["id", "title", "abstract", "url", "embedding"],
        )
