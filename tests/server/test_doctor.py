"""`papersieve doctor` against a healthy live server and broken installs: server down, a token the
server refuses, open permissions, a damaged database, an extension with an old token."""

from __future__ import annotations

import os
import shutil
import sqlite3

import pytest

from server.cli import main, own_command
from server.datadir import DATABASE_NAME
from training.harness.server_process import ServerProcess, free_port

EXTENSION = {"Origin": "chrome-extension://abcdefghijklmnopabcdefghijklmnop"}


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    server = ServerProcess(tmp_path_factory.mktemp("doctor") / "data").start()
    yield server
    server.stop()


def doctor(capsys, data_dir, port) -> tuple[int, list[str]]:
    code = main(["doctor", "--data-dir", str(data_dir), "--port", str(port)])
    # the fixes name papersieve as this shell runs it (its full path when it is not on PATH)
    return code, [
        text.replace(f"`{own_command()} ", "`papersieve ") for text in capsys.readouterr().out.splitlines()
    ]


def line(lines: list[str], start: str) -> str:
    return next(text for text in lines if text.startswith(start))


def test_a_healthy_install_passes_every_check(live, capsys, hf_papers):
    papers = [dict(p) for p in hf_papers[:2]]
    assert live.request("POST", "/feedback", {"paper": papers[0], "rating": 1}, headers=EXTENSION)[0] == 200
    assert live.request("POST", "/feedback", {"paper": papers[1], "rating": -1}, headers=EXTENSION)[0] == 200
    code, lines = doctor(capsys, live.data_dir, live.port)
    assert code == 0, lines
    assert lines[-1] == "everything works"
    assert all(text.startswith(("✔", "–")) for text in lines[:-1]), lines
    assert any("server answers on http://127.0.0.1:" in text for text in lines)
    assert any(text.startswith("✔ server version ") and "as installed" in text for text in lines)
    assert "✔ the server accepts this data directory's token" in lines
    assert line(lines, "✔ database intact (schema m0")
    assert "profile 'default': 👍 1 👎 1, model ready" in line(lines, "✔ profile 'default'")
    assert "✔ extension seen just now (chrome-extension://abcdefghijklmnopabcdefghijklmnop)" in lines


def test_a_profile_without_both_ratings_is_something_to_do_not_a_fault(live, capsys):
    assert live.request("POST", "/profiles", {"name": "fresh"})[0] == 201
    code, lines = doctor(capsys, live.data_dir, live.port)
    assert code == 0
    assert "model waits for one 👍 and one 👎: rate papers" in line(lines, "– profile 'fresh'")


def test_a_token_the_server_refuses(live, capsys, tmp_path):
    other = tmp_path / "other"  # a data directory the server on this port does not serve
    assert main(["token", "--data-dir", str(other)]) == 0
    shutil.copy(live.data_dir / DATABASE_NAME, other / DATABASE_NAME)
    capsys.readouterr()
    code, lines = doctor(capsys, other, live.port)
    assert code == 1
    assert "restart it on this --data-dir" in line(lines, "✘ the server refuses the token (401")
    assert "– profiles and models not checked" in lines[-3]


def test_the_extension_with_an_old_token(live, capsys):
    live.request("GET", "/profiles", headers={**EXTENSION, "Authorization": "Bearer old-token-" + "x" * 40})
    code, lines = doctor(capsys, live.data_dir, live.port)
    assert code == 1
    assert "pair it again: `papersieve pair`" in line(
        lines, "✘ the extension's last request (just now) had a wrong"
    )
    live.request("GET", "/profiles", headers=EXTENSION)  # it is paired again
    assert doctor(capsys, live.data_dir, live.port)[0] == 0


def test_no_server_on_the_port(live, capsys):
    port = free_port()
    code, lines = doctor(capsys, live.data_dir, port)
    assert code == 1
    text = line(lines, f"✘ no server answers on http://127.0.0.1:{port}")
    assert (
        f"serves {live.data_dir} but not on this port: pass its --port" in text
    )  # the live one holds the lock


def test_a_stopped_server_and_open_permissions(tmp_path, capsys):
    server = ServerProcess(tmp_path / "data").start()
    server.stop()
    os.chmod(server.data_dir, 0o755)
    os.chmod(server.data_dir / "token", 0o644)
    code, lines = doctor(capsys, server.data_dir, server.port)
    assert code == 1
    assert f"chmod 700 {server.data_dir}" in line(lines, "✘ the data directory")
    assert f"chmod 600 {server.data_dir / 'token'}" in line(lines, "✘ the token file")
    assert "start it: `papersieve serve`" in line(lines, "✘ no server answers")
    assert "✘ the extension has not reached this server yet" in line(lines, "✘ the extension")


def test_a_damaged_database_and_a_missing_migration(tmp_path, capsys):
    data_dir = tmp_path / "data"
    assert main(["profiles", "--data-dir", str(data_dir)]) == 0  # makes the database
    with sqlite3.connect(data_dir / DATABASE_NAME) as db:
        db.execute("DELETE FROM migrations WHERE name = (SELECT max(name) FROM migrations)")
    db.close()
    code, lines = doctor(capsys, data_dir, free_port())
    assert "restart `papersieve serve`: it migrates" in line(lines, "✘ the database is at schema")
    (data_dir / DATABASE_NAME).write_bytes(b"this is not a database, it was overwritten" * 100)
    code, lines = doctor(capsys, data_dir, free_port())
    assert code == 1
    assert "restore a backup" in line(lines, f"✘ the database {data_dir / DATABASE_NAME} is damaged")
