"""A data directory that turns read-only, vanishes or fills up while the server runs: 503 with the
reason in words, reads still served where they can be, no acknowledged rating lost, and service
again without a restart. Real SQLite files; a real read-only mount where the machine allows it.

Root ignores permission bits, so "read-only" here is a read-only bind mount of the directory over
itself (what an external disk remounted read-only looks like); without root, chmod 0555 is real."""

from __future__ import annotations

import errno
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from server import datadir, store_connection
from server.app import create_app, shutdown_app
from server.datadir import ServerLock, problem, tighten_permissions
from server.store import DataDirUnavailable, Store
from tests.server.conftest import TOKEN, ApiClient
from tests.support.filesystem import read_only


def paper(i: int, abstract: str = "") -> dict:
    return {"id": f"2401.{i:05d}", "title": f"paper {i} about graphs", "abstract": abstract}


@pytest.fixture
def data_dir(tmp_path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def api(data_dir):
    app = create_app({"DATA_DIR": data_dir, "TOKEN": TOKEN, "TESTING": True, "EMBEDDINGS": False})
    yield ApiClient(app.test_client())
    shutdown_app(app)


def feedback(api: ApiClient, i: int, rating: int = 1, abstract: str = ""):
    return api.post("/feedback", json={"paper": paper(i, abstract), "rating": rating})


def test_a_read_only_data_dir_serves_reads_refuses_writes_with_503_and_recovers(api, data_dir):
    assert feedback(api, 1, 1).status_code == 200
    assert feedback(api, 2, -1).status_code == 200
    with read_only(data_dir):
        refused = feedback(api, 3)
        assert refused.status_code == 503
        assert refused.headers["Retry-After"]
        message = refused.json["error"]
        assert str(data_dir) in message and "read-only" in message and "cannot save ratings" in message
        ratings = api.get("/profiles/default/ratings")
        assert ratings.status_code == 200 and ratings.json["total"] == 2
        assert api.get("/profiles").status_code == 200
        assert api.get("/profiles/default/export").status_code == 200
        scored = api.post("/score", json={"papers": [paper(1), paper(2), paper(9)]})
        assert scored.status_code == 200 and scored.json["ready"] is True  # scored, just not kept
        assert api.post("/profiles", json={"name": "nlp"}).status_code == 503
    assert feedback(api, 3).status_code == 200  # writable again: no restart needed
    assert api.get("/profiles/default/ratings").json["total"] == 3


def test_a_vanished_data_dir_is_503_is_not_recreated_empty_and_serves_again_when_back(api, data_dir):
    assert feedback(api, 1).status_code == 200
    moved = data_dir.with_name("elsewhere")
    data_dir.rename(moved)  # an unmounted disk, a directory moved away
    try:
        for response in (api.get("/profiles/default/ratings"), feedback(api, 2)):
            assert response.status_code == 503
            assert f"the data directory {data_dir} is gone" in response.json["error"]
        assert not data_dir.exists()  # not silently replaced by an empty database
    finally:
        moved.rename(data_dir)
    assert api.get("/profiles/default/ratings").json["total"] == 1
    assert feedback(api, 2).status_code == 200


def test_a_full_disk_is_503_and_no_acknowledged_rating_is_lost(api, data_dir, monkeypatch):
    """SQLite's own SQLITE_FULL, from a page limit on every connection the server opens."""
    assert feedback(api, 0).status_code == 200
    with sqlite3.connect(data_dir / "papersieve.sqlite3") as db:
        pages = db.execute("PRAGMA page_count").fetchone()[0]
    real_connect = store_connection._connect

    def small_disk(path, mode):
        connection = real_connect(path, mode)
        connection.execute(f"PRAGMA max_page_count = {pages + 8}")
        return connection

    monkeypatch.setattr(store_connection, "_connect", small_disk)
    api.client.application.extensions["papersieve_store_pool"].clear()  # kept ones have no limit
    acknowledged, refused = [0], None
    for i in range(1, 60):  # each rating brings a 20,000-character abstract: a few pages
        response = feedback(api, i, 1 if i % 2 else -1, abstract="word " * 4_000)
        if response.status_code != 200:
            refused = (i, response)
            break
        acknowledged.append(i)
    assert refused is not None, "the page limit never filled up"
    assert refused[1].status_code == 503
    assert "is full" in refused[1].json["error"] and str(data_dir) in refused[1].json["error"]
    assert api.get("/profiles/default/ratings?limit=200").status_code == 200  # reads still served

    monkeypatch.setattr(store_connection, "_connect", real_connect)  # space freed
    kept = {r["paper"]["id"] for r in api.get("/profiles/default/ratings?limit=200").json["ratings"]}
    assert kept == {paper(i)["id"] for i in acknowledged}  # every 200 is there, the 503 is not
    assert feedback(api, refused[0]).status_code == 200


def test_problem_names_each_failure_in_words(tmp_path, monkeypatch):
    assert problem(tmp_path) is None
    assert "is gone" in problem(tmp_path / "missing")
    (tmp_path / "file").write_text("x")
    assert "is not a directory" in problem(tmp_path / "file")
    assert "is full" in problem(tmp_path, sqlite3.OperationalError("database or disk is full"))
    real_open = os.open
    for number, words in (
        (errno.EROFS, "mounted read-only"),
        (errno.EACCES, "no permission"),
        (errno.ENOSPC, "is full"),
    ):

        def refuse(path, flags, *args, number=number):
            if ".papersieve-write-test" in str(path):
                raise OSError(number, os.strerror(number), str(path))
            return real_open(path, flags, *args)

        monkeypatch.setattr(datadir.os, "open", refuse)
        assert words in problem(tmp_path)
        monkeypatch.setattr(datadir.os, "open", real_open)
    assert list(tmp_path.iterdir()) == [tmp_path / "file"]  # the probe leaves nothing behind


def test_a_read_only_store_reads_and_its_writes_raise_data_dir_unavailable(data_dir):
    Store.open(data_dir).close()  # no -wal left: the read-only fallback reads the file as it is
    with read_only(data_dir):
        with Store.open(data_dir, setup=False) as store:
            assert store.read_only
            assert [p.name for p in store.list_profiles()] == ["default"]
            with pytest.raises(DataDirUnavailable, match="read-only"):
                store.create_profile("nlp")
        with pytest.raises(DataDirUnavailable, match="read-only"):
            Store.open(data_dir)  # setting up needs to write


def test_permissions_too_open_are_tightened(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o755)
    data_dir.chmod(0o755)
    (data_dir / "token").write_text("t" * 40)
    (data_dir / "token").chmod(0o644)
    changes = tighten_permissions(data_dir, data_dir / "token")
    assert len(changes) == 2 and "token --rotate" in changes[1]
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE((data_dir / "token").stat().st_mode) == 0o600
    assert tighten_permissions(data_dir, data_dir / "token") == []


def test_a_new_data_dir_is_private(tmp_path):
    Store.open(tmp_path / "new").close()
    assert stat.S_IMODE((tmp_path / "new").stat().st_mode) == 0o700


def test_the_server_lock_holds_the_pid_and_refuses_a_second_holder(tmp_path):
    lock = ServerLock(tmp_path).acquire()
    try:
        assert (tmp_path / "papersieve.lock").read_text().strip() == str(os.getpid())
        with pytest.raises(datadir.DataDirBusy, match=f"pid {os.getpid()}"):
            ServerLock(tmp_path).acquire()
    finally:
        lock.release()
    ServerLock(tmp_path).acquire().release()
