"""Where the project's real evaluation data lives: ../shared/data beside the checkout."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def shared_data_dir() -> Path:
    """The shared data folder; PAPERSIEVE_SHARED_DATA overrides the default ../shared/data."""
    override = os.environ.get("PAPERSIEVE_SHARED_DATA")
    return Path(override) if override else REPO_ROOT.parent / "shared" / "data"
