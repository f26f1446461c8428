"""papersieve's per-reader relevance model: text features, the estimator, reasons, persistence."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from model.classifier import PaperClassifier
    from model.features import PreparedCorpus, prepare_corpus
    from model.persistence import ModelLoadError, load_model, save_model

# Imported on first use, so that `import model.embedding` (the encoder's child process,
# server/encoder_process.py) does not load scikit-learn, pandas and scipy.
_LAZY = {
    "PaperClassifier": "model.classifier",
    "PreparedCorpus": "model.features",
    "prepare_corpus": "model.features",
    "ModelLoadError": "model.persistence",
    "load_model": "model.persistence",
    "save_model": "model.persistence",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'model' has no attribute {name!r}")


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
    import pandas as pd

    from model.classifier import PaperClassifier
    from model.corpus_cache import prepared_for

    if isinstance(corpus, pd.DataFrame):
        corpus = prepared_for(corpus)
    return PaperClassifier(corpus=corpus)
