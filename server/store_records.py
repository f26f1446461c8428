"""What the store keeps and the errors it raises: papers, ratings, rules, profile summaries,
encoder keys and vectors (float16 BLOBs), as plain frozen records without SQL."""

from __future__ import annotations

import functools
import logging
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from server.datadir import problem

log = logging.getLogger("server.store")

DEFAULT_PROFILE = "default"
EMBEDDING_DIMENSIONS = 384
VECTOR_DTYPE = np.dtype("<f2")  # float16, little-endian on every machine
IDS_PER_QUERY = 900  # below SQLite's oldest limit on bound variables (999)


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
    return vector.astype(VECTOR_DTYPE).tobytes()


def blob_to_vector(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype=VECTOR_DTYPE).astype(np.float32)


def now() -> str:
    """UTC timestamp with microseconds, so that ratings made in one second still sort."""
    return datetime.now(UTC).isoformat(timespec="microseconds")
