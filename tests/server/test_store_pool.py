"""Store connections kept between requests (server/store_pool.py): used again only while a fresh
connection would behave the same. Real SQLite files and a really read-only directory."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from server.store import DataDirUnavailable, Paper, Store
from server.store_pool import StorePool
from tests.server.conftest import ApiClient
from tests.support.filesystem import read_only


@pytest.fixture
def data_dir(tmp_path) -> Iterator[Path]:
    """A database with one rating, and a connection kept open meanwhile, as the app keeps one."""
    with Store.open(tmp_path / "data") as keeper:
        keeper.set_rating("default", Paper("2401.00001", "graphs"), 1)
        yield tmp_path / "data"


def test_a_kept_connection_is_used_again(data_dir) -> None:
    pool = StorePool(data_dir)
    first = pool.acquire()
    pool.release(first)
    assert len(pool) == 1 and pool.acquire() is first


def test_two_requests_at_once_get_two_connections_both_kept(data_dir) -> None:
    pool = StorePool(data_dir)
    one, two = pool.acquire(), pool.acquire()
    assert one is not two
    pool.release(one)
    pool.release(two)
    assert len(pool) == 2


def test_a_replaced_database_is_opened_anew(data_dir, tmp_path) -> None:
    pool = StorePool(data_dir)
    kept = pool.acquire()
    pool.release(kept)
    copy = tmp_path / "restored"
    shutil.copytree(data_dir, copy)
    with Store.open(copy) as other:
        other.set_rating("default", Paper("2401.00002", "trees"), -1)
    for name in ("papersieve.sqlite3-wal", "papersieve.sqlite3-shm"):
        (copy / name).unlink(missing_ok=True)
    (copy / "papersieve.sqlite3").replace(data_dir / "papersieve.sqlite3")  # a restored backup
    store = pool.acquire()
    assert store is not kept and store.is_current_file() and not kept.is_current_file()


def test_a_vanished_directory_is_503_not_a_kept_connection_to_a_deleted_file(data_dir) -> None:
    pool = StorePool(data_dir)
    pool.release(pool.acquire())
    moved = data_dir.with_name("elsewhere")
    data_dir.rename(moved)
    try:
        with pytest.raises(DataDirUnavailable, match="is gone"):
            pool.acquire()
    finally:
        moved.rename(data_dir)
    assert pool.acquire().label_counts("default").up == 1


def test_a_read_only_directory_gets_a_new_connection_and_none_is_kept_until_a_write_passes(data_dir) -> None:
    pool = StorePool(data_dir)
    kept = pool.acquire()
    pool.release(kept)
    with read_only(data_dir):
        store = pool.acquire()
        assert store is not kept  # the kept one's open file was still writable
        with pytest.raises(DataDirUnavailable, match="read-only"):
            store.set_rating("default", Paper("2401.00003"), 1)
        pool.release(store)
        assert len(pool) == 0
    fresh = pool.acquire()
    assert not fresh.read_only
    pool.release(fresh)  # no write yet since the fault: not kept
    assert len(pool) == 0
    writer = pool.acquire()
    writer.set_rating("default", Paper("2401.00003"), 1)
    pool.release(writer)  # the directory takes writes again: kept from now on
    assert len(pool) == 1


def test_a_failed_write_drops_every_kept_connection(data_dir) -> None:
    pool = StorePool(data_dir)
    stores = [pool.acquire() for _ in range(3)]
    for store in stores[1:]:
        pool.release(store)
    stores[0].failed = True  # as Store._writing marks a write the directory refused
    pool.release(stores[0])
    assert len(pool) == 0
    with pytest.raises(Exception, match="closed"):
        stores[1].db.execute("SELECT 1")


def test_a_request_that_raised_does_not_keep_its_connection(data_dir) -> None:
    pool = StorePool(data_dir)
    pool.release(pool.acquire(), RuntimeError("boom"))
    assert len(pool) == 0


def test_a_connection_left_in_a_transaction_is_not_kept(data_dir) -> None:
    pool = StorePool(data_dir)
    store = pool.acquire()
    store.db.execute("UPDATE profiles SET revision = revision")  # opens a transaction, never committed
    pool.release(store)
    assert len(pool) == 0


def test_closing_the_pool_closes_idle_and_later_connections(data_dir) -> None:
    pool = StorePool(data_dir)
    busy = pool.acquire()
    pool.release(pool.acquire())
    pool.close()
    assert len(pool) == 0
    pool.release(busy)
    assert len(pool) == 0
    with pytest.raises(Exception, match="closed"):
        busy.db.execute("SELECT 1")


def test_the_app_keeps_one_connection_across_requests(api: ApiClient, app) -> None:
    for _ in range(3):
        assert api.get("/profiles").status_code == 200
    assert len(app.extensions["papersieve_store_pool"]) == 1
