"""The store's sentence vectors: saved per paper under an encoder key, read for pages and corpora,
and the backlog of papers still without one (server/embedding_worker.py embeds it)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from server.store_connection import DEFAULT, StoreConnection
from server.store_records import IDS_PER_QUERY, EncoderKey, Paper, blob_to_vector, now, vector_to_blob


class EmbeddingTable(StoreConnection):
    """Vectors of papers, keyed by (paper, encoder name, encoder version)."""

    def save_embeddings(self, encoder: EncoderKey, embedded: Iterable[tuple[Paper, np.ndarray]]) -> int:
        """Store each paper's vector under `encoder`, in one transaction; return how many were saved.

        A vector is saved only while the paper's stored title and abstract are still the text it
        was computed from (a page may have brought the abstract meanwhile), else it is dropped and
        the paper stays in the backlog."""
        stamp = now()
        rows = [
            (
                paper.id,
                encoder.name,
                encoder.version,
                vector_to_blob(vector),
                stamp,
                paper.id,
                paper.title,
                paper.abstract,
            )
            for paper, vector in embedded
        ]
        with self._writing():
            before = self.db.total_changes
            self.db.executemany(
                """INSERT INTO embeddings (paper_id, encoder, version, vector, embedded_at)
                   SELECT ?, ?, ?, ?, ? FROM papers WHERE id = ? AND title = ? AND abstract = ?
                   ON CONFLICT (paper_id, encoder, version) DO UPDATE
                   SET vector = excluded.vector, embedded_at = excluded.embedded_at""",
                rows,
            )
            return self.db.total_changes - before

    def embeddings_for(self, paper_ids: Sequence[str]) -> dict[str, np.ndarray]:
        """The stored float32 vector of each of these papers that has one (one query for up to 900
        ids); papers without a vector are absent."""
        ids = list(dict.fromkeys(paper_ids))
        params = self._key_params()
        found: dict[str, np.ndarray] = {}
        if params["encoder"] is None:
            return found
        for start in range(0, len(ids), IDS_PER_QUERY):
            chunk = ids[start : start + IDS_PER_QUERY]
            marks = ",".join("?" * len(chunk))
            rows = self.db.execute(
                f"SELECT paper_id, vector FROM embeddings WHERE encoder = ? AND version = ? "
                f"AND paper_id IN ({marks})",
                (params["encoder"], params["version"], *chunk),
            ).fetchall()
            found.update((paper_id, blob_to_vector(blob)) for paper_id, blob in rows)
        return found

    def papers_without_embeddings(
        self, encoder: EncoderKey, limit: int, among: Sequence[str] | None = None
    ) -> list[Paper]:
        """Papers with no vector under `encoder` (the backlog), most recently first seen first;
        with `among`, only those of these ids (in any order)."""
        params: list = [encoder.name, encoder.version]
        where = ""
        if among is not None:
            among = list(dict.fromkeys(among))[:IDS_PER_QUERY]
            if not among:
                return []
            where = f"AND p.id IN ({','.join('?' * len(among))})"
            params.extend(among)
        rows = self.db.execute(
            f"""SELECT p.id, p.title, p.abstract, p.url FROM papers p
                WHERE NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.paper_id = p.id
                                  AND e.encoder = ? AND e.version = ?) {where}
                ORDER BY p.first_seen DESC, p.id LIMIT ?""",
            (*params, limit),
        ).fetchall()
        return [Paper(*row) for row in rows]

    def embedding_count(self, encoder: Any = DEFAULT) -> int:
        """How many papers have a vector under `encoder` (default: this store's)."""
        params = self._key_params(encoder)
        return self.db.execute(
            "SELECT count(*) FROM embeddings WHERE encoder = :encoder AND version = :version", params
        ).fetchone()[0]

    def paper_count(self) -> int:
        return self.db.execute("SELECT count(*) FROM papers").fetchone()[0]

    def labelled_embedding_count(self, profile: str) -> int:
        """How many of this profile's rated papers have a vector: the model refits when it changes."""
        profile_id = self._profile_id(profile)
        return self.db.execute(
            """SELECT count(*) FROM ratings r JOIN embeddings e ON e.paper_id = r.paper_id
               WHERE r.profile_id = :pid AND e.encoder = :encoder AND e.version = :version""",
            {"pid": profile_id, **self._key_params()},
        ).fetchone()[0]

    def delete_embeddings_except(self, encoder: EncoderKey) -> int:
        """Forget the vectors of every other encoder key (they are never read again); return how many."""
        with self._writing():
            return self.db.execute(
                "DELETE FROM embeddings WHERE encoder <> ? OR version <> ?", (encoder.name, encoder.version)
            ).rowcount
