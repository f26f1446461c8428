"""Large synthetic corpora made of real texts, for the scale benchmarks (training/bench/stress.py).

The first papers are citeulike-a's real papers (title + abstract) and then citeulike-t's (bag-of-
words text as abstract), 42,000 in all; beyond those, paper k joins a real citeulike-a title with
another real paper's abstract, chosen with a fixed seed, and its sentence vector is the normalised
sum of the two source papers' vectors (the cached real embeddings, training/datasets/
embedding_cache.py; the first run embeds the two datasets, minutes on a CPU). Ratings: a fixed
random choice of the stored papers, 👍 when the text mentions "network" (one coherent interest),
else 👎.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from server.store import Paper, RatedPaper, Store, current_encoder_key, now
from server.validation import check_paper
from training.datasets.embedding_cache import dataset_embeddings
from training.datasets.shared_data import hf_trending_page, shared_data_dir

SEED = 0
WRITE_CHUNK = 5_000


@dataclass(frozen=True)
class Sources:
    titles: list[str]
    abstracts: list[str]
    vectors: np.ndarray | None  # (len(titles), 384) float32, or None without vectors
    n_titled: int  # the first n_titled papers (citeulike-a) have a real title


def read_sources(with_vectors: bool = True) -> Sources:
    """citeulike-a's and citeulike-t's texts, and their cached sentence vectors."""
    a = pd.read_csv(shared_data_dir() / "citeulike-a" / "items.csv.gz", keep_default_na=False)
    t = pd.read_csv(shared_data_dir() / "citeulike-t" / "items.csv.gz", keep_default_na=False)
    a_texts = pd.DataFrame({"title": a["title"].to_numpy(), "abstract": a["abstract"].to_numpy()})
    t_texts = pd.DataFrame({"title": "", "abstract": t["text"].to_numpy()})
    vectors = None
    if with_vectors:
        vectors = np.vstack(
            [
                dataset_embeddings("citeulike-a", a_texts, quiet=True),
                dataset_embeddings("citeulike-t", t_texts, quiet=True),
            ]
        )
    return Sources(
        titles=[*a_texts["title"], *t_texts["title"]],
        abstracts=[*a_texts["abstract"], *t_texts["abstract"]],
        vectors=vectors,
        n_titled=len(a_texts),
    )


def synthetic_papers(
    sources: Sources, size: int, seed: int = SEED
) -> tuple[list[Paper], list[np.ndarray | None]]:
    """`size` papers with ids synthetic:0, synthetic:1, … (text as the API stores it) and their vectors."""
    rng = np.random.default_rng(seed)
    real = len(sources.titles)
    papers: list[Paper] = []
    vectors: list[np.ndarray | None] = []
    for k in range(size):
        if k < real:
            i = j = k
            title, abstract = sources.titles[k], sources.abstracts[k]
        else:
            i, j = int(rng.integers(0, sources.n_titled)), int(rng.integers(0, real))
            title, abstract = sources.titles[i], sources.abstracts[j]
        papers.append(check_paper({"id": f"synthetic:{k}", "title": title, "abstract": abstract, "url": ""}))
        if sources.vectors is None:
            vectors.append(None)
        else:
            vector = sources.vectors[i] if i == j else sources.vectors[i] + sources.vectors[j]
            vectors.append((vector / max(float(np.linalg.norm(vector)), 1e-12)).astype(np.float32))
    return papers, vectors


def build_store(
    data_dir: Path, sources: Sources, size: int, ratings: int, seed: int = SEED
) -> tuple[list[dict], list[Paper]]:
    """A data dir whose default profile has seen `size` synthetic papers and the 104-paper trending
    page (every one with its vector when the sources have them) and rated `ratings` of the synthetic
    ones. Returns the page (API form) and the stored papers."""
    papers, vectors = synthetic_papers(sources, size, seed)
    page = hf_trending_page()
    page_papers = [check_paper(paper) for paper in page]
    key = current_encoder_key()
    with Store.open(data_dir) as store:
        for start in range(0, size, WRITE_CHUNK):
            chunk = papers[start : start + WRITE_CHUNK]
            store.record_seen("default", chunk)
            with_vector = [
                (p, v)
                for p, v in zip(chunk, vectors[start : start + WRITE_CHUNK], strict=True)
                if v is not None
            ]
            if key is not None and with_vector:
                store.save_embeddings(key, with_vector)
        store.record_seen("default", page_papers)
        if key is not None and sources.vectors is not None:
            page_frame = pd.DataFrame(
                {"title": [p.title for p in page_papers], "abstract": [p.abstract for p in page_papers]}
            )
            store.save_embeddings(
                key, zip(page_papers, dataset_embeddings("hf-trending", page_frame, quiet=True), strict=True)
            )
        rng = np.random.default_rng(seed + 1)
        chosen = rng.choice(size, size=min(ratings, size), replace=False)
        rated = []
        for index in chosen:
            paper = papers[int(index)]
            liked = "network" in f"{paper.title} {paper.abstract}".lower()
            rated.append(RatedPaper(paper, 1 if liked else -1, now()))
        if len({item.rating for item in rated}) == 1:  # one of each, so that the profile has a model
            rated[0] = RatedPaper(rated[0].paper, -rated[0].rating, rated[0].rated_at)
        store.import_ratings("default", rated)
    return page, papers
