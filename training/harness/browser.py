"""Real pieces for the extension's end-to-end tests and benchmark: the built extension, a real
`papersieve serve` process, and Debian's Chromium with the unpacked extension loaded.

Used by tests/browser/ and training/bench_extension.py. Nothing here downloads anything.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
EXTENSION_SOURCE = REPO_ROOT / "extension"
SCREENSHOT_DIR = REPO_ROOT / "test-output" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--no-default-browser-check",
]
# Every non-loopback request of a test page is answered here (snapshots) or aborted. A regex (not a
# Python callable) so Playwright matches it in the driver: loopback requests never wait on Python.
NOT_LOOPBACK = re.compile(r"^(?!https?://(?:127\.0\.0\.1|localhost)[:/])")


class MissingTool(RuntimeError):
    """Chromium or Node is not installed: tests skip locally and fail under CI=true."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def build_extension(out_dir: Path) -> Path:
    """Build both packages into out_dir with the extension's own build script; the Chromium dir."""
    node = shutil.which("node")
    if node is None:
        raise MissingTool("the extension build needs Node.js (`node`)")
    subprocess.run(
        [node, "scripts/build.mjs", "--out", str(out_dir)],
        cwd=EXTENSION_SOURCE,
        check=True,
        capture_output=True,
        text=True,
    )
    return out_dir / "chromium"


@dataclass
class PapersieveServer:
    """`papersieve serve` on a fixed loopback port and data dir; can be stopped and started again."""

    data_dir: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @cached_property
    def token(self) -> str:
        """What `papersieve token --data-dir` prints (it creates the token if need be)."""
        return subprocess.run(
            [sys.executable, "-m", "server.cli", "token", "--data-dir", str(self.data_dir)],
            cwd=REPO_ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()

    def start(self, timeout: float = 30) -> PapersieveServer:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = (self.data_dir / "server.log").open("a")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "server.cli",
                "serve",
                "--port",
                str(self.port),
                "--data-dir",
                str(self.data_dir),
            ],
            cwd=REPO_ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"papersieve serve exited:\n{(self.data_dir / 'server.log').read_text()}")
            try:
                with urllib.request.urlopen(f"{self.url}/api/v1/health", timeout=1):
                    return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("papersieve serve did not answer in time")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def api(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        """One authenticated API call, as the extension makes it; (status, parsed JSON)."""
        request = urllib.request.Request(
            f"{self.url}/api/v1{path}",
            data=None if body is None else json.dumps(body).encode(),
            method=method,
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")


@contextmanager
def running_server(data_dir: Path) -> Iterator[PapersieveServer]:
    """A real `papersieve serve` on `data_dir` for the duration of the block, stopped even on errors."""
    server = PapersieveServer(data_dir).start()
    try:
        yield server
    finally:
        server.stop()


def paper_json(paper: Any, site: str = "https://arxiv.org/abs/") -> dict[str, str]:
    """A snapshot paper as the API takes it."""
    return {"id": paper.id, "title": paper.title, "abstract": paper.abstract, "url": f"{site}{paper.id}"}


class ExtensionBrowser:
    """Debian's Chromium (new headless) with the unpacked extension, in a persistent profile."""

    def __init__(self, playwright: Any, extension_dir: Path, user_data_dir: Path) -> None:
        if not CHROMIUM.exists():
            raise MissingTool(f"browser tests need Debian's chromium at {CHROMIUM}")
        self.context = playwright.chromium.launch_persistent_context(
            str(user_data_dir),
            executable_path=str(CHROMIUM),
            headless=False,  # --headless=new below: the old headless mode cannot load extensions
            ignore_default_args=["--disable-extensions"],
            args=[
                *CHROMIUM_ARGS,
                f"--disable-extensions-except={extension_dir}",
                f"--load-extension={extension_dir}",
            ],
            viewport={"width": 1280, "height": 900},
        )
        self.extension_id = self._first_worker().url.split("/")[2]
        # An extension page kept open for the tests: it reads and writes chrome.storage like the
        # options page does, and its DevTools session watches and stops the service worker.
        self.control = self.context.new_page()
        self.control.goto(self.extension_url("src/options/options.html"))
        self.worker_states: dict[str, str] = {}
        self._devtools = self.context.new_cdp_session(self.control)
        self._devtools.on("ServiceWorker.workerVersionUpdated", self._track_workers)
        self._devtools.send("ServiceWorker.enable")

    def _first_worker(self, timeout_ms: float = 15000) -> Any:
        for worker in self.context.service_workers:
            if worker.url.startswith("chrome-extension://"):
                return worker
        return self.context.wait_for_event("serviceworker", timeout=timeout_ms)

    def _track_workers(self, event: dict[str, Any]) -> None:
        for version in event["versions"]:
            self.worker_states[version["versionId"]] = version["runningStatus"]

    def extension_url(self, path: str) -> str:
        return f"chrome-extension://{self.extension_id}/{path}"

    def storage(self, script: str, arg: Any = None) -> Any:
        """Run `async (arg) => …` with chrome.* in an extension page (the worker may be stopped)."""
        return self.control.evaluate(script, arg)

    def reset(self, server: PapersieveServer, profile: str, **settings: Any) -> None:
        """Forget everything the extension stored, then point it at `server` and `profile`."""
        stored = {
            "serverUrl": server.url,
            "token": server.token,
            "profile": profile,
            "highlightAbove": 0.7,
            "dimBelow": 0.3,
            "mode": "dim",
            "pausedSites": {},
            **settings,
        }
        self.storage(
            """async (settings) => {
                await chrome.storage.session.clear();
                await chrome.storage.local.clear();
                await chrome.storage.local.set({ settings });
            }""",
            stored,
        )

    def update_settings(self, **changes: Any) -> None:
        """Change stored settings as the options page does (open pages react at once)."""
        self.storage(
            """async (changes) => {
                const { settings } = await chrome.storage.local.get("settings");
                await chrome.storage.local.set({ settings: { ...settings, ...changes } });
            }""",
            changes,
        )

    def worker_running(self) -> bool:
        return "running" in self.worker_states.values()

    def stop_worker(self, timeout: float = 10) -> None:
        """Stop the extension's service worker, as Chromium does when it is idle, and wait for it."""
        self._devtools.send("ServiceWorker.stopAllWorkers")
        deadline = time.monotonic() + timeout
        while self.worker_running():
            if time.monotonic() > deadline:
                raise TimeoutError(f"the service worker did not stop: {self.worker_states}")
            self.control.wait_for_timeout(20)

    def open_digest(self, url: str, html: str, before_load: Callable[[Any], None] | None = None) -> Any:
        """A new tab showing a snapshot at the site's real URL; every other request is refused."""
        page = self.context.new_page()
        page.route(NOT_LOOPBACK, lambda route: route.abort())
        page.route(url, _fulfill_with(html))
        if before_load is not None:
            before_load(page)
        page.goto(url)
        return page

    def close(self) -> None:
        self.context.close()


def _fulfill_with(body: str) -> Any:
    def fulfill(route: Any) -> None:
        route.fulfill(status=200, content_type="text/html; charset=utf-8", body=body)

    return fulfill


def in_ci() -> bool:
    return os.environ.get("CI") == "true"
