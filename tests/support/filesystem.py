"""Test-only file-system tricks: a directory made really read-only, then writable again."""

from __future__ import annotations

import os
import stat
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def _mount(*args: str) -> bool:
    return subprocess.run(["mount", *args], capture_output=True).returncode == 0


@contextmanager
def read_only(directory: Path) -> Iterator[None]:
    """Make `directory` really read-only for this process (and every other), then writable again."""
    if os.geteuid() != 0:
        mode = stat.S_IMODE(directory.stat().st_mode)
        directory.chmod(0o555)
        try:
            yield
        finally:
            directory.chmod(mode)
        return
    if not _mount("--bind", str(directory), str(directory)):
        pytest.skip("running as root without the right to mount: a read-only directory can't be made")
    try:
        if not _mount("-o", "remount,ro,bind", str(directory)):
            pytest.skip("cannot remount a bind mount read-only here")
        yield
    finally:
        if subprocess.run(["umount", str(directory)], capture_output=True).returncode:
            subprocess.run(["umount", "-l", str(directory)], check=True)
