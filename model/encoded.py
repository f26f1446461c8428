"""Papers encoded in the term and latent spaces: their expanded term rows, their own terms' part,
their latent rows, and the corpus neighbours their rows were expanded with (model/neighbours.py)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from model.latent_space import LatentSpace
from model.neighbours import NeighbourIndex
from model.term_space import TermSpace


@dataclass(frozen=True)
class Encoded:
    """Papers in both spaces: expanded term rows (csr, L2), the paper's own terms' part of them
    (csr, same scale), latent rows of the expanded rows (dense; zero columns without a latent space),
    the latent rows' norms before normalisation (for exact explanations), and each paper's corpus
    neighbours with their weights in the expanded row (zero columns without a neighbour index)."""

    terms: sp.csr_matrix
    own: sp.csr_matrix
    latent: np.ndarray
    latent_norms: np.ndarray
    neighbour_ids: np.ndarray
    neighbour_weights: np.ndarray

    def __len__(self) -> int:
        return self.terms.shape[0]


def expand_rows(rows: sp.csr_matrix, latent: LatentSpace | None, index: NeighbourIndex | None) -> Encoded:
    """Encoded papers from their own L2 term rows: expanded with their corpus neighbours, then projected."""
    n = rows.shape[0]
    if index is None:
        terms, own = rows, rows
        ids, weights = np.zeros((n, 0), dtype=np.int32), np.zeros((n, 0), dtype=np.float32)
    else:
        ids, weights = index.nearest(rows)
        combined = (rows + index.context(ids, weights)).tocsr()
        norms = sp.linalg.norm(combined, axis=1)
        scale = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
        terms, own = (sp.diags(scale) @ combined).tocsr(), (sp.diags(scale) @ rows).tocsr()
        weights = (weights * scale[:, None]).astype(np.float32)
    if latent is None:
        return Encoded(terms, own, np.zeros((n, 0)), np.zeros(n), ids, weights)
    return Encoded(terms, own, *latent.project(terms), ids, weights)


def encode_with(
    terms: TermSpace,
    latent: LatentSpace | None,
    neighbours: NeighbourIndex | None,
    titles: list[str],
    abstracts: list[str],
) -> Encoded:
    return expand_rows(terms.encode(titles, abstracts), latent, neighbours)
