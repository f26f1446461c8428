"""citeulike-a loaded for the digest replay: real titles (abstracts for 1,929), libraries, TF-IDF rows.

Same shape as training/datasets/citeulike.py's CiteULike, so the replay's episodes and scorers run on it
unchanged. Per citeulike-a/README.md: eligible readers have at least 30 items; the reference TF-IDF
is `TfidfVectorizer(sublinear_tf=True, stop_words='english', ngram_range=(1, 2), min_df=2)` on
title + abstract, fitted on every item.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer

from training.datasets.citeulike import CiteULike, read_items_and_users
from training.datasets.shared_data import shared_data_dir

MIN_LIBRARY = 30


def citeulike_a_dir() -> Path:
    return shared_data_dir() / "citeulike-a"


def reference_vectorizer() -> TfidfVectorizer:
    """citeulike-a/README.md's footnote 1: the TF-IDF of its Rocchio sanity numbers."""
    return TfidfVectorizer(sublinear_tf=True, stop_words="english", ngram_range=(1, 2), min_df=2)


def load_citeulike_a(data_dir: Path | None = None) -> CiteULike:
    items, users = read_items_and_users(data_dir or citeulike_a_dir(), "citeulike-a")
    libraries = [np.array(list(map(int, s.split())), dtype=int) for s in users["items"]]
    texts = pd.DataFrame({"title": items["title"].to_numpy(), "abstract": items["abstract"].to_numpy()})
    documents = (texts["title"] + "\n" + texts["abstract"]).tolist()
    tfidf = reference_vectorizer().fit_transform(documents).tocsr()
    pool = np.arange(len(items))
    return CiteULike(items=items, pool=pool, libraries=libraries, texts=texts, tfidf=tfidf)
