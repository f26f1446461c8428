"""Reasons: which of a paper's own terms moved its score, and the profile's strongest terms."""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from model.features import PreparedCorpus


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
