"""Real `papersieve serve` processes: the one-server lock, token rotation, a read-only data dir at
start and while serving, an empty Origin, and Transfer-Encoding with Content-Length."""

from __future__ import annotations

import os
import signal
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.filesystem import read_only
from training.harness.server_process import ServerProcess

REPO = Path(__file__).resolve().parents[2]
PAPER = {"id": "2401.00001", "title": "graph neural networks", "abstract": "message passing"}


def serve(data_dir: Path, timeout: float = 60) -> subprocess.CompletedProcess:
    """`papersieve serve` expected to refuse to start: its exit code and output."""
    return subprocess.run(
        [sys.executable, "-m", "server.cli", "serve", "--port", "0", "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=timeout,
    )


@pytest.fixture
def live(tmp_path):
    server = ServerProcess(tmp_path / "data").start()
    yield server
    server.stop()


def test_a_second_server_on_the_same_data_dir_names_the_first_and_the_lock_dies_with_it(tmp_path):
    data_dir = tmp_path / "data"
    first = ServerProcess(data_dir).start()
    try:
        second = serve(data_dir)
        assert second.returncode == 1
        assert f"another papersieve server (pid {first.process.pid})" in second.stderr
        assert str(data_dir) in second.stderr and "Traceback" not in second.stderr
        assert len(second.stderr.strip().splitlines()) == 1
        assert first.request("GET", "/profiles")[0] == 200  # the first one was not disturbed
    finally:
        first.process.send_signal(signal.SIGKILL)  # no clean-up code runs: the kernel drops the flock
        first.stop()
    third = ServerProcess(data_dir).start()
    try:
        assert third.request("GET", "/profiles")[0] == 200
    finally:
        assert third.stop() == 0


def test_token_rotate_makes_a_private_new_token_that_a_running_server_uses_at_once(live):
    old = live.token
    assert live.request("GET", "/profiles")[0] == 200
    rotated = subprocess.run(
        [sys.executable, "-m", "server.cli", "token", "--rotate", "--data-dir", str(live.data_dir)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
        check=True,
    )
    new = rotated.stdout.strip()
    assert new != old and len(new) >= 40 and "old one is refused" in rotated.stderr
    assert (live.data_dir / "token").read_text().strip() == new
    assert stat.S_IMODE(os.stat(live.data_dir / "token").st_mode) == 0o600
    status, body = live.request("GET", "/profiles")  # the very next request, old token
    assert status == 401 and "token" in body["error"]
    assert live.request("GET", "/profiles", headers={"Authorization": f"Bearer {new}"})[0] == 200


def test_an_empty_origin_is_refused_like_a_foreign_one(live):
    status, body = live.request("GET", "/profiles", headers={"Origin": ""})
    assert status == 403 and "web pages" in body["error"]


def test_transfer_encoding_with_content_length_gets_a_prompt_400(live):
    body = b'{"papers": []}'
    request = (
        b"POST /api/v1/score HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + f"Authorization: Bearer {live.token}\r\n".encode()
        + b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
        + b"Content-Length: %d\r\n\r\n" % len(body)
        + body
    )
    with socket.create_connection(("127.0.0.1", live.port), timeout=5) as connection:
        started = time.monotonic()
        connection.sendall(request)
        reply = b""
        while chunk := connection.recv(4096):  # the server answers, then closes the connection
            reply += chunk
    assert time.monotonic() - started < 5
    assert reply.startswith(b"HTTP/1.1 400"), reply[:200]
    assert b"Transfer-Encoding and Content-Length" in reply
    assert live.request("GET", "/profiles")[0] == 200  # and goes on serving


def test_serve_refuses_a_read_only_data_dir_in_one_line(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    with read_only(data_dir):
        result = serve(data_dir)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        f"papersieve serve: cannot serve: the data directory {data_dir} is read-only "
        + result.stderr.split("is read-only ", 1)[1].strip()
    ]
    assert "cannot save ratings until it is writable again" in result.stderr


def test_serve_refuses_a_data_dir_it_cannot_create_in_one_line(tmp_path):
    parent = tmp_path / "ro"
    parent.mkdir()
    with read_only(parent):
        result = serve(parent / "data")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"cannot create the data directory {parent / 'data'}" in result.stderr


def test_serve_tightens_a_data_dir_and_token_open_to_others(tmp_path):
    data_dir = tmp_path / "data"
    ServerProcess(data_dir).start().stop()
    data_dir.chmod(0o755)
    (data_dir / "token").chmod(0o644)
    server = ServerProcess(data_dir).start()
    try:
        assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
        assert stat.S_IMODE((data_dir / "token").stat().st_mode) == 0o600
        assert server.request("GET", "/profiles")[0] == 200
    finally:
        server.stop()
    assert "was open to other users (mode 755): made it 700" in server.output
    assert "was open to other users (mode 644): made it 600" in server.output


def test_a_live_server_answers_503_while_its_data_dir_is_read_only_and_recovers(live):
    assert live.request("POST", "/feedback", {"paper": PAPER, "rating": 1})[0] == 200
    with read_only(live.data_dir):
        status, body = live.request(
            "POST", "/feedback", {"paper": {**PAPER, "id": "2401.00002"}, "rating": -1}
        )
        assert status == 503 and "read-only" in body["error"] and str(live.data_dir) in body["error"]
        status, body = live.request("GET", "/profiles/default/ratings")
        assert status == 200 and body["total"] == 1
    status, _ = live.request("POST", "/feedback", {"paper": {**PAPER, "id": "2401.00002"}, "rating": -1})
    assert status == 200
    assert live.request("GET", "/profiles/default/ratings")[1]["total"] == 2
    assert live.stop() == 0
    assert "Traceback" not in live.output.split("papersieve stopped")[0].split("could not save")[0]
