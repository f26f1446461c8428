"""Run the real `papersieve serve` in a subprocess on a free port, for tests and benchmarks."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LISTENING = re.compile(r"listening on http://127\.0\.0\.1:(\d+)")


@dataclass
class LiveServer:
    process: subprocess.Popen
    port: int
    data_dir: Path
    token: str
    output: str = ""

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v1"

    def request(
        self, method: str, path: str, body: Any = None, headers: dict | None = None, timeout: float = 30
    ) -> tuple[int, Any]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            self.base_url + path,
            data=data,
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

    def stop(self, timeout: float = 15) -> int:
        """SIGTERM, wait, and keep everything the server printed in `output`; return its exit code."""
        if self.process.poll() is None:
            self.process.terminate()
        try:
            code = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise
        finally:
            if self.process.stdout and not self.process.stdout.closed:
                self.output += self.process.stdout.read()
                self.process.stdout.close()
        return code


def start_server(data_dir: Path, port: int = 0, timeout: float = 30) -> LiveServer:
    """Start the server and wait until it answers; port 0 lets it pick a free one."""
    command = [sys.executable, "-m", "server.cli", "serve", "--port", str(port), "--data-dir", str(data_dir)]
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    deadline = time.monotonic() + timeout
    lines = []
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            raise RuntimeError("papersieve serve exited early:\n" + "".join(lines))
        lines.append(line)
        found = LISTENING.search(line)
        if found:
            break
    else:
        process.kill()
        raise RuntimeError("papersieve serve did not start in time:\n" + "".join(lines))
    token = (data_dir / "token").read_text().strip()
    return LiveServer(process, int(found.group(1)), data_dir, token, "".join(lines))
