"""A real `papersieve serve` process on a loopback port, shared by the tests and the benchmarks."""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A loopback port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def papersieve_command(*args: str) -> list[str]:
    """The `papersieve` CLI run with this interpreter (the checkout's code, installed or not)."""
    return [sys.executable, "-m", "server.cli", *args]


@dataclass
class ServerProcess:
    """`papersieve serve` on `data_dir` and a fixed port, so it can be stopped and started again.

    Everything the server prints goes to `log_path` (beside the data dir, which may be made
    read-only); `output` reads it back. The token is known before the first start."""

    data_dir: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        """The server's origin, as the extension's options take it."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.data_dir.with_name(self.data_dir.name + "-server.log")

    @property
    def output(self) -> str:
        """Everything the server printed so far (stdout and stderr), over every start."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    @cached_property
    def token(self) -> str:
        """The data dir's token, read once; made by `papersieve token` if the server never ran."""
        path = self.data_dir / "token"
        if path.exists():
            return path.read_text().strip()
        return subprocess.run(
            papersieve_command("token", "--data-dir", str(self.data_dir)),
            cwd=REPO_ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self, timeout: float = 30) -> ServerProcess:
        """Start the server and wait until /health answers; raise with its output if it cannot."""
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        command = papersieve_command("serve", "--port", str(self.port), "--data-dir", str(self.data_dir))
        with self.log_path.open("a") as log:
            self.process = subprocess.Popen(
                command,
                cwd=REPO_ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"papersieve serve exited early:\n{self.output}")
            try:
                with urllib.request.urlopen(f"{self.url}/api/v1/health", timeout=1):
                    return self
            except OSError:
                time.sleep(0.1)
        self.process.kill()
        self.process.wait()
        raise RuntimeError(f"papersieve serve did not answer in {timeout:g} s:\n{self.output}")

    def stop(self, timeout: float = 15) -> int | None:
        """SIGTERM and wait; the exit code (None if it never started). Killed, and an error, if
        it does not stop within `timeout` seconds."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.terminate()
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise

    def request(
        self, method: str, path: str, body: Any = None, headers: dict | None = None, timeout: float = 30
    ) -> tuple[int, Any]:
        """One authenticated API call under /api/v1, as the extension makes it: (status, parsed JSON)."""
        request = urllib.request.Request(
            f"{self.url}/api/v1{path}",
            data=None if body is None else json.dumps(body).encode(),
            method=method,
            headers={
                "Authorization": f"Bearer {self.token}",
                "Content-Type": "application/json",
                **(headers or {}),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")


class KeepAliveClient:
    """Authenticated API calls over one kept-alive HTTP/1.1 connection, as a browser's fetch() from
    the extension's worker makes them (a new connection per call adds a TCP handshake and a waitress
    channel to every request). Reconnects once if the server closed the connection."""

    def __init__(self, server: ServerProcess, timeout: float = 30) -> None:
        self.server = server
        self.timeout = timeout
        self._connection: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        """(status, parsed JSON) of one call under /api/v1, like ServerProcess.request."""
        payload = None if body is None else json.dumps(body).encode()
        headers = {"Authorization": f"Bearer {self.server.token}", "Content-Type": "application/json"}
        for attempt in range(2):
            if self._connection is None:
                self._connection = http.client.HTTPConnection(
                    "127.0.0.1", self.server.port, timeout=self.timeout
                )
            try:
                self._connection.request(method, f"/api/v1{path}", body=payload, headers=headers)
                response = self._connection.getresponse()
                return response.status, json.loads(response.read() or b"null")
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.close()
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


@contextmanager
def running_server(data_dir: Path) -> Iterator[ServerProcess]:
    """A started server on `data_dir` for the duration of the block, stopped even on errors."""
    server = ServerProcess(data_dir).start()
    try:
        yield server
    finally:
        server.stop()
