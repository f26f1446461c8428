"""Where papersieve keeps its data: --data-dir, else $PAPERSIEVE_DATA_DIR, else the platform's
user data directory. Only the CLI calls this; everything below it receives the path."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir

DATA_DIR_ENV = "PAPERSIEVE_DATA_DIR"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8417


def resolve_data_dir(explicit: str | Path | None) -> Path:
    if explicit:
        return Path(explicit).expanduser()
    if os.environ.get(DATA_DIR_ENV):
        return Path(os.environ[DATA_DIR_ENV]).expanduser()
    return Path(user_data_dir("papersieve", appauthor=False))


def saved_model_path(data_dir: Path, profile: str) -> Path:
    """Where a profile's model is saved (profile names are safe file names: see validation)."""
    return Path(data_dir) / "models" / f"{profile}.joblib"


def remove_saved_model(data_dir: Path, profile: str) -> None:
    """Delete a profile's saved model, if it has one."""
    saved_model_path(data_dir, profile).unlink(missing_ok=True)
