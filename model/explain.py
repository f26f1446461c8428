"""Reasons: which of a paper's own terms moved its score, and the profile's strongest terms."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from model.features import PreparedCorpus


def explain_rows(rows: sp.csr_matrix, coef: np.ndarray, features: PreparedCorpus,
                 top_k: int) -> list[dict[str, list[str]]]:
    """For each row: its readable terms with the largest positive / negative tf-idf x weight."""
    contributions = rows.data * coef[rows.indices]
    contributions[~features.readable[rows.indices]] = 0.0
    names = features.feature_names
    explanations = []
    for i in range(rows.shape[0]):
        start, end = rows.indptr[i], rows.indptr[i + 1]
        values = contributions[start:end]
        order = np.argsort(values, kind="stable")
        ranked = rows.indices[start:end][order]
        sorted_values = values[order]
        up = ranked[sorted_values > 0][::-1][: 3 * top_k]
        down = ranked[sorted_values < 0][: 3 * top_k]
        explanations.append({"up": _distinct_terms(names[up].tolist(), top_k),
                             "down": _distinct_terms(names[down].tolist(), top_k)})
    return explanations


def strongest_terms(coef: np.ndarray, features: PreparedCorpus, k: int) -> dict[str, list[str]]:
    """The readable terms with the largest positive and negative weights."""
    readable = np.flatnonzero(features.readable & (coef != 0))
    order = readable[np.argsort(-coef[readable], kind="stable")]
    positive = order[coef[order] > 0][: 4 * k]
    negative = order[coef[order] < 0][::-1][: 4 * k]
    return {"for": _distinct_terms(features.terms(positive), k),
            "against": _distinct_terms(features.terms(negative), k)}


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
