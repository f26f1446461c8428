"""The SQLite store: profiles, papers (deduplicated by id), what each profile has seen, and ratings.

The only module that talks SQL. One `Store` wraps one connection; the Flask app keeps a few across
requests (server/store_pool.py), the CLI opens one per command, the embedding worker one for its thread.

Sentence vectors are kept per paper under an encoder key (name, version) as float16 BLOBs; a
`Store` reads and writes the vectors of its `encoder` key (by default the current encoder's, see
`current_encoder_key`), so vectors of an older encoder are never mixed in.
"""

from __future__ import annotations

import functools
import logging
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import numpy as np
import pandas as pd

from server.datadir import DATABASE_NAME, PRIVATE_DIR_MODE, is_disk_full, problem
from server.migrations import migrate

log = logging.getLogger(__name__)

DEFAULT_PROFILE = "default"
EMBEDDING_DIMENSIONS = 384
_VECTOR_DTYPE = np.dtype("<f2")  # float16, little-endian on every machine
_IDS_PER_QUERY = 900  # below SQLite's oldest limit on bound variables (999)


class StoreError(Exception):
    """Base of the store's errors; the message is meant for a person."""


class DataDirUnavailable(StoreError):
    """The data directory is read-only, gone or full (the message says which): the server answers
    503 and serves again once it is usable; nothing acknowledged before is lost."""


def unavailable(data_dir: Path, error: BaseException) -> DataDirUnavailable | None:
    """The `DataDirUnavailable` that explains this OS or SQLite error, or None when the data
    directory is fine (the error is something else)."""
    if not isinstance(error, (OSError, sqlite3.OperationalError, sqlite3.DatabaseError)):
        return None
    reason = problem(data_dir, error)
    return DataDirUnavailable(reason) if reason else None


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

    def as_dict(self) -> dict[str, str]:
        return {"id": self.id, "title": self.title, "abstract": self.abstract, "url": self.url}


class UnknownRule(StoreError):
    def __init__(self, profile: str, rule_id: int) -> None:
        super().__init__(f"profile {profile!r} has no rule {rule_id}")


class TooManyRules(StoreError):
    def __init__(self, profile: str, limit: int) -> None:
        super().__init__(f"profile {profile!r} has {limit} rules, the most it can have: delete one first")


@dataclass(frozen=True)
class Rule:
    """An "always highlight" / "always hide" rule of a profile (server/rules.py checks and matches)."""

    id: int
    action: str
    kind: str
    pattern: str
    field: str
    created_at: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "action": self.action,
            "kind": self.kind,
            "pattern": self.pattern,
            "field": self.field,
            "created_at": self.created_at,
        }


@dataclass(frozen=True)
class RatedPaper:
    paper: Paper
    rating: int
    rated_at: str


@dataclass(frozen=True)
class LabelCounts:
    up: int
    down: int

    @property
    def needed(self) -> int:
        """How many kinds of rating the profile still lacks before it can be scored (a model needs
        one 👍 and one 👎)."""
        return int(self.up == 0) + int(self.down == 0)

    def as_dict(self) -> dict[str, int]:
        return {"up": self.up, "down": self.down}


@dataclass(frozen=True)
class ProfileSummary:
    name: str
    created_at: str
    labels: LabelCounts
    papers_seen: int
    revision: int


@dataclass(frozen=True)
class EncoderKey:
    """Which encoder made a vector: a new name or version is a new key, and old vectors are ignored."""

    name: str
    version: str


@functools.cache
def current_encoder_key() -> EncoderKey | None:
    """The key of the encoder this installation ships, or None when model.embedding can't be imported
    (its packages missing): then no vectors are read or written, and every score is provisional."""
    try:
        from model.embedding import ENCODER_NAME, ENCODER_VERSION
    except Exception as error:  # ImportError, PackageNotFoundError, or a broken install
        log.warning("sentence embeddings are off: %s", error)
        return None
    return EncoderKey(ENCODER_NAME, ENCODER_VERSION)


def vector_to_blob(vector: np.ndarray) -> bytes:
    vector = np.asarray(vector, dtype=np.float32).reshape(-1)
    if vector.shape != (EMBEDDING_DIMENSIONS,) or not np.isfinite(vector).all():
        raise StoreError(f"an embedding must be {EMBEDDING_DIMENSIONS} finite numbers, not {vector.shape}")
    return vector.astype(_VECTOR_DTYPE).tobytes()


def blob_to_vector(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype=_VECTOR_DTYPE).astype(np.float32)


_DEFAULT = object()


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


_VECTOR_JOIN = """LEFT JOIN embeddings e ON e.paper_id = p.id
                  AND e.encoder = :encoder AND e.version = :version"""


class Store:
    def __init__(
        self,
        connection: sqlite3.Connection,
        encoder: Any = _DEFAULT,
        data_dir: Path | None = None,
        *,
        read_only: bool = False,
    ) -> None:
        self.db = connection
        self._encoder = encoder
        self.data_dir = data_dir
        self.read_only = read_only  # opened read-only because the data directory can't be written
        self.failed = False  # a write failed on this connection (server/store_pool.py drops it)
        self.writes = 0  # write transactions committed on this connection
        self._file_id = _file_id(data_dir / DATABASE_NAME) if data_dir is not None else None

    @property
    def encoder(self) -> EncoderKey | None:
        """The encoder key whose vectors this store reads (resolved on first use: importing the
        encoder's module costs a second that commands which never read vectors don't pay)."""
        if self._encoder is _DEFAULT:
            self._encoder = current_encoder_key()
        return self._encoder

    @classmethod
    def open(cls, data_dir: Path | str, *, setup: bool = True, encoder: Any = _DEFAULT) -> Store:
        """Open the database in `data_dir`; with `setup`, create or migrate it and its default profile.

        The server sets up once at start and then opens its requests' connections without it:
        such a connection never creates the directory or the database (a vanished data directory,
        an unmounted disk, is reported, not silently replaced by an empty one), and when the
        directory can't be written it opens the database read-only, so that reads are still
        served. Raises `DataDirUnavailable` when the directory is read-only (with `setup`), gone
        or full; `encoder` is the key whose vectors this connection reads (default: the current
        encoder's)."""
        data_dir = Path(data_dir)
        path = data_dir / DATABASE_NAME
        connection = None
        try:
            if setup:
                data_dir.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
            connection = _connect(path, "mode=rwc" if setup else "mode=rw")
            connection.execute("PRAGMA journal_mode = WAL")
            store = cls(connection, encoder, data_dir)
            if setup:
                migrate(connection)
                store.ensure_profile(DEFAULT_PROFILE)
            return store
        except (OSError, sqlite3.Error) as error:
            if connection is not None:
                connection.close()
            reason = unavailable(data_dir, error)
            if reason is None:
                raise
            if setup or is_disk_full(error) or not path.parent.is_dir() or not path.exists():
                raise reason from None
            return cls._open_read_only(data_dir, encoder, reason)

    @classmethod
    def _open_read_only(cls, data_dir: Path, encoder: Any, reason: DataDirUnavailable) -> Store:
        """The database opened read-only (writes raise `DataDirUnavailable`). A WAL database can be
        read from a read-only directory while its -wal file is there; without one, every change is
        in the database file itself, which `immutable` then reads without any lock file."""
        path = data_dir / DATABASE_NAME
        modes = ["mode=ro"]
        if not path.with_name(DATABASE_NAME + "-wal").exists():
            modes.append("mode=ro&immutable=1")
        for mode in modes:
            connection = None
            try:
                connection = _connect(path, mode)
                connection.execute("SELECT count(*) FROM profiles").fetchone()
            except sqlite3.Error:
                if connection is not None:
                    connection.close()
                continue
            log.warning("serving reads only: %s", reason)
            return cls(connection, encoder, data_dir, read_only=True)
        raise reason

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def is_current_file(self) -> bool:
        """Whether the database file this connection has open is still the one at its path (not
        deleted, or replaced by a restored copy): a long-lived connection reopens when it is not."""
        if self._file_id is None or self.data_dir is None:
            return True
        return _file_id(self.data_dir / DATABASE_NAME) == self._file_id

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """A write transaction (committed, or rolled back on error); a write the data directory can't
        take (read-only, gone, disk full) raises `DataDirUnavailable`, and nothing of it is kept."""
        try:
            with self.db:
                yield
        except (OSError, sqlite3.OperationalError) as error:
            self.failed = True
            reason = unavailable(self.data_dir, error) if self.data_dir is not None else None
            if reason is None:
                raise
            raise reason from None
        self.writes += 1

    # --- profiles -------------------------------------------------------------------------------

    def ensure_profile(self, name: str) -> None:
        with self._writing():
            self.db.execute("INSERT OR IGNORE INTO profiles (name, created_at) VALUES (?, ?)", (name, now()))

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
            _warn_now_and_then(f"papers seen are not kept: {error}")
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
        for start in range(0, len(papers), _IDS_PER_QUERY):
            chunk = [paper.id for paper in papers[start : start + _IDS_PER_QUERY]]
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

    def _upsert_papers(self, papers: list[Paper], stamp: str) -> None:
        self.db.executemany(_UPSERT_PAPER, [(p.id, p.title, p.abstract, p.url, stamp) for p in papers])

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
            f"""SELECT p.id, p.title, p.abstract, e.vector FROM papers p {_VECTOR_JOIN} WHERE p.id IN (
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
            f"""SELECT p.id, p.title, p.abstract, e.vector FROM papers p {_VECTOR_JOIN} WHERE p.id IN (
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
               FROM seen s JOIN papers p ON p.id = s.paper_id {_VECTOR_JOIN}
               WHERE s.profile_id = :pid AND NOT EXISTS (
                   SELECT 1 FROM ratings r WHERE r.profile_id = :pid AND r.paper_id = s.paper_id)
               ORDER BY s.seen_at DESC, p.id LIMIT :limit""",
            {"pid": profile_id, "limit": limit, **self._key_params()},
            ["id", "title", "abstract", "url", "embedding"],
        )

    def _frame(self, sql: str, params: dict, columns: list[str]) -> pd.DataFrame:
        return self._rows_frame(self.db.execute(sql, params).fetchall(), columns)

    @staticmethod
    def _rows_frame(rows: list, columns: list[str]) -> pd.DataFrame:
        frame = pd.DataFrame(rows, columns=columns).astype(
            {column: "object" for column in columns if column != "label"}
        )
        if "embedding" in frame.columns:
            frame["embedding"] = pd.Series(
                [None if blob is None else blob_to_vector(blob) for blob in frame["embedding"]],
                index=frame.index,
                dtype="object",
            )
        return frame

    # --- embeddings -----------------------------------------------------------------------------

    def _key_params(self, encoder: Any = _DEFAULT) -> dict[str, str | None]:
        key = self.encoder if encoder is _DEFAULT else encoder
        if key is None:  # no encoder: NULL matches no stored vector
            return {"encoder": None, "version": None}
        return {"encoder": key.name, "version": key.version}

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
        for start in range(0, len(ids), _IDS_PER_QUERY):
            chunk = ids[start : start + _IDS_PER_QUERY]
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
            among = list(dict.fromkeys(among))[:_IDS_PER_QUERY]
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

    def embedding_count(self, encoder: Any = _DEFAULT) -> int:
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

    # --- ratings --------------------------------------------------------------------------------

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
               FROM ratings r JOIN papers p ON p.id = r.paper_id {_VECTOR_JOIN}
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


def _connect(path: Path, mode: str) -> sqlite3.Connection:
    uri = f"file:{quote(str(path))}?{mode}"
    connection = sqlite3.connect(uri, uri=True, timeout=15, check_same_thread=False)
    connection.execute("PRAGMA foreign_keys = ON")
    connection.execute("PRAGMA synchronous = NORMAL")
    return connection


def _file_id(path: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


_last_warning = [float("-inf")]


def _warn_now_and_then(message: str, every: float = 60.0) -> None:
    if time.monotonic() - _last_warning[0] >= every:
        _last_warning[0] = time.monotonic()
        log.warning(message)
