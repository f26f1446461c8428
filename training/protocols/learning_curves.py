"""Learning curves: page quality against the number of thumbs-up labels, ours beside the baselines."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from training.protocols.bootstrap import mean_interval
from training.protocols.ranking_metrics import PAGE_METRICS
from training.protocols.scorers import OURS
from training.protocols.summary_tables import user_matrix
from training.reports.figures import new_figure, save_figure


def curve_points(
    results: pd.DataFrame, method: str, metric: str, resamples: np.ndarray
) -> tuple[list[int], list[float], list[float], list[float]]:
    users = results["user"].unique()
    budgets = sorted(int(n) for n in results["n"].unique())
    stats = [mean_interval(user_matrix(results, method, n, metric, users), resamples) for n in budgets]
    return budgets, [s[0] for s in stats], [s[1] for s in stats], [s[2] for s in stats]


def plot_learning_curves(results: pd.DataFrame, resamples: np.ndarray, title: str, path: Path) -> Path:
    """One panel per metric; a line (mean) and band (95% bootstrap interval) per method."""
    figure = new_figure(13, 4.2)
    for k, metric in enumerate(PAGE_METRICS):
        axes = figure.add_subplot(1, len(PAGE_METRICS), k + 1)
        for method in dict.fromkeys(results["method"]):
            budgets, mean, lo, hi = curve_points(results, method, metric, resamples)
            width = 2.4 if method == OURS else 1.2
            (line,) = axes.plot(budgets, mean, marker="o", linewidth=width, label=method)
            axes.fill_between(budgets, lo, hi, color=line.get_color(), alpha=0.12)
        axes.set_xscale("log")
        axes.set_xticks(budgets, [str(n) for n in budgets])
        axes.minorticks_off()
        axes.set_xlabel("thumbs-ups n (with 2n thumbs-downs)")
        axes.set_ylabel(metric)
        axes.grid(alpha=0.3)
        if k == 0:
            axes.legend(fontsize=7, loc="lower right")
    figure.suptitle(title, fontsize=11)
    return save_figure(figure, path)


def plot_active_learning(results: pd.DataFrame, metrics: tuple[str, ...], title: str, path: Path) -> Path:
    """Mean page quality against clicks for each rating strategy (random vs model-suggested)."""
    figure = new_figure(4.8 * len(metrics), 4)
    for k, metric in enumerate(metrics):
        axes = figure.add_subplot(1, len(metrics), k + 1)
        for strategy in dict.fromkeys(results["strategy"]):
            curve = results[results["strategy"] == strategy].groupby("clicks")[metric].mean()
            axes.plot(curve.index, curve.to_numpy(), marker="o", label=f"{strategy} papers rated")
        axes.set_xlabel("clicks (from 1 thumbs-up + 1 thumbs-down)")
        axes.set_ylabel(metric)
        axes.grid(alpha=0.3)
        axes.legend(fontsize=8, loc="lower right")
    figure.suptitle(title, fontsize=11)
    return save_figure(figure, path)
