"""The built extension in Debian's Chromium (new headless), for the browser tests and the benchmark.

Used by tests/browser/ and training/bench/extension.py with a real server (server_process.py) and
page snapshots (sites/). Nothing here downloads anything.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from training.harness.server_process import REPO_ROOT, ServerProcess
from training.harness.sites.routes import fulfill_with

EXTENSION_SOURCE = REPO_ROOT / "extension"
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


def stored_settings(server: ServerProcess, profile: str, **settings: Any) -> dict[str, Any]:
    """The extension's stored settings for a test: `server` and `profile`, wide thresholds (0.7 /
    0.3, so that a test sees every mark), dim mode, no site paused; `settings` override them."""
    return {
        "serverUrl": server.url,
        "token": server.token,
        "profile": profile,
        "highlightAbove": 0.7,
        "dimBelow": 0.3,
        "mode": "dim",
        "pausedSites": {},
        **settings,
    }


class MissingTool(RuntimeError):
    """Chromium or Node is not installed: tests skip locally and fail under CI=true."""


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

    def reset(self, server: ServerProcess, profile: str, **settings: Any) -> None:
        """Forget everything the extension stored, then point it at `server` and `profile`; close
        the onboarding tab the install opened (it would keep asking the worker whether the server
        answers; tests/browser/test_onboarding.py opens its own)."""
        for page in self.context.pages:
            if page.url == self.extension_url("src/onboarding/onboarding.html"):
                page.close()
        stored = stored_settings(server, profile, **settings)
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
        page.route(url, fulfill_with(html))
        if before_load is not None:
            before_load(page)
        page.goto(url)
        return page

    def close(self) -> None:
        self.context.close()
