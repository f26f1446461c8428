"""The Rocchio prior the classifier is shrunk toward, in its term, latent and embedding blocks.

In every block: the centroid of the 👍 rows, minus corpus_weight times the corpus centroid (the
unrated papers as weak negatives), minus dislike_weight times the 👎 rows' centroid's departure
from the corpus centroid (embeddings are centred on the corpus mean already), times strength.

In the embedding block the 👍 centroid also gets the mean of the corpus papers that this block's
Rocchio query retrieves first (pseudo-relevance feedback, Rocchio's own; Xu & Croft, SIGIR 1996):
the top FEEDBACK_SHARE of a fixed corpus sample, copies of a 👎 paper left out. It counts as
feedback_papers more 👍 papers would (weight feedback_papers / the 👍 papers with a vector), and the
👎 term grows with it, so the 👎 keep their share of the query. With two 👍 the centroid is two
papers' accident and the reader's own corpus says what else lies in that direction; with twenty it
is known, and the feedback fades.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from model.features import PreparedCorpus

FEEDBACK_SHARE = 0.01
MIN_FEEDBACK_PAPERS = 3
TWIN_COSINE = 0.98  # as model/neighbours.py: a copy of the paper itself


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
    feedback_rows: np.ndarray | None = None,
    feedback_papers: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """(term prior, dense prior) for term rows and dense rows (latent columns first, scaled by
    sqrt(latent_weight), then the centred embedding columns) with labels 1 (👍) / 0 (👎);
    feedback_rows: corpus papers in the embedding columns' coordinates (None: no feedback)."""
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
    liked_centroid = mean_of_present(dense[liked, k:])
    disliked_centroid = mean_of_present(dense[disliked, k:])
    query = liked_centroid - dislike_weight * disliked_centroid
    liked_present = int((np.abs(dense[liked, k:]).sum(axis=1) > 0).sum())
    feedback = pseudo_relevant(query, feedback_rows, dense[disliked, k:])
    share = feedback_papers / liked_present if liked_present and feedback.any() else 0.0
    embedding_prior = liked_centroid + share * feedback - (1 + share) * dislike_weight * disliked_centroid
    return strength * term_prior, strength * np.concatenate([latent_prior, embedding_prior])


def pseudo_relevant(query: np.ndarray, rows: np.ndarray | None, disliked: np.ndarray) -> np.ndarray:
    """Mean of the rows the query retrieves first (the top FEEDBACK_SHARE, at least
    MIN_FEEDBACK_PAPERS), leaving out copies of a 👎 paper (cosine >= TWIN_COSINE): a paper the
    reader turned down is never taken for a relevant one. Zero without rows or without a query."""
    if rows is None or len(rows) == 0 or not query.any():
        return np.zeros_like(query)
    candidates = rows
    present = disliked[np.abs(disliked).sum(axis=1) > 0]
    if len(present):
        unit = present / np.linalg.norm(present, axis=1, keepdims=True)
        norms = np.linalg.norm(rows, axis=1)
        cosine = (rows @ unit.T).max(axis=1) / np.where(norms > 0, norms, 1.0)
        candidates = rows[cosine < TWIN_COSINE]
        if len(candidates) == 0:
            return np.zeros_like(query)
    count = min(len(candidates), max(MIN_FEEDBACK_PAPERS, round(FEEDBACK_SHARE * len(rows))))
    top = np.argpartition(-(candidates @ query), count - 1)[:count]
    return candidates[top].mean(axis=0)


def mean_of_present(rows: np.ndarray) -> np.ndarray:
    """Mean of the rows that are not all zero (papers with a vector); zero when there is none."""
    present = np.abs(rows).sum(axis=1) > 0
    return rows[present].mean(axis=0) if present.any() else np.zeros(rows.shape[1])


def columns_used(rows: sp.csr_matrix) -> np.ndarray:
    """Boolean mask of the term columns that occur in any of the rows."""
    return np.bincount(rows.indices, minlength=rows.shape[1]) > 0
