"""Fixtures shared by every test: no test ever sees the user's real data directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from training.datasets.shared_data import hf_trending_page


@pytest.fixture(autouse=True)
def isolated_data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the default data directory (env and platform dirs) at a fresh temporary folder."""
    root = tmp_path_factory.mktemp("papersieve-home")
    monkeypatch.setenv("PAPERSIEVE_DATA_DIR", str(root / "data"))
    monkeypatch.setenv("XDG_DATA_HOME", str(root / "xdg-data"))
    monkeypatch.setenv("HOME", str(root))
    return root / "data"


@pytest.fixture(scope="session")
def hf_papers() -> list[dict[str, str]]:
    """The 104 real papers of a Hugging Face trending page, with stable arXiv-style ids."""
    return hf_trending_page()
