"""citeulike-t loaded for the digest replay: item texts, libraries, the corpus frame and TF-IDF rows."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

from training.datasets.shared_data import shared_data_dir
from training.datasets.tfidf import arxiv_sanity_vectorizer


@dataclass(frozen=True)
class CiteULike:
    """Everything the replay needs; item ids index every array and frame row."""

    items: pd.DataFrame  # id, text, tags (tags only ever used to build pages, never as features)
    pool: np.ndarray  # ids of the items with non-empty text: the candidate pool
    libraries: list[np.ndarray]  # per user, library item ids restricted to the pool
    texts: pd.DataFrame  # one row per item: title "" and abstract = the item's bag of words
    tfidf: sp.csr_matrix  # arxiv-sanity-lite TF-IDF of every item, fitted on the pool's text
    embeddings: np.ndarray | None = None  # sentence embeddings of every item (with_embeddings)


def citeulike_dir() -> Path:
    return shared_data_dir() / "citeulike-t"


def read_items_and_users(folder: Path, dataset: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A CiteULike folder's items.csv.gz and users.csv.gz, empty fields kept as "" (their READMEs)."""
    items_path, users_path = folder / "items.csv.gz", folder / "users.csv.gz"
    for path in (items_path, users_path):
        if not path.exists():
            raise FileNotFoundError(f"{dataset} file missing: {path}")
    return pd.read_csv(items_path, keep_default_na=False), pd.read_csv(users_path, keep_default_na=False)


def load_citeulike(data_dir: Path | None = None) -> CiteULike:
    """Read the two CSVs exactly as evaluate_reference.py does and fit the shared vectorizer."""
    items, users = read_items_and_users(data_dir or citeulike_dir(), "citeulike-t")
    has_text = items["text"].str.len().to_numpy() > 0  # 31 items have an empty bag of words
    libraries = [np.array([i for i in map(int, s.split()) if has_text[i]], dtype=int) for s in users["items"]]
    pool = np.flatnonzero(has_text)
    texts = pd.DataFrame({"title": "", "abstract": items["text"].to_numpy()})
    tfidf = arxiv_sanity_vectorizer().fit(items["text"].iloc[pool]).transform(items["text"]).tocsr()
    return CiteULike(items=items, pool=pool, libraries=libraries, texts=texts, tfidf=tfidf)


def corpus_frame(data: CiteULike) -> pd.DataFrame:
    """The unlabelled corpus handed to make_classifier(corpus=...): every item with text."""
    return data.texts.iloc[data.pool].reset_index(drop=True)


def with_embeddings(data: CiteULike, name: str) -> CiteULike:
    """The same data with every item's sentence embedding (cached, see training/datasets/embedding_cache.py),
    as a matrix and as the texts' `embedding` column that papersieve's model reads."""
    from training.datasets.embedding_cache import dataset_embeddings

    vectors = dataset_embeddings(name, data.texts)
    texts = data.texts.assign(embedding=list(vectors))
    return replace(data, texts=texts, embeddings=vectors)
