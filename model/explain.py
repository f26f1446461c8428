"""Reasons: which of a paper's own terms moved its score, and the profile's strongest terms."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.utils.validation import check_is_fitted

from model.encoded import Encoded
from model.features import PreparedCorpus


class Explanations:
    """What a fitted linear model over the corpus features says about papers: each paper's reasons
    and the words' share of its score, and the profile's strongest terms (PaperClassifier's)."""

    features_: PreparedCorpus
    coef_: np.ndarray
    intercept_: float
    latent_term_weights_: np.ndarray
    term_weights_: np.ndarray
    liked_terms_: np.ndarray
    disliked_terms_: np.ndarray
    calibrator_: Callable[[np.ndarray], np.ndarray]

    def _parts(self, X: pd.DataFrame) -> tuple[Encoded, np.ndarray, np.ndarray]:
        raise NotImplementedError  # the model's: encoded papers, decision values, embedding part

    def explain(self, X: pd.DataFrame, top_k: int = 5) -> list[dict]:
        """Per paper, its own terms that pushed its score up / down most for this reader, and
        `words_share`: the part of its decision value (less the intercept) that words carry, in
        absolute terms, against the sentence embedding's part (1.0 with no embedding)."""
        return self.score_and_explain(X, top_k)[1]

    def score_and_explain(self, X: pd.DataFrame, top_k: int = 5) -> tuple[np.ndarray, list[dict]]:
        """P(👍) per paper and its explanation (as `explain`), from one pass over the papers."""
        encoded, decision, embedding_part = self._parts(X)
        probabilities = self.calibrator_(decision)
        reasons = explain_rows(encoded.own, self._contributions(encoded, encoded.own), self.features_, top_k)
        words_part = np.abs(decision - self.intercept_ - embedding_part)
        total = words_part + np.abs(embedding_part)
        share = np.divide(words_part, total, out=np.ones_like(total), where=total > 0)
        for entry, value in zip(reasons, share, strict=True):
            entry["words_share"] = round(float(value), 3)
        return probabilities, reasons

    def _contributions(self, encoded: Encoded, rows: sp.csr_matrix | None = None) -> np.ndarray:
        """Each stored term's exact share of the decision value (aligned with rows.data), for the
        expanded rows (default: the shares add up to the decision value less the intercept) or for
        a part of them such as the paper's own terms (encoded.own).

        Term part: t_j w_j. Latent part: z(x) . u = sum_j t_j (V^T u)_j / ||t V^T||, so term j
        carries t_j (V^T u)_j / ||t V^T|| of it."""
        rows = encoded.terms if rows is None else rows
        norms = encoded.latent_norms
        inverse = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
        row_of_entry = np.repeat(np.arange(rows.shape[0]), np.diff(rows.indptr))
        latent_weights = self.latent_term_weights_[rows.indices] * inverse[row_of_entry]
        return rows.data * (self.coef_[rows.indices] + latent_weights)

    def top_terms(self, k: int = 15) -> dict[str, list[str]]:
        """The profile's strongest terms for (among the 👍 papers' words) and against (among the 👎
        papers' words)."""
        check_is_fitted(self)
        return strongest_terms(self.term_weights_, self.features_, k, self.liked_terms_, self.disliked_terms_)


def explain_rows(
    rows: sp.csr_matrix, contributions: np.ndarray, features: PreparedCorpus, top_k: int
) -> list[dict[str, Any]]:
    """For each row: its readable terms with the largest positive / negative contributions.

    `contributions` is aligned with rows.data: the share of the score of each stored term."""
    row_of_entry = np.repeat(np.arange(rows.shape[0]), np.diff(rows.indptr))
    readable = features.readable[rows.indices]
    up = _top_per_row(rows, row_of_entry, np.where(readable, contributions, 0.0), features, top_k)
    down = _top_per_row(rows, row_of_entry, np.where(readable, -contributions, 0.0), features, top_k)
    return [
        {"up": _distinct_terms(u, top_k), "down": _distinct_terms(d, top_k)}
        for u, d in zip(up, down, strict=True)
    ]


def _top_per_row(
    rows: sp.csr_matrix, row_of_entry: np.ndarray, values: np.ndarray, features: PreparedCorpus, top_k: int
) -> list[list[str]]:
    """Per row, the names of up to 3 * top_k entries with the largest positive values, best first."""
    keep = np.flatnonzero(values > 0)
    order = keep[np.lexsort((-values[keep], row_of_entry[keep]))]
    row_ids = row_of_entry[order]
    starts = np.searchsorted(row_ids, np.arange(rows.shape[0] + 1))
    rank = np.arange(len(order)) - starts[row_ids]
    chosen = order[rank < 3 * top_k]
    names = features.feature_names[rows.indices[chosen]].tolist()
    bounds = np.searchsorted(row_of_entry[chosen], np.arange(rows.shape[0] + 1))
    return [names[bounds[i] : bounds[i + 1]] for i in range(rows.shape[0])]


def strongest_terms(
    weights: np.ndarray,
    features: PreparedCorpus,
    k: int,
    for_columns: np.ndarray,
    against_columns: np.ndarray,
) -> dict[str, list[str]]:
    """The readable terms with the largest positive weights among `for_columns` (a boolean mask)
    and with the largest negative weights among `against_columns`."""
    readable = features.readable & (weights != 0)
    positive = _strongest(np.flatnonzero(readable & for_columns & (weights > 0)), -weights, 4 * k)
    negative = _strongest(np.flatnonzero(readable & against_columns & (weights < 0)), weights, 4 * k)
    return {
        "for": _distinct_terms(features.feature_names[positive].tolist(), k),
        "against": _distinct_terms(features.feature_names[negative].tolist(), k),
    }


def _strongest(columns: np.ndarray, key: np.ndarray, limit: int) -> np.ndarray:
    return columns[np.argsort(key[columns], kind="stable")][:limit]


def _distinct_terms(terms: list[str], limit: int) -> list[str]:
    """The first `limit` terms, skipping a term whose words the chosen terms already cover."""
    chosen: list[str] = []
    covered: set[str] = set()
    for term in terms:
        if len(chosen) >= limit:
            break
        words = set(term.split())
        if words <= covered:
            continue
        chosen.append(term)
        covered |= words
    return chosen
