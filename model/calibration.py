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
    slope, offset = _newton(decision, targets, prior, prior_strength, prior.copy(), fixed_slope=False)
    if slope < MIN_SLOPE:  # convex problem: the bounded optimum lies on the bound
        slope, offset = _newton(decision, targets, prior, prior_strength, np.array([MIN_SLOPE, offset]),
                                fixed_slope=True)
    return Sigmoid(slope=float(slope), offset=float(offset))


def _objective(params: np.ndarray, decision: np.ndarray, targets: np.ndarray, prior: np.ndarray,
               strength: float) -> float:
    z = params[0] * decision + params[1]
    # cross-entropy with soft targets, written stably: log(1+e^z) - t z
    penalty = params - prior
    return float((np.logaddexp(0, z) - targets * z).sum() + 0.5 * strength * penalty @ penalty)


def _newton(decision: np.ndarray, targets: np.ndarray, prior: np.ndarray, strength: float,
            start: np.ndarray, fixed_slope: bool, iterations: int = 50) -> tuple[float, float]:
    """Minimise the (strictly convex) penalised cross-entropy over (slope, offset), or over the
    offset alone, by damped Newton steps; two parameters need no general-purpose optimiser."""
    params = start.astype(float)
    value = _objective(params, decision, targets, prior, strength)
    for _ in range(iterations):
        p = expit(params[0] * decision + params[1])
        residual, curvature = p - targets, p * (1 - p)
        gradient = np.array([residual @ decision, residual.sum()]) + strength * (params - prior)
        hessian = np.array([[curvature @ decision**2, curvature @ decision],
                            [curvature @ decision, curvature.sum()]]) + strength * np.eye(2)
        if fixed_slope:
            step = np.array([0.0, gradient[1] / hessian[1, 1]])
        else:
            step = np.linalg.solve(hessian, gradient)
        scale = 1.0
        while True:  # backtracking: every accepted step lowers the objective
            candidate = params - scale * step
            candidate_value = _objective(candidate, decision, targets, prior, strength)
            if candidate_value <= value or scale < 1e-8:
                break
            scale /= 2
        converged = abs(value - candidate_value) < 1e-12 * max(1.0, abs(value))
        params, value = candidate, candidate_value
        if converged or np.abs(scale * step).max() < 1e-10:
            break
    return float(params[0]), float(params[1])
