"""Store connections kept open between requests: opening one per request cost a connect, its
pragmas and a cold page cache (SQLite's cache is per connection) on every call.

A kept connection is used again only while nothing could make it differ from a fresh one:
- its database file is still the one at the path (not deleted, moved away with its directory, or
  replaced by a restored copy), and the directory, the database and its -wal file can still be
  written (not remounted read-only or made read-only): one `stat` and three `access` calls each
  time it is handed out;
- it is not left inside a transaction, was opened read-write and none of its writes failed: a
  read-only connection (the directory could not be written when it opened) and one whose write
  failed (read-only, gone, full) are closed after their request;
- the data directory has had no fault since: after one, every request opens a connection of its
  own, as a server without this pool does, until one of them commits a write again. So a fault's
  503 and the recovery from it look exactly as they do with a connection per request.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from server.datadir import DATABASE_NAME
from server.store import Store

MAX_IDLE = 8  # waitress's 4 threads, and room for the test client's


def _writable(data_dir: Path) -> bool:
    """Whether the directory, the database and its -wal file (if any) can be written now: a kept
    connection's open file stays writable under a read-only remount or a chmod, a new one's doesn't."""
    database = data_dir / DATABASE_NAME
    wal = database.with_name(DATABASE_NAME + "-wal")
    return (
        os.access(data_dir, os.W_OK)
        and os.access(database, os.W_OK)
        and (os.access(wal, os.W_OK) or not wal.exists())
    )


class StorePool:
    """Idle `Store` connections to one data directory, the most recently used handed out first."""

    def __init__(self, data_dir: Path | str, max_idle: int = MAX_IDLE) -> None:
        self.data_dir = Path(data_dir)
        self.max_idle = max_idle
        self._idle: list[Store] = []
        self._lock = threading.Lock()
        self._fault = False  # a fault since the last committed write: no connection is kept
        self._closed = False

    def __len__(self) -> int:
        return len(self._idle)

    def acquire(self) -> Store:
        """A connection for one request: a kept one whose file is still current, else a new one
        (`Store.open(setup=False)`, which raises `DataDirUnavailable` as it always did)."""
        while True:
            with self._lock:
                store = self._idle.pop() if self._idle else None
            if store is None:
                return Store.open(self.data_dir, setup=False)
            if store.is_current_file() and _writable(self.data_dir):
                return store
            store.close()

    def release(self, store: Store, error: BaseException | None = None) -> None:
        """Keep `store` for a later request when it is as good as a fresh connection, else close it."""
        keep = error is None and not store.read_only and not store.failed and not store.db.in_transaction
        dropped = [store]
        with self._lock:
            if store.failed or store.read_only:
                self._fault = True
                dropped += self._idle  # kept before the fault: none is handed out again
                self._idle = []
            elif store.writes:
                self._fault = False  # a write went through: the directory serves again
            if keep and not self._fault and not self._closed and len(self._idle) < self.max_idle:
                self._idle.append(store)
                return
        for each in dropped:
            each.close()

    def clear(self) -> None:
        """Close the idle connections; later ones are kept again."""
        with self._lock:
            idle, self._idle = self._idle, []
        for store in idle:
            store.close()

    def close(self) -> None:
        """Close every idle connection; connections released later are closed too."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for store in idle:
            store.close()
