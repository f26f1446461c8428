"""Percentile bootstrap over users (or participants), with one fixed set of resamples shared by all cells."""

from __future__ import annotations

import numpy as np


def resample_indices(n_units: int, n_resamples: int, seed: int) -> np.ndarray:
    """(n_resamples, n_units) indices, drawn as evaluate_reference.py does: default_rng(seed).integers."""
    return np.random.default_rng(seed).integers(0, n_units, size=(n_resamples, n_units))


def mean_interval(values: np.ndarray, resamples: np.ndarray) -> tuple[float, float, float]:
    """Mean of per-unit values with its 95% percentile bootstrap interval."""
    values = np.asarray(values, dtype=float)
    boot = values[resamples].mean(axis=1)
    lo, hi = np.percentile(boot, [2.5, 97.5])
    return float(values.mean()), float(lo), float(hi)


def format_interval(mean: float, lo: float, hi: float, digits: int = 3) -> str:
    return f"{mean:.{digits}f} [{lo:.{digits}f}, {hi:.{digits}f}]"
