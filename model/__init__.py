"""papersieve's per-reader relevance model: text features, the estimator, reasons, persistence."""

from __future__ import annotations

import pandas as pd

from model.classifier import PaperClassifier
from model.corpus_cache import prepared_for
from model.features import PreparedCorpus, prepare_corpus
from model.persistence import ModelLoadError, load_model, save_model

__all__ = [
    "ModelLoadError",
    "PaperClassifier",
    "PreparedCorpus",
    "load_model",
    "make_classifier",
    "prepare_corpus",
    "save_model",
]


def make_classifier(corpus: pd.DataFrame | PreparedCorpus | None = None) -> PaperClassifier:
    """A fresh, unfitted classifier; a DataFrame corpus is prepared once per content (memoised)."""
    if isinstance(corpus, pd.DataFrame):
        corpus = prepared_for(corpus)
    return PaperClassifier(corpus=corpus)
