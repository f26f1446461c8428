"""What /score reads from the store for a page, kept per connection while the database is unchanged:
a page scored again (a reload, the extension's re-poll) then costs one query instead of six.

Each kept connection (server/store_pool.py) has its own memo, valid for one `Store.state()`: SQLite's
data_version (bumped by any other connection's commit, in this process or another) and this
connection's own count of changed rows. Any write anywhere (a rating, a rule, a profile deleted or
renamed, papers recorded, vectors saved) makes the next call read everything afresh, so a memoized
answer is always the one the queries would give at that moment."""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from server.store import LabelCounts, Paper, Rule, Store

MAX_PAGES = 2  # pages remembered per connection (each up to 500 vectors of 1.5 KB)


@dataclass(frozen=True)
class PageReads:
    """A page's rules, the profile's label counts, its ratings of these papers and their vectors."""

    rules: tuple[Rule, ...]
    labels: LabelCounts
    ratings: dict[str, int]
    vectors: dict[str, np.ndarray]


@dataclass
class _Memo:
    state: tuple[int, int] | None = None
    recorded: set[tuple[str, tuple[Paper, ...]]] = field(default_factory=set)
    reads: dict[tuple[str, tuple[str, ...]], PageReads] = field(default_factory=dict)


_memos: weakref.WeakKeyDictionary[Store, _Memo] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def _memo(store: Store) -> _Memo:
    """This connection's memo, emptied when the database changed since it was filled."""
    state = store.state()
    with _lock:
        memo = _memos.get(store)
        if memo is None:
            memo = _memos[store] = _Memo()
    if memo.state != state:
        memo.state, memo.recorded, memo.reads = state, set(), {}
    return memo


def record_seen(store: Store, profile: str, papers: list[Paper]) -> None:
    """`store.record_seen(profile, papers)`, skipped when this connection recorded (or found) these
    very papers for this profile and the database has not changed since."""
    key = (profile, tuple(papers))
    if key in _memo(store).recorded:
        return
    if store.record_seen(profile, papers):  # kept (not a read-only directory): remember it
        memo = _memo(store)  # its state counts the rows just written
        if len(memo.recorded) >= MAX_PAGES:
            memo.recorded.clear()
        memo.recorded.add(key)


def page_reads(store: Store, profile: str, ids: list[str]) -> PageReads:
    """The profile's rules and label counts, and its ratings of and the stored vectors of these
    papers, as the store's queries give them now (vectors read-only, dicts fresh for the caller)."""
    memo = _memo(store)
    key = (profile, tuple(ids))
    found = memo.reads.get(key)
    if found is None:
        vectors = store.embeddings_for(ids)
        for vector in vectors.values():
            vector.flags.writeable = False  # shared by every later read of this page
        found = PageReads(
            tuple(store.rules(profile)), store.label_counts(profile), store.ratings_of(profile, ids), vectors
        )
        if len(memo.reads) >= MAX_PAGES:
            memo.reads.clear()
        memo.reads[key] = found
    return PageReads(found.rules, found.labels, dict(found.ratings), dict(found.vectors))


def memo_size(store: Store) -> dict[str, Any]:
    """How many pages this connection remembers (for tests)."""
    memo = _memos.get(store)
    return {"recorded": len(memo.recorded), "reads": len(memo.reads)} if memo else {"recorded": 0, "reads": 0}
