"""Document expansion: a paper's term row is blended with the rows of its nearest corpus papers.

Abstracts, and citeulike-t's bags of words even more, are short: two papers on one topic often share
few words. Each paper's (L2) term row t gets NEIGHBOUR_WEIGHT times the similarity-weighted mean of
the rows of its NEIGHBOURS most similar corpus papers (term cosine; copies of the paper itself,
cosine >= TWIN_COSINE, are skipped), and the sum is L2-normalised again. A paper then also counts
for the words of its neighbourhood: the cluster hypothesis of document expansion in retrieval
(Tao, Wang, Mei, Zhai, HLT-NAACL 2006). The rows the model fits and scores are expanded ones, the
reasons come from the paper's own terms only (see model/README.md for what it measured).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

NEIGHBOURS = 10
NEIGHBOUR_WEIGHT = 0.5
TWIN_COSINE = 0.98
MIN_CORPUS_DOCUMENTS = 20
_CHUNK_ROWS = 256  # similarity rows held at once (256 x 20,000 float32: 20 MB)


class NeighbourIndex:
    """The corpus's term rows, searchable by cosine, and the blend of a paper's neighbours' rows."""

    def __init__(
        self, rows: sp.csr_matrix, neighbours: int = NEIGHBOURS, weight: float = NEIGHBOUR_WEIGHT
    ) -> None:
        if rows.shape[0] < 2:
            raise ValueError("a neighbour index needs at least two corpus papers")
        self.rows = sp.csr_matrix(rows, dtype=np.float32)
        self.neighbours = min(neighbours, rows.shape[0] - 1)
        self.weight = weight
        self._transposed = self.rows.T.tocsr()

    def __getstate__(self) -> dict:
        return {"rows": self.rows, "neighbours": self.neighbours, "weight": self.weight}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._transposed = self.rows.T.tocsr()

    def nearest(self, rows: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
        """Per paper, its `neighbours` most similar corpus rows and their weights (summing to 1;
        all 0 for a paper that shares no term with the corpus): two (n, neighbours) arrays."""
        k = self.neighbours
        ids = np.zeros((rows.shape[0], k), dtype=np.int32)
        weights = np.zeros((rows.shape[0], k), dtype=np.float32)
        queries = sp.csr_matrix(rows, dtype=np.float32)
        for start in range(0, rows.shape[0], _CHUNK_ROWS):
            stop = min(start + _CHUNK_ROWS, rows.shape[0])
            similarity = (queries[start:stop] @ self._transposed).toarray()
            similarity[similarity >= TWIN_COSINE] = 0.0
            chosen = np.argpartition(-similarity, k - 1, axis=1)[:, :k]
            values = np.take_along_axis(similarity, chosen, axis=1).clip(min=0.0)
            totals = values.sum(axis=1, keepdims=True)
            ids[start:stop] = chosen
            weights[start:stop] = np.divide(values, totals, out=np.zeros_like(values), where=totals > 0)
        return ids, weights

    def context(self, ids: np.ndarray, weights: np.ndarray) -> sp.csr_matrix:
        """weight x sum_j weights[i, j] x corpus row ids[i, j], one row per paper (float64)."""
        n, k = ids.shape
        mix = sp.csr_matrix(
            (weights.ravel(), ids.ravel(), np.arange(0, n * k + 1, k)), shape=(n, self.rows.shape[0])
        )
        return sp.csr_matrix(self.weight * (mix @ self.rows), dtype=np.float64)


def fit_neighbour_index(rows: sp.csr_matrix) -> NeighbourIndex | None:
    """An index over the corpus rows, or None for a corpus too small to have a neighbourhood."""
    if rows.shape[0] < MIN_CORPUS_DOCUMENTS:
        return None
    return NeighbourIndex(rows)
