"""Where the project's real evaluation data lives (../shared/data), and the one reader of its saved
Hugging Face trending page, with the one id scheme tests and benchmarks share."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Protocol

REPO_ROOT = Path(__file__).resolve().parents[2]
HF_PAPERS_URL = "https://huggingface.co/papers/"


def shared_data_dir() -> Path:
    """The shared data folder; PAPERSIEVE_SHARED_DATA overrides the default ../shared/data."""
    override = os.environ.get("PAPERSIEVE_SHARED_DATA")
    return Path(override) if override else REPO_ROOT.parent / "shared" / "data"


def arxiv_style_id(index: int, yymm: str = "2501") -> str:
    """A stable, realistic new-style arXiv id for the index-th paper of a data set without ids."""
    return f"{yymm}.{1017 + 131 * index:05d}"


@dataclass(frozen=True)
class SharedPaper:
    """One paper of the saved trending page: its id (arxiv_style_id) and the file's own text."""

    id: str
    title: str
    abstract: str


class HasText(Protocol):
    id: str
    title: str
    abstract: str


@cache
def hf_trending_papers() -> tuple[SharedPaper, ...]:
    """The 104 real papers of hf-trending-page.json in file order, ids 2501.01017, 2501.01148, …"""
    records = json.loads((shared_data_dir() / "hf-trending-page.json").read_text(encoding="utf-8"))
    return tuple(
        SharedPaper(arxiv_style_id(index), record["title"], record.get("abstract") or "")
        for index, record in enumerate(records)
    )


def paper_json(paper: HasText, site: str = "https://arxiv.org/abs/") -> dict[str, str]:
    """A paper as the API takes it: id, title, abstract and its URL on `site`."""
    return {"id": paper.id, "title": paper.title, "abstract": paper.abstract, "url": f"{site}{paper.id}"}


def hf_trending_page() -> list[dict[str, str]]:
    """The trending papers as the extension sends them from huggingface.co/papers (API form)."""
    return [paper_json(paper, HF_PAPERS_URL) for paper in hf_trending_papers()]
