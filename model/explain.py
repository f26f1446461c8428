"""Reasons: which of a paper's own terms moved its score, and the profile's strongest terms."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from model.features import PreparedCorpus


def explain_rows(rows: sp.csr_matrix, contributions: np.ndarray, features: PreparedCorpus,
                 top_k: int) -> list[dict[str, list[str]]]:
    """For each row: its readable terms with the largest positive / negative contributions.

    `contributions` is aligned with rows.data: the share of the score of each stored term."""
    contributions = np.where(features.readable[rows.indices], contributions, 0.0)
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


def strongest_terms(weights: np.ndarray, features: PreparedCorpus, k: int) -> dict[str, list[str]]:
    """The readable terms with the largest positive and negative weights."""
    readable = np.flatnonzero(features.readable & (weights != 0))
    order = readable[np.argsort(-weights[readable], kind="stable")]
    positive = order[weights[order] > 0][: 4 * k]
    negative = order[weights[order] < 0][::-1][: 4 * k]
    return {"for": _distinct_terms(features.feature_names[positive].tolist(), k),
            "against": _distinct_terms(features.feature_names[negative].tolist(), k)}


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
