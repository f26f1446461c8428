"""Papers' sentence embeddings as a matrix: the optional `embedding` column of a papers frame.

A frame may carry an `embedding` column whose entries are vectors (float32, DIMENSIONS long, as
model/embedding.py makes them) or None for a paper not embedded yet. A mask says which rows have
their own vector; the classifier gives the others none (zero after centring: the expectation of the
unknown part). An all-zero vector (what the encoder gives an empty text) counts as none.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from model.embedding import DIMENSIONS

EMBEDDING_COLUMN = "embedding"


def embedding_rows(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(n, DIMENSIONS) float64 rows (zeros where missing) and the boolean mask of rows present."""
    n = len(frame)
    matrix = np.zeros((n, DIMENSIONS))
    present = np.zeros(n, dtype=bool)
    if EMBEDDING_COLUMN not in frame.columns:
        return matrix, present
    given = [
        i
        for i, vector in enumerate(frame[EMBEDDING_COLUMN].to_numpy())
        if vector is not None and not (isinstance(vector, float) and np.isnan(vector))
    ]
    if not given:
        return matrix, present
    column = frame[EMBEDDING_COLUMN].to_numpy()
    try:
        rows = np.stack([np.asarray(column[i]).ravel() for i in given]).astype(np.float64)
    except ValueError:  # vectors of different lengths
        rows = None
    if rows is None or rows.shape[1] != DIMENSIONS or not np.isfinite(rows).all():
        bad = next(
            i
            for i in given
            if np.asarray(column[i]).size != DIMENSIONS
            or not np.isfinite(np.asarray(column[i], dtype=np.float64)).all()
        )
        raise ValueError(
            f"embedding of row {bad} must be {DIMENSIONS} finite numbers, "
            f"got shape {np.asarray(column[bad]).shape}"
        )
    nonzero = rows.any(axis=1)  # the encoder's vector of an empty text: nothing known about the paper
    index = np.asarray(given)[nonzero]
    matrix[index] = rows[nonzero]
    present[index] = True
    return matrix, present
