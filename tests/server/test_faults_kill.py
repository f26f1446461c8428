"""`kill -9` of a real `papersieve serve` in the middle of a stream of ratings and imports: every
rating acknowledged (2xx received) is there after a restart on the same data directory, an import
is all or nothing, the database passes `PRAGMA integrity_check`, and the next server takes over
the dead one's lock and says so. Several rounds on one data directory."""

from __future__ import annotations

import http.client
import json
import os
import random
import signal
import sqlite3
import threading
import time
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from server.datadir import LOCK_FILE, ServerLock
from training.harness.server_process import ServerProcess

ROUNDS = 3
IMPORT_SIZE = 8


@dataclass
class Acknowledged:
    """What the clients were told was saved, and every import they attempted."""

    ratings: dict[str, int] = field(default_factory=dict)
    imports_sent: list[dict[str, int]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, ratings: dict[str, int]) -> None:
        with self.lock:
            self.ratings.update(ratings)


class Client:
    """One keep-alive HTTP connection to the server, as the extension's worker holds."""

    def __init__(self, server: ServerProcess) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        self.headers = {"Authorization": f"Bearer {server.token}", "Content-Type": "application/json"}

    def close(self) -> None:
        self.connection.close()

    def post(self, path: str, body: object) -> int:
        self.connection.request("POST", "/api/v1" + path, body=json.dumps(body), headers=self.headers)
        response = self.connection.getresponse()
        response.read()
        return response.status


def paper(round_number: int, stream: str, n: int) -> dict[str, str]:
    return {"id": f"2{round_number}{stream}.{n:05d}", "title": f"paper {n} of {stream} on graph methods"}


def send_feedback(
    server: ServerProcess, round_number: int, acknowledged: Acknowledged, stop: threading.Event
) -> None:
    with closing(Client(server)) as client:
        n = 0
        while not stop.is_set():
            item, rating = paper(round_number, "01", n), 1 if n % 3 else -1
            try:
                status = client.post("/feedback", {"paper": item, "rating": rating})
            except (OSError, http.client.HTTPException):  # the server is gone
                return
            if 200 <= status < 300:
                acknowledged.add({item["id"]: rating})
            n += 1


def send_imports(
    server: ServerProcess, round_number: int, acknowledged: Acknowledged, stop: threading.Event
) -> None:
    with closing(Client(server)) as client:
        n = 0
        while not stop.is_set():
            batch = [
                {**paper(round_number, "02", n + k), "rating": 1 if (n + k) % 2 else -1}
                for k in range(IMPORT_SIZE)
            ]
            ratings = {record["id"]: record["rating"] for record in batch}
            with acknowledged.lock:
                acknowledged.imports_sent.append(ratings)
            try:
                status = client.post("/profiles/default/import", batch)
            except (OSError, http.client.HTTPException):
                return
            if 200 <= status < 300:
                acknowledged.add(ratings)
            n += IMPORT_SIZE


def send_pages(server: ServerProcess, round_number: int, stop: threading.Event) -> None:
    """Pages scored meanwhile: seen papers written, the model refitted, as a reader scrolls."""
    with closing(Client(server)) as client:
        n = 0
        while not stop.is_set():
            try:
                client.post("/score", {"papers": [paper(round_number, "03", n + k) for k in range(40)]})
            except (OSError, http.client.HTTPException):
                return
            n += 40


def stored_ratings(server: ServerProcess) -> dict[str, int]:
    status, exported = server.request("GET", "/profiles/default/export")
    assert status == 200
    return {record["id"]: record["rating"] for record in exported["ratings"]}


def integrity(data_dir: Path) -> str:
    with closing(sqlite3.connect(data_dir / "papersieve.sqlite3")) as db:
        return db.execute("PRAGMA integrity_check").fetchone()[0]


def kill_mid_stream(
    server: ServerProcess, round_number: int, acknowledged: Acknowledged, rng: random.Random
) -> None:
    """Start the writers, let some ratings through, then SIGKILL the server while they write."""
    stop = threading.Event()
    threads = [
        threading.Thread(target=send_feedback, args=(server, round_number, acknowledged, stop)),
        threading.Thread(target=send_feedback, args=(server, round_number + 5, acknowledged, stop)),
        threading.Thread(target=send_imports, args=(server, round_number, acknowledged, stop)),
        threading.Thread(target=send_pages, args=(server, round_number, stop)),
    ]
    before = len(acknowledged.ratings)
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 30
    while len(acknowledged.ratings) < before + 60 and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(rng.uniform(0, 0.3))
    server.process.send_signal(signal.SIGKILL)  # mid-stream: requests are in flight
    server.process.wait(timeout=10)
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    assert len(acknowledged.ratings) >= before + 60, "the writers never got going"


def test_kill_9_during_writes_loses_no_acknowledged_rating(tmp_path):
    data_dir = tmp_path / "data"
    acknowledged, rng = Acknowledged(), random.Random(11)
    server = ServerProcess(data_dir).start()
    try:
        for round_number in range(1, ROUNDS + 1):
            dead_pid = server.process.pid
            kill_mid_stream(server, round_number, acknowledged, rng)
            assert integrity(data_dir) == "ok"

            printed = len(server.output)
            server.start()  # the same data dir and port: the dead server's lock is taken over
            notice = f"the last server on {data_dir} (pid {dead_pid}) ended without stopping"
            assert notice in server.output[printed:]
            stored = stored_ratings(server)
            lost = {i: r for i, r in acknowledged.ratings.items() if stored.get(i) != r}
            assert not lost, f"round {round_number}: {len(lost)} acknowledged ratings lost or changed"
            for batch in acknowledged.imports_sent:  # all or nothing, acknowledged or not
                assert sum(stored.get(i) == r for i, r in batch.items()) in (0, len(batch)), batch
        assert server.request("POST", "/score", {"papers": [paper(9, "09", 0)]})[0] == 200
    finally:
        assert server.stop() == 0
    assert integrity(data_dir) == "ok"
    assert "Traceback" not in server.output


def test_a_clean_stop_leaves_nothing_to_take_over_and_a_killed_holder_is_named(tmp_path):
    first = ServerLock(tmp_path).acquire()
    assert first.previous_holder is None
    first.release()  # a clean stop empties the lock file
    assert (tmp_path / LOCK_FILE).read_text() == ""
    second = ServerLock(tmp_path).acquire()
    assert second.previous_holder is None
    second.release()
    (tmp_path / LOCK_FILE).write_text("4242\n")  # what a killed server leaves: its pid, no flock
    taken = ServerLock(tmp_path).acquire()
    try:
        assert taken.previous_holder == "4242"
        assert (tmp_path / LOCK_FILE).read_text().strip() == str(os.getpid())
    finally:
        taken.release()
