"""Platt scaling that stays sane from one 👍 and one 👎.

P(👍 | d) = sigmoid(a d + b), fitted on (preferably out-of-fold) decision values with Platt's
smoothed targets ((N+ + 1) / (N+ + 2) and 1 / (N- + 2)) and a Gaussian prior pulling (a s, b)
toward (1, log N+/N-), where s is the spread (standard deviation) of the decision values: a priori
one spread is one logit, whatever the scale of the model. With few labels the prior dominates and
probabilities stay moderate; with many labels the data decide. `a >= 0` keeps the probability
monotone in d, and a >= MIN_SLOPE / s keeps it strictly increasing: even when the out-of-fold
values carry no evidence, the scores still rank papers as the decision values do.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit

MIN_SLOPE = 0.1  # in logits per spread of the decision values


@dataclass(frozen=True)
class Sigmoid:
    slope: float
    offset: float

    def __call__(self, decision: np.ndarray) -> np.ndarray:
        return expit(self.slope * np.asarray(decision, dtype=float) + self.offset)


def fit_sigmoid(decision: np.ndarray, y: np.ndarray, prior_strength: float = 1.0) -> Sigmoid:
    raw = np.asarray(decision, dtype=float)
    spread = float(raw.std())
    spread = spread if spread > 1e-12 else 1.0
    standardised = _fit_standardised(raw / spread, y, prior_strength)
    return Sigmoid(slope=standardised.slope / spread, offset=standardised.offset)


def _fit_standardised(decision: np.ndarray, y: np.ndarray, prior_strength: float) -> Sigmoid:
    positive = np.asarray(y) == 1
    n_pos, n_neg = int(positive.sum()), int((~positive).sum())
    targets = np.where(positive, (n_pos + 1) / (n_pos + 2), 1 / (n_neg + 2))
    prior = np.array([1.0, np.log(max(n_pos, 1) / max(n_neg, 1))])

    def objective(params: np.ndarray) -> tuple[float, np.ndarray]:
        z = params[0] * decision + params[1]
        p = expit(z)
        # cross-entropy with soft targets, written stably: log(1+e^z) - t z
        loss = np.logaddexp(0, z) - targets * z
        residual = p - targets
        penalty = params - prior
        value = loss.sum() + 0.5 * prior_strength * penalty @ penalty
        grad = np.array([residual @ decision, residual.sum()]) + prior_strength * penalty
        return float(value), grad

    result = minimize(objective, prior.copy(), jac=True, method="L-BFGS-B",
                      bounds=[(MIN_SLOPE, None), (None, None)])
    return Sigmoid(slope=float(result.x[0]), offset=float(result.x[1]))
