"""Saving and loading fitted classifiers: the only module that touches joblib.

File layout: MAGIC, an 8-byte big-endian header length, a JSON header (schema version, library
versions, the caller's metadata, the payload's length and SHA-256), then the joblib payload.
`load_model` checks the magic, the header, the versions and the digest before unpickling, so
a truncated, corrupted or foreign file is refused without running any of its contents.

`save_model` writes a temporary file, fsyncs it and renames it over the target (then fsyncs the
directory): a process killed at any moment leaves the old file or the new one, never half of one,
plus at worst a temporary file that `remove_stale_temp_files` deletes at the next start.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import platform
import struct
import tempfile
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import scipy
import sklearn

MAGIC = b"PAPERSIEVE-MODEL\n"
SCHEMA_VERSION = 3  # 2: corpus features carry a neighbour index; 3: the embedding block, and the
# term and latent spaces in model/term_space.py and model/latent_space.py (pickled class paths)
_LENGTH = struct.Struct(">Q")
_MAX_HEADER = 1 << 20
TEMP_SUFFIX = ".tmp"  # a save writes `.<name>.<random>.tmp` beside its target, then renames it


class ModelLoadError(Exception):
    """A saved model cannot be used (missing, corrupt, foreign or written by other versions)."""


def library_versions() -> dict[str, str]:
    return {
        "python": ".".join(platform.python_version_tuple()[:2]),
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "joblib": joblib.__version__,
    }


def save_model(clf: Any, path: str | os.PathLike[str], meta: dict[str, Any] | None = None) -> None:
    """Write `clf` and `meta` (JSON-serialisable) to `path` atomically."""
    buffer = io.BytesIO()
    joblib.dump(clf, buffer)
    payload = buffer.getvalue()
    header = json.dumps(
        {
            "schema_version": SCHEMA_VERSION,
            "versions": library_versions(),
            "meta": meta or {},
            "payload_bytes": len(payload),
            "payload_sha256": hashlib.sha256(payload).hexdigest(),
        }
    ).encode()
    target = Path(path)
    handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=TEMP_SUFFIX, dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(MAGIC + _LENGTH.pack(len(header)) + header + payload)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    _fsync_directory(target.parent)  # the rename itself survives a power cut


def _fsync_directory(directory: Path) -> None:
    try:
        descriptor = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return  # a platform that cannot open directories: the rename is still atomic
    try:
        os.fsync(descriptor)
    except OSError:
        pass  # some filesystems refuse fsync on a directory; the data itself is on disk
    finally:
        os.close(descriptor)


def remove_stale_temp_files(directory: str | os.PathLike[str]) -> list[Path]:
    """Delete the temporary files of saves that never finished (the process was killed between
    writing and renaming) in `directory`; return them. Call it only while no save can run there
    (at start, under the server's lock): a save in progress writes such a file too."""
    removed = []
    for path in Path(directory).glob(f".*{TEMP_SUFFIX}"):
        try:
            path.unlink()
        except OSError:  # gone already, or a read-only directory: nothing to do now
            continue
        removed.append(path)
    return removed


def load_model(path: str | os.PathLike[str]) -> tuple[Any, dict[str, Any]]:
    """(classifier, meta) from a file written by `save_model`; ModelLoadError on any problem."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise ModelLoadError(f"cannot read model file {path}: {error.strerror or error}") from None
    header, payload = _split(data, path)
    _check_versions(header, path)
    if len(payload) != header.get("payload_bytes") or hashlib.sha256(payload).hexdigest() != header.get(
        "payload_sha256"
    ):
        raise ModelLoadError(f"model file {path} is truncated or corrupted (checksum mismatch)")
    try:
        clf = joblib.load(io.BytesIO(payload))
    except Exception as error:
        raise ModelLoadError(f"model file {path} cannot be unpickled: {error}") from None
    meta = header.get("meta")
    return clf, meta if isinstance(meta, dict) else {}


def _split(data: bytes, path: str | os.PathLike[str]) -> tuple[dict[str, Any], bytes]:
    if not data.startswith(MAGIC):
        raise ModelLoadError(f"{path} is not a papersieve model file")
    start = len(MAGIC) + _LENGTH.size
    if len(data) < start:
        raise ModelLoadError(f"model file {path} is truncated")
    (length,) = _LENGTH.unpack(data[len(MAGIC) : start])
    if length > _MAX_HEADER or len(data) < start + length:
        raise ModelLoadError(f"model file {path} is truncated or has a corrupt header")
    try:
        header = json.loads(data[start : start + length])
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ModelLoadError(f"model file {path} has a corrupt header") from None
    if not isinstance(header, dict):
        raise ModelLoadError(f"model file {path} has a corrupt header")
    return header, data[start + length :]


def _check_versions(header: dict[str, Any], path: str | os.PathLike[str]) -> None:
    if header.get("schema_version") != SCHEMA_VERSION:
        raise ModelLoadError(
            f"model file {path} has schema version {header.get('schema_version')!r}, "
            f"expected {SCHEMA_VERSION}"
        )
    saved = header.get("versions")
    current = library_versions()
    if not isinstance(saved, dict):
        raise ModelLoadError(f"model file {path} records no library versions")
    changed = [
        f"{name} {saved.get(name)} -> {version}"
        for name, version in current.items()
        if saved.get(name) != version
    ]
    if changed:
        raise ModelLoadError(
            f"model file {path} was written with other library versions: {', '.join(changed)}"
        )
