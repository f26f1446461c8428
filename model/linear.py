"""Weighted L2 logistic regression shrunk toward a prior weight vector.

    minimise  sum_i c_i log(1 + exp(-s_i (x_i . w + b)))  +  ||w - w0||^2 / (2 C)

The features come in two blocks, sparse term rows and dense latent rows. Writing w = w0 + v,
the prior enters only as a fixed offset x_i . w0, and v is non-zero only on the term columns the
labelled papers use (the loss gradient lives there). Newton-CG then works on those few columns
plus the dense block, whatever the corpus vocabulary size.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.optimize import minimize
from scipy.special import expit


@dataclass(frozen=True)
class LinearFit:
    term_coef: np.ndarray  # over every term column
    dense_coef: np.ndarray  # over the dense block's columns
    intercept: float
    term_departure: np.ndarray  # term_coef - its prior
    dense_departure: np.ndarray  # dense_coef - its prior

    def decision(self, terms: sp.csr_matrix, dense: np.ndarray) -> np.ndarray:
        return terms @ self.term_coef + dense @ self.dense_coef + self.intercept


def fit_logistic(
    terms: sp.csr_matrix,
    dense: np.ndarray,
    term_prior: np.ndarray,
    dense_prior: np.ndarray,
    y: np.ndarray,
    sample_weight: np.ndarray,
    C: float,
    free_columns: np.ndarray | None = None,
    start: LinearFit | None = None,
) -> LinearFit:
    """Fit on term rows + dense rows (labels y in {0, 1}), shrunk toward (term_prior, dense_prior).

    `free_columns` (a boolean mask) limits the term weights that may leave the prior; by default,
    every column the rows use. `start`, a fit on similar data (all the folds together, for one fold),
    is where the solver begins: at its departure from its own prior, which saves Newton steps."""
    used = np.bincount(terms.indices, minlength=terms.shape[1]) > 0
    columns = np.flatnonzero(used if free_columns is None else used & free_columns)
    X = terms[:, columns].tocsr()
    XT = X.T.tocsr()
    offset = terms @ term_prior + dense @ dense_prior
    signs = np.where(y == 1, 1.0, -1.0)
    n_sparse, n_dense = len(columns), dense.shape[1]
    cache: dict[str, Any] = {}

    def scores(params: np.ndarray) -> np.ndarray:
        return X @ params[:n_sparse] + dense @ params[n_sparse:-1] + params[-1]

    def gradient_of(residual: np.ndarray, params: np.ndarray) -> np.ndarray:
        penalty = params[:-1] / C
        return np.concatenate(
            [XT @ residual + penalty[:n_sparse], dense.T @ residual + penalty[n_sparse:], [residual.sum()]]
        )

    def curvature_at(params: np.ndarray) -> np.ndarray:
        key = params.tobytes()
        if cache.get("key") != key:
            p = expit(offset + scores(params))
            cache["key"], cache["curvature"] = key, sample_weight * p * (1 - p)
        return cache["curvature"]

    def objective(params: np.ndarray) -> tuple[float, np.ndarray]:
        margins = signs * (offset + scores(params))
        loss = sample_weight * np.logaddexp(0, -margins)
        residual = -sample_weight * expit(-margins) * signs
        value = loss.sum() + params[:-1] @ params[:-1] / (2 * C)
        return float(value), gradient_of(residual, params)

    def hessian_product(params: np.ndarray, direction: np.ndarray) -> np.ndarray:
        return gradient_of(curvature_at(params) * scores(direction), direction)

    initial = np.zeros(n_sparse + n_dense + 1)
    if start is not None:
        initial[:n_sparse] = start.term_departure[columns]
        initial[n_sparse:-1] = start.dense_departure
        initial[-1] = start.intercept
    result = minimize(
        objective,
        initial,
        jac=True,
        hessp=hessian_product,
        method="Newton-CG",
        options={"xtol": 1e-4, "maxiter": 100},
    )
    term_departure = np.zeros_like(term_prior)
    term_departure[columns] = result.x[:n_sparse]
    dense_departure = result.x[n_sparse:-1]
    return LinearFit(
        term_coef=term_prior + term_departure,
        dense_coef=dense_prior + dense_departure,
        intercept=float(result.x[-1]),
        term_departure=term_departure,
        dense_departure=dense_departure,
    )
