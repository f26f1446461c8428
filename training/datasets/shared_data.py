"""Where the project's real evaluation data lives: ../shared/data beside the checkout."""

from __future__ import annotations

import json
import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def shared_data_dir() -> Path:
    """The shared data folder; PAPERSIEVE_SHARED_DATA overrides the default ../shared/data."""
    override = os.environ.get("PAPERSIEVE_SHARED_DATA")
    return Path(override) if override else REPO_ROOT.parent / "shared" / "data"


def hf_trending_papers() -> list[dict[str, str]]:
    """The 104 real papers of a Hugging Face trending page, with stable arXiv-style ids and URLs."""
    papers = json.loads((shared_data_dir() / "hf-trending-page.json").read_text(encoding="utf-8"))
    return [
        {
            "id": f"2501.{10000 + index:05d}",
            "title": paper["title"],
            "abstract": paper["abstract"],
            "url": f"https://huggingface.co/papers/2501.{10000 + index:05d}",
        }
        for index, paper in enumerate(papers)
    ]
