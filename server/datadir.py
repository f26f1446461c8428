"""The data directory as a place on disk: what is wrong with it when the database can't be used (in
words for a person), the one-server lock, and its permissions.

The server answers 503 with `problem()`'s words while the directory is read-only, gone or full, and
serves again as soon as it is usable: nothing here is cached."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import sqlite3
import stat
from pathlib import Path

LOCK_FILE = "papersieve.lock"
DATABASE_NAME = "papersieve.sqlite3"
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600

_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}
_READ_ONLY_ERRNOS = {errno.EROFS, errno.EACCES, errno.EPERM}


def is_disk_full(error: BaseException | None) -> bool:
    if isinstance(error, sqlite3.Error):
        return getattr(error, "sqlite_errorname", "") == "SQLITE_FULL" or "disk is full" in str(error)
    return isinstance(error, OSError) and error.errno in _FULL_ERRNOS


def full_message(data_dir: Path) -> str:
    return (
        f"the disk holding the data directory {data_dir} is full: papersieve cannot save ratings "
        "until space is freed (nothing already saved is lost)"
    )


def problem(data_dir: Path | str, error: BaseException | None = None) -> str | None:
    """Why the database in `data_dir` cannot be used, in words, or None when the directory looks
    fine (then `error`, if any, is some other failure). Probes the disk: call it on errors only."""
    data_dir = Path(data_dir)
    if is_disk_full(error):
        return full_message(data_dir)
    try:
        info = data_dir.stat()
    except FileNotFoundError:
        return (
            f"the data directory {data_dir} is gone (deleted, moved or its disk unmounted): "
            "papersieve cannot read or save ratings until it is back"
        )
    except OSError as stat_error:
        return f"the data directory {data_dir} cannot be read: {stat_error.strerror or stat_error}"
    if not stat.S_ISDIR(info.st_mode):
        return f"the data directory {data_dir} is not a directory"
    probe = data_dir / f".papersieve-write-test-{os.getpid()}"
    try:
        descriptor = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
        try:
            os.write(descriptor, b"x")
        finally:
            os.close(descriptor)
            probe.unlink()
    except FileExistsError:
        probe.unlink(missing_ok=True)
    except OSError as write_error:
        return _write_problem(data_dir, write_error)
    database = data_dir / DATABASE_NAME
    for path in (database, database.with_name(DATABASE_NAME + "-wal")):
        try:
            os.close(os.open(path, os.O_RDWR))  # no O_CREAT, no O_TRUNC: changes nothing
        except FileNotFoundError:
            continue
        except OSError as open_error:
            if open_error.errno in _READ_ONLY_ERRNOS:
                return (
                    f"the database file {path} is read-only: papersieve cannot save ratings "
                    "until it is writable again"
                )
            return f"the database file {path} cannot be opened: {open_error.strerror or open_error}"
    return None


def _write_problem(data_dir: Path, error: OSError) -> str:
    if error.errno in _FULL_ERRNOS:
        return full_message(data_dir)
    if error.errno == errno.EROFS:
        return (
            f"the data directory {data_dir} is read-only (its filesystem is mounted read-only): "
            "papersieve cannot save ratings until it is writable again"
        )
    if error.errno in (errno.EACCES, errno.EPERM):
        return (
            f"the data directory {data_dir} is read-only (no permission to write there): "
            "papersieve cannot save ratings until it is writable again"
        )
    return f"the data directory {data_dir} cannot be written: {error.strerror or error}"


# --- one server per data directory ---------------------------------------------------------------


class DataDirBusy(Exception):
    """Another process holds the data directory's server lock."""


class ServerLock:
    """An exclusive `flock` on `<data dir>/papersieve.lock`, which holds the owner's pid. The kernel
    releases it when the process ends, however it ends (kill -9 included).

    `release` empties the file, so a pid found in a lock that is free names a server that ended
    without stopping (killed or crashed): `previous_holder` after `acquire`."""

    def __init__(self, data_dir: Path | str) -> None:
        self.path = Path(data_dir) / LOCK_FILE
        self._descriptor: int | None = None
        self.previous_holder: str | None = None

    def acquire(self) -> ServerLock:
        descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT, PRIVATE_FILE_MODE)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(descriptor, 32, 0).decode("ascii", "replace").strip() or "unknown"
            os.close(descriptor)
            raise DataDirBusy(
                f"another papersieve server (pid {holder}) is already serving the data directory "
                f"{self.path.parent}: stop it first, or pass another --data-dir"
            ) from None
        except BaseException:
            os.close(descriptor)
            raise
        left = os.pread(descriptor, 32, 0).decode("ascii", "replace").strip()
        self.previous_holder = left or None
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, f"{os.getpid()}\n".encode("ascii"), 0)
        self._descriptor = descriptor
        return self

    def release(self) -> None:
        if self._descriptor is not None:
            # A clean stop leaves no pid behind (on a read-only or full disk the next start just
            # says it took over).
            with contextlib.suppress(OSError):
                os.ftruncate(self._descriptor, 0)
            os.close(self._descriptor)  # closing the only descriptor drops the flock
            self._descriptor = None


# --- permissions ---------------------------------------------------------------------------------


def tighten_permissions(data_dir: Path | str, token_file: Path | str) -> list[str]:
    """Make the data directory 0700 and the token file 0600 when group or others may read them;
    return a sentence for each change (empty when nothing needed changing). Raises OSError when a
    too-open mode cannot be changed (e.g. the file belongs to someone else)."""
    changes = []
    for path, mode, what in (
        (Path(data_dir), PRIVATE_DIR_MODE, "data directory"),
        (Path(token_file), PRIVATE_FILE_MODE, "token file"),
    ):
        try:
            current = stat.S_IMODE(path.stat().st_mode)
        except FileNotFoundError:
            continue
        if current & 0o077:
            path.chmod(mode)
            change = f"the {what} {path} was open to other users (mode {current:o}): made it {mode:o}"
            if what == "token file":
                change += " (if someone may have read it, `papersieve token --rotate` makes a new one)"
            changes.append(change)
    return changes
