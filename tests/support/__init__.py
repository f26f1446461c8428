"""Test-only support: the screenshot folder, skip-or-fail for a missing tool (harness: training.harness)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import NoReturn

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT_DIR = REPO_ROOT / "test-output" / "screenshots"


def in_ci() -> bool:
    """CI=true: a test that needs a missing tool fails instead of skipping."""
    return os.environ.get("CI") == "true"


def missing_tool(message: str) -> NoReturn:
    """Skip the test for a missing browser, Node or npm package; fail it under CI=true."""
    if in_ci():
        pytest.fail(f"{message} (CI=true: these tests must run)")
    pytest.skip(message)
