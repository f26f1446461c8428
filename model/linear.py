"""Weighted L2 logistic regression shrunk toward a prior weight vector.

    minimise  sum_i c_i log(1 + exp(-s_i (x_i . w + b)))  +  ||w - w0||^2 / (2 C)

Writing w = w0 + v, the prior enters only as a fixed offset x_i . w0, and v is non-zero only
on the columns the labelled papers use (the gradient of the loss lives there). So the problem
is solved with Newton-CG on those few columns, whatever the corpus vocabulary size.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.optimize import minimize
from scipy.special import expit


@dataclass(frozen=True)
class LinearFit:
    coef: np.ndarray
    intercept: float


def fit_logistic(rows: sp.csr_matrix, prior: np.ndarray, y: np.ndarray, sample_weight: np.ndarray,
                 C: float) -> LinearFit:
    """Weights over all columns of `rows` (labels y in {0, 1}) with prior weights `prior`."""
    columns = np.unique(rows.indices)
    X = rows[:, columns].tocsr()
    XT = X.T.tocsr()
    offset = rows @ prior
    signs = np.where(y == 1, 1.0, -1.0)
    d = len(columns)
    cache: dict[str, np.ndarray] = {}

    def curvature_at(params: np.ndarray) -> np.ndarray:
        key = params.tobytes()
        if cache.get("key") != key:
            p = expit(offset + X @ params[:d] + params[d])
            cache["key"], cache["curvature"] = key, sample_weight * p * (1 - p)
        return cache["curvature"]

    def objective(params: np.ndarray) -> tuple[float, np.ndarray]:
        v, b = params[:d], params[d]
        margins = signs * (offset + X @ v + b)
        loss = sample_weight * np.logaddexp(0, -margins)
        dmargin = -sample_weight * expit(-margins) * signs
        grad = np.append(XT @ dmargin + v / C, dmargin.sum())
        return float(loss.sum() + v @ v / (2 * C)), grad

    def hessian_product(params: np.ndarray, direction: np.ndarray) -> np.ndarray:
        q = curvature_at(params) * (X @ direction[:d] + direction[d])
        return np.append(XT @ q + direction[:d] / C, q.sum())

    result = minimize(objective, np.zeros(d + 1), jac=True, hessp=hessian_product, method="Newton-CG",
                      options={"xtol": 1e-6, "maxiter": 100})
    coef = prior.copy()
    coef[columns] += result.x[:d]
    return LinearFit(coef=coef, intercept=float(result.x[d]))
