"""The Rocchio prior the classifier is shrunk toward, in its term, latent and embedding blocks.

In every block: the centroid of the 👍 rows, minus corpus_weight times the corpus centroid (the
unrated papers as weak negatives), minus dislike_weight times the 👎 rows' centroid's departure
from the corpus centroid (embeddings are centred on the corpus mean already), times strength.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from model.features import PreparedCorpus


def rocchio_prior(
    terms: sp.csr_matrix,
    dense: np.ndarray,
    labels: np.ndarray,
    corpus: PreparedCorpus,
    *,
    latent_weight: float,
    corpus_weight: float,
    dislike_weight: float,
    strength: float,
) -> tuple[np.ndarray, np.ndarray]:
    """(term prior, dense prior) for term rows and dense rows (latent columns first, scaled by
    sqrt(latent_weight), then the centred embedding columns) with labels 1 (👍) / 0 (👎)."""
    liked, disliked = labels == 1, labels == 0
    k = corpus.latent_dimensions
    term_mean = corpus.term_mean
    term_prior = (
        np.asarray(terms[liked].mean(axis=0)).ravel()
        - corpus_weight * term_mean
        - dislike_weight * (np.asarray(terms[disliked].mean(axis=0)).ravel() - term_mean)
    )
    latent_mean = np.sqrt(latent_weight) * corpus.latent_mean
    latent = dense[:, :k]
    latent_prior = (
        latent[liked].mean(axis=0)
        - corpus_weight * latent_mean
        - dislike_weight * (latent[disliked].mean(axis=0) - latent_mean)
    )
    embedding_prior = mean_of_present(dense[liked, k:]) - dislike_weight * mean_of_present(
        dense[disliked, k:]
    )
    return strength * term_prior, strength * np.concatenate([latent_prior, embedding_prior])


def mean_of_present(rows: np.ndarray) -> np.ndarray:
    """Mean of the rows that are not all zero (papers with a vector); zero when there is none."""
    present = np.abs(rows).sum(axis=1) > 0
    return rows[present].mean(axis=0) if present.any() else np.zeros(rows.shape[1])


def columns_used(rows: sp.csr_matrix) -> np.ndarray:
    """Boolean mask of the term columns that occur in any of the rows."""
    return np.bincount(rows.indices, minlength=rows.shape[1]) > 0
