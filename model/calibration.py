"""Platt scaling that stays sane from one 👍 and one 👎.

P(👍 | d) = sigmoid(a d + b). Decision values are read in units of their spread s over the reader's
corpus (a fixed sample of it) and centred on its mean: one spread is one logit a priori
(PRIOR_SLOPE, measured), whatever the scale of the model. With fewer than 3 ratings of a kind
nothing is fitted (the rated papers' own decision values only say they resemble themselves): the
prior alone gives a typical unrated paper its measured odds and softly bounds how far two ratings
can push a score. With more, the sigmoid is fitted on out-of-fold decision values with Platt's
smoothed targets ((N+ + 1) / (N+ + 2) and 1 / (N- + 2)) and a Gaussian prior pulling (a s, b)
toward that prior; with many labels the data decide. `a >= 0` keeps the probability monotone in
d, and a >= MIN_SLOPE / s keeps it strictly increasing: even when the out-of-fold values carry no
evidence, the scores still rank papers as the decision values do.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from scipy.special import expit

MIN_SLOPE = 0.1  # in logits per spread of the decision values
# Measured on citeulike-a and citeulike-t digest pages with 1-2 ratings of each kind (model/README.md):
# P(wanted) rises by about PRIOR_SLOPE logits per spread of the decision values over the corpus.
PRIOR_SLOPE = 0.9
PRIOR_REACH = 3.0  # spreads: how far from a typical paper the prior alone lets a score go


def prior_sigmoid(reference: np.ndarray, log_odds: float, slope: float = PRIOR_SLOPE) -> Sigmoid:
    """The prior alone, for too few ratings to fit anything: a paper at the mean of the reference
    decision values gets `log_odds`, and each spread above it `slope` logits more, softly bounded at
    PRIOR_REACH spreads. (The labelled papers' own decision values say nothing here: a rated paper is
    as close to itself as can be.)"""
    base = np.asarray(reference, dtype=float)
    spread = _spread(base)
    return Sigmoid(
        slope=slope / spread,
        offset=log_odds - slope * float(base.mean()) / spread,
        center=log_odds,
        reach=slope * PRIOR_REACH,
    )


@dataclass(frozen=True)
class Sigmoid:
    """P = expit(logit), logit = slope * d + offset; with a finite `reach`, the logit's departure from
    `center` is softly bounded by it (reach * tanh(departure / reach)): still strictly increasing in d,
    so scores rank like the decision values, but two ratings never claim near-certainty."""

    slope: float
    offset: float
    center: float = 0.0
    reach: float = float("inf")

    def __call__(self, decision: np.ndarray) -> np.ndarray:
        logit = self.slope * np.asarray(decision, dtype=float) + self.offset
        if np.isfinite(self.reach):
            logit = self.center + self.reach * np.tanh((logit - self.center) / self.reach)
        return expit(logit)

    def shifted(self, log_odds: float) -> Sigmoid:
        """The same curve with its odds multiplied by exp(log_odds)."""
        return replace(self, offset=self.offset + log_odds, center=self.center + log_odds)


def fit_sigmoid(
    decision: np.ndarray, y: np.ndarray, reference: np.ndarray | None = None, prior_strength: float = 1.0
) -> Sigmoid:
    """Fit on the labelled papers' decision values, in units of the spread of `reference` (the
    decision values of the papers a reader sees; default: the labelled ones) and centred on its
    mean: the prior's offset is then the typical unrated paper's log-odds."""
    raw = np.asarray(decision, dtype=float)
    base = raw if reference is None else np.asarray(reference, dtype=float)
    center = float(base.mean()) if reference is not None else 0.0
    standardised = _fit_standardised((raw - center) / _spread(base), y, prior_strength)
    return in_units_of(standardised, base, center)


def in_units_of(standardised: Sigmoid, reference: np.ndarray, center: float | None = None) -> Sigmoid:
    """A sigmoid of standardised decision values ((d - center) / spread of `reference`; center: the
    reference's mean) as a sigmoid of the raw values d."""
    base = np.asarray(reference, dtype=float)
    middle = float(base.mean()) if center is None else center
    slope = standardised.slope / _spread(base)
    return Sigmoid(slope=slope, offset=standardised.offset - slope * middle)


def _spread(values: np.ndarray) -> float:
    spread = float(np.asarray(values, dtype=float).std())
    return spread if spread > 1e-12 else 1.0


@dataclass(frozen=True)
class FoldCalibration:
    """A sigmoid fitted on out-of-fold decision values, in units of the corpus reference's spread
    around its mean, and the (👎, 👍) counts it was fitted at.

    A refit after one more rating may keep it (`still_fits`): with at least KEEP_FROM ratings of each
    kind, a tenth more or fewer of either moves a Platt slope estimated from hundreds of
    out-of-fold values by far less than its own standard error (which shrinks as 1 / sqrt(n)), and
    the folds are three of the four Newton solves a refit makes. The kept curve is re-expressed in
    the new model's units and re-anchored to the page base rate, so the score's scale stays right."""

    standardised: Sigmoid
    counts: tuple[int, int]

    KEEP_FROM = 50
    KEEP_SHARE = 0.1

    @classmethod
    def fit(cls, out_of_fold: np.ndarray, labels: np.ndarray, reference: np.ndarray) -> FoldCalibration:
        base = np.asarray(reference, dtype=float)
        standardised = _fit_standardised(
            (np.asarray(out_of_fold, float) - base.mean()) / _spread(base), labels, 1.0
        )
        return cls(standardised, _counts(labels))

    def still_fits(self, labels: np.ndarray) -> bool:
        counts = _counts(labels)
        return min(counts) >= self.KEEP_FROM and all(
            abs(now - then) <= self.KEEP_SHARE * then for now, then in zip(counts, self.counts, strict=True)
        )

    def on(self, reference: np.ndarray) -> Sigmoid:
        return in_units_of(self.standardised, reference)


def _counts(labels: np.ndarray) -> tuple[int, int]:
    down, up = np.bincount(np.asarray(labels, dtype=int), minlength=2)[:2]
    return int(down), int(up)


def _fit_standardised(decision: np.ndarray, y: np.ndarray, prior_strength: float) -> Sigmoid:
    positive = np.asarray(y) == 1
    n_pos, n_neg = int(positive.sum()), int((~positive).sum())
    targets = np.where(positive, (n_pos + 1) / (n_pos + 2), 1 / (n_neg + 2))
    prior = np.array([PRIOR_SLOPE, np.log(max(n_pos, 1) / max(n_neg, 1))])
    slope, offset = _newton(decision, targets, prior, prior_strength, prior.copy(), fixed_slope=False)
    if slope < MIN_SLOPE:  # convex problem: the bounded optimum lies on the bound
        slope, offset = _newton(
            decision, targets, prior, prior_strength, np.array([MIN_SLOPE, offset]), fixed_slope=True
        )
    return Sigmoid(slope=float(slope), offset=float(offset))


def _objective(
    params: np.ndarray, decision: np.ndarray, targets: np.ndarray, prior: np.ndarray, strength: float
) -> float:
    z = params[0] * decision + params[1]
    # cross-entropy with soft targets, written stably: log(1+e^z) - t z
    penalty = params - prior
    return float((np.logaddexp(0, z) - targets * z).sum() + 0.5 * strength * penalty @ penalty)


def _newton(
    decision: np.ndarray,
    targets: np.ndarray,
    prior: np.ndarray,
    strength: float,
    start: np.ndarray,
    fixed_slope: bool,
    iterations: int = 50,
) -> tuple[float, float]:
    """Minimise the (strictly convex) penalised cross-entropy over (slope, offset), or over the
    offset alone, by damped Newton steps; two parameters need no general-purpose optimiser."""
    params = start.astype(float)
    value = _objective(params, decision, targets, prior, strength)
    for _ in range(iterations):
        p = expit(params[0] * decision + params[1])
        residual, curvature = p - targets, p * (1 - p)
        gradient = np.array([residual @ decision, residual.sum()]) + strength * (params - prior)
        hessian = np.array(
            [[curvature @ decision**2, curvature @ decision], [curvature @ decision, curvature.sum()]]
        ) + strength * np.eye(2)
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


def anchored_to_mean(sigmoid: Sigmoid, reference: np.ndarray, rate: float) -> Sigmoid:
    """The same curve with its odds moved so that the reference decision values average `rate`.

    The mean is strictly increasing in the shift, so bisection finds it; the slope (and so the
    ranking and the spread) stays the curve's own."""
    values = np.asarray(reference, dtype=float)
    low, high = -50.0, 50.0
    for _ in range(60):
        middle = (low + high) / 2
        if sigmoid.shifted(middle)(values).mean() < rate:
            low = middle
        else:
            high = middle
    return sigmoid.shifted((low + high) / 2)
