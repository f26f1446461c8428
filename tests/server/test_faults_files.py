"""Files that a crash or a disk can damage: a process killed while saving a model leaves the old or
the new file (never half of one) and a temp file the next start removes; a truncated or corrupted
model file is one log line, then refitted, with no 500; a database of the first schema is migrated
at start with its ratings; a damaged database stops `serve` with one line and is left untouched."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from model import load_model
from server import migrations
from server.profile_models import ProfileModels
from server.store import DEFAULT_PROFILE, Paper, Store
from tests.server.conftest import rate
from training.harness.server_process import REPO_ROOT, ServerProcess

SAVE_FOREVER = """
import sys
import numpy as np
from model.persistence import save_model
blob = np.random.default_rng(0).bytes(8_000_000)
for n in range(10**9):
    save_model({"blob": blob, "n": n}, sys.argv[1], meta={"n": n})
    if n == 0:
        print("saved", flush=True)
"""


def temp_files(directory: Path) -> list[Path]:
    return sorted(directory.glob(".*.tmp"))


def test_kill_9_while_saving_leaves_the_old_or_the_new_model_never_half_of_one(tmp_path):
    from model.persistence import remove_stale_temp_files

    target, left_behind = tmp_path / "default.joblib", 0
    for _round in range(3):
        saver = subprocess.Popen(
            [sys.executable, "-c", SAVE_FOREVER, str(target)],
            cwd=REPO_ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert saver.stdout.readline().strip() == "saved"
            deadline = time.monotonic() + 30
            while not temp_files(tmp_path) and time.monotonic() < deadline:
                time.sleep(0.001)
            saver.send_signal(signal.SIGKILL)  # while it writes the next version's temp file
        finally:
            saver.kill()
            saver.wait()
            saver.stdout.close()
        model, meta = load_model(target)  # the last complete version, whole and checked
        assert model["n"] == meta["n"] and len(model["blob"]) == 8_000_000
        left_behind += len(temp_files(tmp_path))
        remove_stale_temp_files(tmp_path)
        assert not temp_files(tmp_path) and target.exists()
    assert left_behind, "no kill landed in the middle of a save"


def test_a_start_removes_temp_files_a_killed_save_left_and_keeps_the_model(tmp_path, hf_papers):
    data_dir = tmp_path / "data"
    with Store.open(data_dir) as store:
        for paper, rating in ((hf_papers[0], 1), (hf_papers[1], -1)):
            store.set_rating(DEFAULT_PROFILE, Paper(paper["id"], paper["title"], paper["abstract"]), rating)
        models = ProfileModels(data_dir)
        assert models.current(store, DEFAULT_PROFILE) is not None
        models.saver.flush()
        stale = data_dir / "models" / ".default.joblib.k3j9x2.tmp"
        stale.write_bytes(models.model_path(DEFAULT_PROFILE).read_bytes()[:1000])
        restarted = ProfileModels(data_dir)
        assert not stale.exists()
        assert restarted.current(store, DEFAULT_PROFILE).revision == store.revision(DEFAULT_PROFILE)
        assert restarted.saver.flush() is None and len(list((data_dir / "models").iterdir())) == 1


@pytest.mark.parametrize("damage", ["truncated", "bit flipped", "header cut"])
def test_a_damaged_model_is_rebuilt_with_one_warning(api, app, hf_papers, damage, caplog):
    rate(api, hf_papers[0], 1)
    rate(api, hf_papers[1], -1)
    assert api.post("/score", json={"papers": hf_papers[:5]}).status_code == 200
    models = app.extensions["papersieve_models"]
    models.saver.flush()
    path = models.model_path(DEFAULT_PROFILE)
    data = bytearray(path.read_bytes())
    if damage == "truncated":
        data = data[: len(data) * 2 // 3]
    elif damage == "bit flipped":
        data[len(data) // 2] ^= 0x10
    else:
        data = data[:30]
    path.write_bytes(bytes(data))
    fresh = ProfileModels(app.config["DATA_DIR"])
    with Store.open(app.config["DATA_DIR"], setup=False) as store:
        assert fresh.current(store, DEFAULT_PROFILE).n_labels == 2
    warnings = [r.getMessage() for r in caplog.records if "rebuilding the model" in r.getMessage()]
    assert len(warnings) == 1 and str(path) in warnings[0]
    assert "truncated" in warnings[0] or "corrupt" in warnings[0]
    fresh.saver.flush()
    load_model(path)  # written again, whole


def test_a_live_server_with_a_truncated_model_logs_one_line_refits_and_serves(tmp_path, hf_papers):
    server = ServerProcess(tmp_path / "data").start()
    try:
        server.request("POST", "/feedback", {"paper": hf_papers[0], "rating": 1})
        server.request("POST", "/feedback", {"paper": hf_papers[1], "rating": -1})
        assert server.request("POST", "/score", {"papers": hf_papers[:10]})[0] == 200
        assert server.stop() == 0  # the model is written before it exits
        model_file = server.data_dir / "models" / "default.joblib"
        model_file.write_bytes(model_file.read_bytes()[:-5000])
        printed = len(server.output)
        server.start()
        status, body = server.request("POST", "/score", {"papers": hf_papers[:10]})
        assert status == 200 and all(s["score"] is not None for s in body["scores"])
    finally:
        assert server.stop() == 0
    log = server.output[printed:]
    lines = [line for line in log.splitlines() if "rebuilding the model" in line]
    assert len(lines) == 1 and "truncated or corrupted" in lines[0], log
    assert "Traceback" not in log
    load_model(model_file)  # refitted and saved whole


def first_schema_database(data_dir: Path, ratings: int) -> dict[str, int]:
    """The database the first papersieve wrote (migration m001 only), with ratings in it."""
    data_dir.mkdir(mode=0o700)
    with closing(sqlite3.connect(data_dir / "papersieve.sqlite3")) as db:
        migrations.applied_migrations(db)
        first_name, first = migrations.MIGRATIONS[0]
        first(db)
        db.execute("INSERT INTO migrations VALUES (?, '2026-01-01T00:00:00+00:00')", (first_name,))
        db.execute("INSERT INTO profiles (name, created_at) VALUES ('default', '2026-01-01T00:00:00')")
        expected = {}
        for n in range(ratings):
            paper_id, rating = f"2401.{n:05d}", 1 if n % 3 else -1
            db.execute(
                "INSERT INTO papers (id, title, first_seen) VALUES (?, ?, '2026-01-01')",
                (paper_id, f"old paper {n} on graphs"),
            )
            db.execute(
                "INSERT INTO ratings VALUES (1, ?, ?, ?)",
                (paper_id, rating, f"2026-01-02T00:00:{n % 60:02d}"),
            )
            expected[paper_id] = rating
        db.commit()
    return expected


def test_a_database_of_the_first_schema_is_migrated_at_start_keeping_every_rating(tmp_path):
    data_dir = tmp_path / "data"
    expected = first_schema_database(data_dir, ratings=300)
    server = ServerProcess(data_dir).start()
    try:
        status, exported = server.request("GET", "/profiles/default/export")
        assert status == 200
        assert {r["id"]: r["rating"] for r in exported["ratings"]} == expected
        status, scored = server.request("POST", "/score", {"papers": [{"id": "2401.00001"}]})
        assert status == 200 and scored["ready"] and scored["scores"][0]["rating"] == 1
    finally:
        assert server.stop() == 0
    with closing(sqlite3.connect(data_dir / "papersieve.sqlite3")) as db:
        assert [name for name, _ in migrations.MIGRATIONS] == migrations.applied_migrations(db)
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_damaged_database_stops_serve_with_one_line_and_is_left_as_it_was(tmp_path):
    data_dir = tmp_path / "data"
    Store.open(data_dir).close()
    database = data_dir / "papersieve.sqlite3"
    damaged = b"this was a database until a disk went bad" + database.read_bytes()[100:]
    database.write_bytes(damaged)
    result = subprocess.run(
        [sys.executable, "-m", "server.cli", "serve", "--port", "0", "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=60,
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert str(data_dir) in result.stderr and "not a database" in result.stderr
    assert database.read_bytes() == damaged  # never replaced by an empty one
