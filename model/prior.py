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
    embedding_weight: float = 1.0,
    feedback_papers: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """(term prior, dense prior) for term rows and dense rows (latent columns first, scaled by
    sqrt(latent_weight), then the centred embedding columns, scaled by sqrt(embedding_weight)) with
    labels 1 (👍) / 0 (👎)."""
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
    feedback = pseudo_relevant(
        query, feedback_rows(corpus, embedding_weight, feedback_papers), dense[disliked, k:]
    )
    share = feedback_papers / liked_present if liked_present and feedback.any() else 0.0
    embedding_prior = liked_centroid + share * feedback - (1 + share) * dislike_weight * disliked_centroid
    return strength * term_prior, strength * np.concatenate([latent_prior, embedding_prior])


def feedback_rows(
    corpus: PreparedCorpus, embedding_weight: float, feedback_papers: float
) -> np.ndarray | None:
    """The corpus sample's centred vectors in the embedding columns' units (None: no feedback)."""
    vectors = corpus.feedback_matrix()
    if vectors is None or feedback_papers == 0:
        return None
    return vectors if embedding_weight == 1 else np.sqrt(embedding_weight) * vectors


def pseudo_relevant(query: np.ndarray, rows: np.ndarray | None, disliked: np.ndarray) -> np.ndarray:
    """Mean of the rows the query retrieves first (the top FEEDBACK_SHARE, at least
    MIN_FEEDBACK_PAPERS), leaving out copies of a 👎 paper (cosine >= TWIN_COSINE): a paper the
    reader turned down is never taken for a relevant one. Zero without rows or without a query.
    Rows are checked for copies in retrieval order, a few times the count at a time, until enough
    are found: the check costs the top rows, not the whole sample, against every 👎."""
    if rows is None or len(rows) == 0 or not query.any():
        return np.zeros_like(query)
    count = min(len(rows), max(MIN_FEEDBACK_PAPERS, round(FEEDBACK_SHARE * len(rows))))
    order = np.argsort(-(rows @ query), kind="stable")
    present = disliked[np.abs(disliked).sum(axis=1) > 0]
    if not len(present):
        return rows[order[:count]].mean(axis=0)
    unit = present / np.linalg.norm(present, axis=1, keepdims=True)
    kept: list[np.ndarray] = []
    found = 0
    for start in range(0, len(order), 4 * count):
        chunk = order[start : start + 4 * count]
        norms = np.linalg.norm(rows[chunk], axis=1)
        cosine = (rows[chunk] @ unit.T).max(axis=1) / np.where(norms > 0, norms, 1.0)
        fresh = chunk[cosine < TWIN_COSINE][: count - found]
        kept.append(fresh)
        found += len(fresh)
        if found == count:
            break
    chosen = np.concatenate(kept)
    return rows[chosen].mean(axis=0) if len(chosen) else np.zeros_like(query)


def mean_of_present(rows: np.ndarray) -> np.ndarray:
    """Mean of the rows that are not all zero (papers with a vector); zero when there is none."""
    present = np.abs(rows).sum(axis=1) > 0
    return rows[present].mean(axis=0) if present.any() else np.zeros(rows.shape[1])


def columns_used(rows: sp.csr_matrix) -> np.ndarray:
    """Boolean mask of the term columns that occur in any of the rows."""
    return np.bincount(rows.indices, minlength=rows.shape[1]) > 0
