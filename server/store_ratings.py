"""What a reader said: a profile's 👍/👎 ratings (each rating bumps the profile's revision, which
tells the server to refit) and its always-highlight / always-hide rules."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from server.store_connection import VECTOR_JOIN
from server.store_embeddings import EmbeddingTable
from server.store_records import (
    Paper,
    RatedPaper,
    Rule,
    StoreError,
    TooManyRules,
    UnknownRating,
    UnknownRule,
    now,
)


class RatingTable(EmbeddingTable):
    """Ratings and rules of profiles."""

    def set_rating(self, profile: str, paper: Paper, rating: int, rated_at: str | None = None) -> None:
        """Store a 👍 (1) or 👎 (-1), replacing this profile's earlier rating of the paper."""
        self.import_ratings(profile, [RatedPaper(paper, rating, rated_at or now())])

    def import_ratings(self, profile: str, rated: Iterable[RatedPaper]) -> int:
        """Store many ratings in one transaction (all or nothing); return how many."""
        profile_id = self._profile_id(profile)
        rated = list(rated)
        if not rated:  # nothing changes: no new revision, no needless refit
            return 0
        if any(item.rating not in (1, -1) for item in rated):
            raise StoreError("a rating must be 1 (👍) or -1 (👎)")
        stamp = now()
        with self._writing():
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
        with self._writing():
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

    def labelled_papers(
        self, profile: str, known_vectors: Mapping[tuple[str, str, str], np.ndarray] | None = None
    ) -> pd.DataFrame:
        """This profile's rated papers as training data: id, title, abstract, embedding (vector or
        None, see `corpus`), label (1 👍, 0 👎).

        `known_vectors` (by id, title and abstract: the vectors a caller read before) are not read
        again: only the other papers' vectors are fetched (the join of every rating's vector is most
        of the query's time)."""
        profile_id = self._profile_id(profile)
        if known_vectors is not None:
            rows = self.db.execute(
                """SELECT p.id, p.title, p.abstract, CASE r.rating WHEN 1 THEN 1 ELSE 0 END
                   FROM ratings r JOIN papers p ON p.id = r.paper_id
                   WHERE r.profile_id = ? ORDER BY r.rated_at, p.id""",
                (profile_id,),
            ).fetchall()
            fetched = self.embeddings_for([row[0] for row in rows if tuple(row[:3]) not in known_vectors])
            vectors = [known_vectors.get(tuple(row[:3]), fetched.get(row[0])) for row in rows]
            frame = pd.DataFrame(
                {
                    "id": pd.Series([row[0] for row in rows], dtype="object"),
                    "title": pd.Series([row[1] for row in rows], dtype="object"),
                    "abstract": pd.Series([row[2] for row in rows], dtype="object"),
                    "embedding": pd.Series(vectors, dtype="object"),
                    "label": pd.Series([row[3] for row in rows], dtype="int64"),
                }
            )
            return frame
        frame = self._frame(
            f"""SELECT p.id, p.title, p.abstract, e.vector, CASE r.rating WHEN 1 THEN 1 ELSE 0 END
               FROM ratings r JOIN papers p ON p.id = r.paper_id {VECTOR_JOIN}
               WHERE r.profile_id = :pid ORDER BY r.rated_at, p.id""",
            {"pid": profile_id, **self._key_params()},
            ["id", "title", "abstract", "embedding", "label"],
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

    # --- rules ----------------------------------------------------------------------------------

    def rules(self, profile: str) -> list[Rule]:
        """This profile's rules, oldest first."""
        rows = self.db.execute(
            "SELECT id, action, kind, pattern, field, created_at FROM rules WHERE profile_id = ? ORDER BY id",
            (self._profile_id(profile),),
        ).fetchall()
        return [Rule(*row) for row in rows]

    def add_rules(
        self,
        profile: str,
        rules: Iterable[tuple[str, str, str, str]],
        limit: int,
        *,
        skip_existing: bool = False,
    ) -> list[Rule]:
        """Store (action, kind, pattern, field) rules in one transaction; raises `TooManyRules` past
        `limit` rules (nothing kept). With `skip_existing`, a rule the profile has already is left out."""
        profile_id = self._profile_id(profile)
        wanted = list(dict.fromkeys(rules))
        with self._writing():
            have = {
                tuple(row)
                for row in self.db.execute(
                    "SELECT action, kind, pattern, field FROM rules WHERE profile_id = ?", (profile_id,)
                )
            }
            if skip_existing:
                wanted = [rule for rule in wanted if rule not in have]
            if len(have) + len(wanted) > limit:
                raise TooManyRules(profile, limit)
            ids = [
                self.db.execute(
                    "INSERT INTO rules (profile_id, action, kind, pattern, field, created_at) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (profile_id, *rule, now()),
                ).lastrowid
                for rule in wanted
            ]
        return [rule for rule in self.rules(profile) if rule.id in ids]

    def delete_rule(self, profile: str, rule_id: int) -> None:
        profile_id = self._profile_id(profile)
        with self._writing():
            deleted = self.db.execute(
                "DELETE FROM rules WHERE profile_id = ? AND id = ?", (profile_id, rule_id)
            ).rowcount
        if not deleted:
            raise UnknownRule(profile, rule_id)
