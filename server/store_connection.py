"""The store's connection: open the data directory's database (created and migrated, or read-only
when the directory can't be written), write transactions that report an unusable data directory,
and the frame and encoder-key helpers the table methods (server/store.py) share."""

from __future__ import annotations

import logging
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Self
from urllib.parse import quote

import pandas as pd

from server.datadir import DATABASE_NAME, PRIVATE_DIR_MODE, is_disk_full
from server.migrations import migrate
from server.store_records import (
    DEFAULT_PROFILE,
    DataDirUnavailable,
    EncoderKey,
    Paper,
    UnknownProfile,
    blob_to_vector,
    current_encoder_key,
    now,
    unavailable,
)

log = logging.getLogger("server.store")

DEFAULT = object()  # "this store's encoder key"

UPSERT_PAPER = """
    INSERT INTO papers (id, title, abstract, url, first_seen) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (id) DO UPDATE SET
        title = CASE WHEN excluded.title <> '' THEN excluded.title ELSE papers.title END,
        abstract = CASE WHEN excluded.abstract <> '' THEN excluded.abstract ELSE papers.abstract END,
        url = CASE WHEN excluded.url <> '' THEN excluded.url ELSE papers.url END
    WHERE excluded.title <> '' OR excluded.abstract <> '' OR excluded.url <> ''
"""


VECTOR_JOIN = """LEFT JOIN embeddings e ON e.paper_id = p.id
                  AND e.encoder = :encoder AND e.version = :version"""


class StoreConnection:
    """One SQLite connection to a data directory's database: opening it (read-only when the directory
    can't be written), write transactions, and the helpers every table's methods share."""

    def __init__(
        self,
        connection: sqlite3.Connection,
        encoder: Any = DEFAULT,
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
        if self._encoder is DEFAULT:
            self._encoder = current_encoder_key()
        return self._encoder

    @classmethod
    def open(cls, data_dir: Path | str, *, setup: bool = True, encoder: Any = DEFAULT) -> Self:
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
    def _open_read_only(cls, data_dir: Path, encoder: Any, reason: DataDirUnavailable) -> Self:
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

    def __enter__(self) -> Self:
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

    def ensure_profile(self, name: str) -> None:
        with self._writing():
            self.db.execute("INSERT OR IGNORE INTO profiles (name, created_at) VALUES (?, ?)", (name, now()))

    def _profile_id(self, name: str) -> int:
        row = self.db.execute("SELECT id FROM profiles WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise UnknownProfile(name)
        return row[0]

    def _key_params(self, encoder: Any = DEFAULT) -> dict[str, str | None]:
        key = self.encoder if encoder is DEFAULT else encoder
        if key is None:  # no encoder: NULL matches no stored vector
            return {"encoder": None, "version": None}
        return {"encoder": key.name, "version": key.version}

    def _upsert_papers(self, papers: list[Paper], stamp: str) -> None:
        self.db.executemany(UPSERT_PAPER, [(p.id, p.title, p.abstract, p.url, stamp) for p in papers])

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


def warn_now_and_then(message: str, every: float = 60.0) -> None:
    if time.monotonic() - _last_warning[0] >= every:
        _last_warning[0] = time.monotonic()
        log.warning(message)
