"""The built extension in Debian's firefox-esr, driven over WebDriver BiDi by puppeteer-core.

extension/tests/firefox/driver.mjs launches Firefox headless, installs dist/firefox as a temporary
add-on and answers one JSON command per line; this module starts it and gives the browser tests
(tests/browser/test_firefox.py) pages with the `evaluate` / `wait_for_function` that
page_state.py uses, real clicks, and the extension's storage. Nothing here downloads anything.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import subprocess
import threading
from pathlib import Path
from typing import Any

from training.harness.browser import EXTENSION_SOURCE, MissingTool, stored_settings
from training.harness.server_process import ServerProcess

FIREFOX = Path("/usr/bin/firefox-esr")
DRIVER = EXTENSION_SOURCE / "tests" / "firefox" / "driver.mjs"
PUPPETEER = EXTENSION_SOURCE / "node_modules" / "puppeteer-core"
GECKO_ID = "papersieve@papersieve.local"  # scripts/build.mjs
EXTENSION_UUID = "5e1f0c2a-8d4b-4c6e-9a7f-3b2d1e0f9c8a"  # fixed by a pref, so its pages have one origin
START_TIMEOUT = 150  # seconds: launch (90 s at most), install, the onboarding tab (30 s at most)
REPLY_SLACK = 30  # seconds a reply may take beyond the command's own timeout


class FirefoxPage:
    """One tab of the driven Firefox: the part of a Playwright page that page_state.py uses."""

    def __init__(self, browser: FirefoxBrowser, page_id: int) -> None:
        self.browser = browser
        self.page_id = page_id

    def evaluate(self, script: str, arg: Any = None) -> Any:
        """Run `(arg) => …` in the page's main world; its JSON result."""
        return self.browser.command("evaluate", page=self.page_id, script=script, arg=arg)

    def wait_for_function(self, script: str, arg: Any = None, timeout: float = 15000) -> None:
        """Until `(arg) => …` is truthy in the page (timeout in ms, as in Playwright)."""
        self.browser.command(
            "waitFor", timeout / 1000, page=self.page_id, script=script, arg=arg, timeout=timeout
        )

    def click(self, selector: str, index: int = 0) -> None:
        """A real mouse click on the index-th element matching `selector`."""
        self.browser.command("click", page=self.page_id, selector=selector, index=index)

    def close(self) -> None:
        self.browser.command("close", page=self.page_id)


class FirefoxBrowser:
    """Firefox with the extension installed, through driver.mjs (one process, one JSON line each way)."""

    def __init__(self, extension_dir: Path, log_path: Path) -> None:
        node = shutil.which("node")
        if not FIREFOX.exists():
            raise MissingTool(f"the Firefox tests need Debian's firefox-esr at {FIREFOX}")
        if node is None:
            raise MissingTool("the Firefox tests need Node.js (`node`)")
        if not PUPPETEER.is_dir():
            raise MissingTool("the Firefox tests need puppeteer-core: cd extension && npm ci")
        config = {
            "firefox": str(FIREFOX),
            "extension": str(extension_dir),
            "addonId": GECKO_ID,
            "uuid": EXTENSION_UUID,
        }
        self.log_path = log_path
        self._log = log_path.open("w")
        self.process = subprocess.Popen(
            [node, str(DRIVER), json.dumps(config)],
            cwd=EXTENSION_SOURCE,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            text=True,
            env={**os.environ, "PUPPETEER_SKIP_DOWNLOAD": "true"},
            start_new_session=True,  # its own process group: Firefox goes with it on a kill
        )
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self._ids = 0
        try:
            ready = self._next_line(START_TIMEOUT)
        except Exception:
            self.close()
            raise
        self.version = ready["version"]
        self.extension_base = ready["base"]

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.put(line)
        self._lines.put(None)

    def _next_line(self, timeout: float) -> dict[str, Any]:
        try:
            line = self._lines.get(timeout=timeout)
        except queue.Empty:
            raise TimeoutError(f"the Firefox driver said nothing for {timeout:g} s\n{self.output}") from None
        if line is None:
            raise RuntimeError(f"the Firefox driver exited ({self.process.wait()}):\n{self.output}")
        return json.loads(line)

    @property
    def output(self) -> str:
        """What the driver and Firefox printed on stderr so far."""
        self._log.flush()
        return self.log_path.read_text(errors="replace")[-4000:]

    def command(self, cmd: str, wait: float = 0, **args: Any) -> Any:
        """Send one command and wait for its reply (`wait` s more than usual); raise with the
        driver's error message."""
        self._ids += 1
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps({"id": self._ids, "cmd": cmd, **args}) + "\n")
        self.process.stdin.flush()
        reply = self._next_line(wait + REPLY_SLACK)
        assert reply["id"] == self._ids, reply
        if not reply["ok"]:
            raise AssertionError(f"{cmd}: {reply['error']}")
        return reply["value"]

    def storage(self, script: str, arg: Any = None) -> Any:
        """Run `async (arg) => …` with browser.* in the extension's options page."""
        return self.command("extension", script=script, arg=arg)

    def reset(self, server: ServerProcess, profile: str, **settings: Any) -> None:
        """Forget everything the extension stored, then point it at `server` and `profile`."""
        stored = stored_settings(server, profile, **settings)
        self.storage(
            """async (settings) => {
                await browser.storage.session.clear();
                await browser.storage.local.clear();
                await browser.storage.local.set({ settings });
            }""",
            stored,
        )

    def open_digest(self, url: str, html: str) -> FirefoxPage:
        """A new tab showing a snapshot at the site's real URL; every other request is refused."""
        return FirefoxPage(self, self.command("open", url=url, html=html))

    def close(self) -> None:
        """Quit Firefox (the driver closes it), killing the driver if it does not go in time."""
        if self.process.poll() is None:
            try:
                assert self.process.stdin is not None
                self.process.stdin.write(json.dumps({"cmd": "quit"}) + "\n")
                self.process.stdin.close()
                self.process.wait(timeout=20)
            except (OSError, subprocess.TimeoutExpired):
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._reader.join(timeout=5)
        if self.process.stdout is not None:
            self.process.stdout.close()
        self._log.close()
