"""A disk that fills up under a real `papersieve serve`, and a data directory that goes away and
comes back read-only under the embedding worker.

The full disk is a real one: the data directory is a small tmpfs (root only), shrunk to what it
holds while the server runs and grown again later, as when another program fills the disk and
then frees space. Writes get 503 with the reason, nothing acknowledged is lost, and writes are
served again without a restart."""

from __future__ import annotations

import logging
import os
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pytest

from server import embedding_worker
from server.embedding_worker import EmbeddingWorker
from server.store import DEFAULT_PROFILE, Paper, Store
from tests.support.filesystem import read_only
from training.harness.server_process import ServerProcess

DISK_MIB = 64


def mount(*args: str) -> bool:
    return subprocess.run(["mount", *args], capture_output=True).returncode == 0


@contextmanager
def small_disk(directory: Path) -> Iterator[Path]:
    """`directory` as a tmpfs of DISK_MIB MiB of its own, unmounted afterwards."""
    directory.mkdir(mode=0o700)
    if os.geteuid() != 0 or not mount(
        "-t", "tmpfs", "-o", f"size={DISK_MIB}m,mode=700", "tmpfs", str(directory)
    ):
        pytest.skip("a disk of its own (tmpfs) needs root and the right to mount")
    try:
        yield directory
    finally:
        if subprocess.run(["umount", str(directory)], capture_output=True).returncode:
            subprocess.run(["umount", "-l", str(directory)], check=True)


def fill_up(directory: Path) -> None:
    """Shrink the disk to what it holds now: the next block anyone writes does not fit."""
    info = os.statvfs(directory)
    used = (info.f_blocks - info.f_bfree) * info.f_frsize
    assert mount("-o", f"remount,size={used}", str(directory)), "tmpfs cannot shrink here"


def free_space(directory: Path) -> None:
    assert mount("-o", f"remount,size={DISK_MIB}m", str(directory))


def paper(n: int, words: int = 0) -> dict[str, str]:
    return {"id": f"2405.{n:05d}", "title": f"paper {n} on disks", "abstract": "spinning rust " * words}


def test_a_full_disk_is_503_for_writes_loses_nothing_and_recovers_without_restart(tmp_path):
    with small_disk(tmp_path / "data") as data_dir:
        server = ServerProcess(data_dir).start()  # its log is beside the disk, not on it
        try:
            acknowledged = {}
            for n in range(10):
                rating = 1 if n % 2 else -1
                status, _ = server.request("POST", "/feedback", {"paper": paper(n, 500), "rating": rating})
                assert status == 200
                acknowledged[paper(n)["id"]] = rating
            fill_up(data_dir)
            refused = None
            for n in range(10, 200):  # 20 kB abstracts: the log of changes needs new blocks soon
                rating = 1 if n % 2 else -1
                status, body = server.request(
                    "POST", "/feedback", {"paper": paper(n, 1500), "rating": rating}
                )
                if status != 200:
                    refused = (n, status, body)
                    break
                acknowledged[paper(n)["id"]] = rating
            assert refused is not None, "the disk never filled up"
            n, status, body = refused
            assert status == 503 and "is full" in body["error"] and str(data_dir) in body["error"]
            assert server.request("GET", "/profiles/default/ratings")[0] == 200  # reads still served
            status, scored = server.request("POST", "/score", {"papers": [paper(0), paper(1)]})
            assert status == 200 and scored["ready"]  # scored, the page just not kept
            deadline = time.monotonic() + 30  # the model refitted for that page cannot be saved
            while "could not save the model" not in server.output and time.monotonic() < deadline:
                time.sleep(0.1)
            assert "the one in memory serves" in server.output

            free_space(data_dir)  # space is back: the same server takes writes again
            retried = server.request("POST", "/feedback", {"paper": paper(n, 1500), "rating": 1})
            assert retried[0] == 200, retried
            acknowledged[paper(n)["id"]] = 1
            status, exported = server.request("GET", "/profiles/default/export")
            stored = {record["id"]: record["rating"] for record in exported["ratings"]}
            assert stored == acknowledged  # every 200 is there, the refused one only once retried
        finally:
            assert server.stop() == 0
        with closing(sqlite3.connect(data_dir / "papersieve.sqlite3")) as db:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert "Traceback" not in server.output


@pytest.fixture
def worker_log(caplog) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.WARNING, logger="server.embedding_worker")
    return caplog


def wait_for_vectors(store: Store, papers: list[Paper], worker: EmbeddingWorker, timeout: float) -> None:
    ids = [p.id for p in papers]
    if not worker.wait_idle(timeout) or len(store.embeddings_for(ids)) != len(ids):
        pytest.fail(f"{len(ids) - len(store.embeddings_for(ids))} papers without a vector: {worker.status()}")


def test_the_embedding_worker_reopens_through_a_data_dir_gone_then_read_only_then_back(
    tmp_path, monkeypatch, worker_log
):
    monkeypatch.setattr(embedding_worker, "DATA_DIR_RETRY_SECONDS", 0.2)
    data_dir = tmp_path / "data"
    first = [Paper(f"2406.{n:05d}", f"first paper {n} on sparse graphs") for n in range(8)]
    later = [Paper(f"2407.{n:05d}", f"later paper {n} on dense graphs") for n in range(40)]
    with Store.open(data_dir) as writer:  # a connection of its own, as a request or the CLI holds
        writer.record_seen(DEFAULT_PROFILE, first)
        worker = EmbeddingWorker(data_dir, backlog_recheck_seconds=0.5).start()
        try:
            worker.enqueue([p.id for p in first])
            wait_for_vectors(writer, first, worker, timeout=120)

            moved = data_dir.with_name("unplugged")
            data_dir.rename(moved)  # the disk goes away while the worker runs
            writer.record_seen(DEFAULT_PROFILE, later)  # (this connection still has the file open)
            worker.enqueue([p.id for p in later])
            wait_until_logged(worker_log, "is gone")
            moved.rename(data_dir)
            with read_only(data_dir):  # it comes back read-only
                wait_until_logged(worker_log, "read-only")
                assert worker.running and worker.state == "ready"
            wait_for_vectors(writer, later, worker, timeout=120)  # writable again: the same worker
            assert worker.running and worker.state == "ready" and worker.error is None
        finally:
            worker.stop()


def wait_until_logged(log: pytest.LogCaptureFixture, words: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not any("waits for the data directory" in m and words in m for m in log.messages):
        if time.monotonic() > deadline:
            pytest.fail(f"the worker never said it waits as the data directory {words}: {log.messages}")
        time.sleep(0.05)
