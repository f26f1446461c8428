"""The estimator's input checks: papers as a DataFrame with text columns, labels as 0/1 with both kinds."""

from __future__ import annotations

import numpy as np
import pandas as pd

from model.text import paper_texts


def as_papers(X: pd.DataFrame) -> pd.DataFrame:
    """X itself, once it is a DataFrame with the text columns (else a clear error)."""
    if not isinstance(X, pd.DataFrame):
        raise TypeError(
            f"papers must be a pandas DataFrame with columns title and abstract, not {type(X).__name__}"
        )
    paper_texts(X)  # raises a clear ValueError when a column is missing
    return X


def as_labels(y: np.ndarray, n_papers: int) -> np.ndarray:
    """y as 0/1 integers, one per paper, with both kinds present (else a clear error)."""
    labels = np.asarray(y)
    if labels.ndim != 1 or len(labels) != n_papers:
        raise ValueError(f"need one label per paper: {n_papers} papers, labels of shape {labels.shape}")
    if not np.isin(labels, [0, 1]).all():
        raise ValueError("labels must be 1 (👍) or 0 (👎)")
    labels = labels.astype(int)
    if labels.min() == labels.max():
        raise ValueError("need at least one 👍 (1) and one 👎 (0) to fit")
    return labels
