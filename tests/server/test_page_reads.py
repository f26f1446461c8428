"""A page's store reads kept per connection while the database is unchanged (server/page_reads.py):
every answer equals the queries' answer at that moment. Real SQLite files, two real connections."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from server.page_reads import page_reads, record_seen
from server.store import EncoderKey, Paper, Store, UnknownProfile

KEY = EncoderKey("test-encoder", "1")
PAPERS = [Paper(f"2401.{i:05d}", f"paper {i} on graphs", f"abstract {i}") for i in range(6)]
IDS = [paper.id for paper in PAPERS]


@pytest.fixture
def stores(tmp_path) -> Iterator[tuple[Store, Store]]:
    """The server's connection and another one (the CLI, another thread), on one database."""
    with (
        Store.open(tmp_path / "data", encoder=KEY) as mine,
        Store.open(tmp_path / "data", encoder=KEY) as other,
    ):
        other.record_seen("default", PAPERS)
        other.save_embeddings(KEY, [(paper, np.full(384, 0.5, np.float32)) for paper in PAPERS[:3]])
        other.set_rating("default", PAPERS[0], 1)
        yield mine, other


def traced(store: Store) -> list[str]:
    statements: list[str] = []
    store.db.set_trace_callback(statements.append)
    return statements


def fresh(store: Store) -> tuple:
    return (
        store.rules("default"),
        store.label_counts("default"),
        store.ratings_of("default", IDS),
        sorted(store.embeddings_for(IDS)),
    )


def as_tuple(reads) -> tuple:
    return list(reads.rules), reads.labels, reads.ratings, sorted(reads.vectors)


def test_a_page_read_again_with_nothing_changed_makes_no_query_but_the_state_check(stores) -> None:
    mine, _ = stores
    first = page_reads(mine, "default", IDS)
    statements = traced(mine)
    again = page_reads(mine, "default", IDS)
    assert statements == ["PRAGMA data_version"]
    assert as_tuple(again) == as_tuple(first) == fresh(mine)
    assert all(np.array_equal(again.vectors[i], first.vectors[i]) for i in first.vectors)


def test_another_connections_commit_is_seen_at_once(stores) -> None:
    mine, other = stores
    page_reads(mine, "default", IDS)
    other.set_rating("default", PAPERS[1], -1)
    other.save_embeddings(KEY, [(PAPERS[4], np.full(384, 0.1, np.float32))])
    other.add_rules("default", [("hide", "text", "graphs", "any")], 10)
    reads = page_reads(mine, "default", IDS)
    assert as_tuple(reads) == fresh(mine)
    assert reads.ratings == {IDS[0]: 1, IDS[1]: -1} and IDS[4] in reads.vectors and len(reads.rules) == 1


def test_this_connections_own_write_is_seen_at_once(stores) -> None:
    mine, _ = stores
    page_reads(mine, "default", IDS)
    mine.delete_rating("default", IDS[0])
    assert page_reads(mine, "default", IDS).labels.up == 0


def test_a_deleted_profile_is_unknown_again_not_remembered(stores) -> None:
    mine, other = stores
    page_reads(mine, "default", IDS)
    other.create_profile("work")
    page_reads(mine, "work", IDS)
    other.delete_profile("work")
    with pytest.raises(UnknownProfile):
        page_reads(mine, "work", IDS)


def test_callers_get_fresh_dicts_and_read_only_vectors(stores) -> None:
    mine, _ = stores
    first = page_reads(mine, "default", IDS)
    first.ratings.clear()
    first.vectors.clear()
    again = page_reads(mine, "default", IDS)
    assert again.ratings == {IDS[0]: 1} and len(again.vectors) == 3
    with pytest.raises(ValueError):
        again.vectors[IDS[0]][0] = 1.0


def test_papers_recorded_once_are_not_checked_again_until_something_changes(stores) -> None:
    mine, other = stores
    record_seen(mine, "default", PAPERS)
    statements = traced(mine)
    record_seen(mine, "default", PAPERS)
    assert statements == ["PRAGMA data_version"]
    other.delete_profile("default")  # and made again: what it had seen is gone
    other.ensure_profile("default")
    record_seen(mine, "default", PAPERS)
    assert mine.corpus_size("default") == len(PAPERS)


def test_a_changed_text_is_recorded_though_the_ids_were_seen(stores) -> None:
    mine, _ = stores
    record_seen(mine, "default", PAPERS)
    changed = [Paper(PAPERS[0].id, "a better title", PAPERS[0].abstract), *PAPERS[1:]]
    record_seen(mine, "default", changed)
    assert mine.paper(PAPERS[0].id).title == "a better title"
