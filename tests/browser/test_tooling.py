"""The extension's own tools: its unit tests (node --test), ESLint, `web-ext lint` on the Firefox build."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from tests.support import missing_tool
from training.harness.browser import EXTENSION_SOURCE

BIN = EXTENSION_SOURCE / "node_modules" / ".bin"


@pytest.fixture(scope="module")
def linters() -> None:
    if not (BIN / "web-ext").exists() or not (BIN / "eslint").exists():
        missing_tool("extension linters missing: run `npm ci` in extension/ (the Makefile does)")


def run(command: list[str]) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_UPDATE_NOTIFIER": "1"}
    return subprocess.run(command, cwd=EXTENSION_SOURCE, capture_output=True, text=True, env=env, timeout=300)


def test_web_ext_lint_finds_nothing_in_the_firefox_build(linters, extension_dir):
    firefox = extension_dir.parent / "firefox"
    result = run(
        [str(BIN / "web-ext"), "lint", "--source-dir", str(firefox), "--self-hosted", "--output", "json"]
    )
    report = json.loads(result.stdout[result.stdout.index("{") :])
    found = {kind: report[kind] for kind in ("errors", "warnings", "notices") if report[kind]}
    assert found == {}, json.dumps(found, indent=2)
    assert report["summary"] == {"errors": 0, "notices": 0, "warnings": 0}


def test_eslint_is_clean(linters):
    result = run([str(BIN / "eslint"), "--max-warnings", "0", "."])
    assert result.returncode == 0, result.stdout + result.stderr


def test_worker_unit_tests_pass():
    node = shutil.which("node")
    if node is None:
        missing_tool("the extension's unit tests need Node.js")
    result = run([node, "--test", "tests/"])
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
