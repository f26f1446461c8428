"""Calibration of our probabilities on the replay pages: Brier score and a reliability diagram.

A page holds 5 relevant papers in 100 (base rate 5%) while training holds 1 thumbs-up per 2
thumbs-downs (33%): a classifier calibrated on its training labels alone over-predicts here. The
table shows the mean probability beside the observed rate and the Brier score of always saying 5%.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from training.protocols.episodes import Episode, ReplaySettings
from training.protocols.scorers import OURS
from training.protocols.summary_tables import markdown_table
from training.reports.figures import new_figure, save_figure

if TYPE_CHECKING:
    from training.protocols.citeulike_replay import VariantResult
    from training.reports.eval_report import Report

BINS = 10


def pooled_predictions(
    scores: dict[tuple[str, int, int], np.ndarray], episodes: list[Episode], method: str, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """All page probabilities of one (method, budget) with their 0/1 relevance, users concatenated."""
    probabilities = np.concatenate([scores[(method, n, e.user)] for e in episodes])
    labels = np.concatenate([e.relevant for e in episodes]).astype(float)
    return probabilities, labels


def brier_score(probabilities: np.ndarray, labels: np.ndarray) -> float:
    return float(np.mean((np.asarray(probabilities, float) - np.asarray(labels, float)) ** 2))


def reliability_bins(probabilities: np.ndarray, labels: np.ndarray, bins: int = BINS) -> pd.DataFrame:
    """Equal-width probability bins: count, mean predicted probability, observed share of relevant."""
    which = np.minimum((np.asarray(probabilities) * bins).astype(int), bins - 1)
    rows = []
    for b in range(bins):
        inside = which == b
        if inside.any():
            rows.append(
                {
                    "bin": f"{b / bins:.1f}-{(b + 1) / bins:.1f}",
                    "count": int(inside.sum()),
                    "predicted": float(probabilities[inside].mean()),
                    "observed": float(labels[inside].mean()),
                }
            )
    return pd.DataFrame(rows)


def calibration_table(
    scores: dict[tuple[str, int, int], np.ndarray],
    episodes: list[Episode],
    method: str,
    budgets: tuple[int, ...],
) -> pd.DataFrame:
    rows = []
    for n in budgets:
        probabilities, labels = pooled_predictions(scores, episodes, method, n)
        base_rate = labels.mean()
        constant = np.full_like(labels, base_rate)
        rows.append(
            {
                "budget": f"n={n}",
                "Brier": f"{brier_score(probabilities, labels):.4f}",
                "Brier of constant base rate": f"{brier_score(constant, labels):.4f}",
                "mean probability": f"{probabilities.mean():.3f}",
                "observed rate": f"{base_rate:.3f}",
            }
        )
    return pd.DataFrame(rows).set_index("budget")


def calibration_markdown(
    scores: dict[tuple[str, int, int], np.ndarray],
    episodes: list[Episode],
    method: str,
    budgets: tuple[int, ...],
) -> str:
    return markdown_table(calibration_table(scores, episodes, method, budgets))


def plot_reliability(
    scores: dict[tuple[str, int, int], np.ndarray],
    episodes: list[Episode],
    method: str,
    budgets: tuple[int, ...],
    title: str,
    path: Path,
) -> Path:
    figure = new_figure(5.5, 5)
    axes = figure.add_subplot()
    axes.plot([0, 1], [0, 1], color="grey", linestyle="--", linewidth=1, label="perfectly calibrated")
    for n in budgets:
        bins = reliability_bins(*pooled_predictions(scores, episodes, method, n))
        axes.plot(bins["predicted"], bins["observed"], marker="o", label=f"n={n} thumbs-ups")
    axes.set_xlim(0, 1)
    axes.set_ylim(0, 1)
    axes.set_xlabel("predicted P(relevant)")
    axes.set_ylabel("observed share relevant")
    axes.set_title(title, fontsize=10)
    axes.legend(loc="upper left", fontsize=8)
    return save_figure(figure, path, dpi=110)


def calibration_section(results: dict[str, VariantResult], settings: ReplaySettings, report: Report) -> str:
    """The eval's calibration section: Brier scores and a reliability diagram per page variant."""
    parts = [
        "Brier score of ours' P(thumbs-up) on every page paper (pooled over users), beside the Brier "
        "score of always predicting the page's base rate (5 relevant in 100), and the mean predicted "
        "probability beside the observed rate. Training sets hold 1 thumbs-up per 2 thumbs-downs, so a "
        "model calibrated to its training labels alone would over-predict on a page."
    ]
    for variant, result in results.items():
        plot = report.plot_path(f"reliability-{variant}.png")
        if plot is not None:
            plot_reliability(
                result.our_scores,
                result.episodes,
                OURS,
                settings.budgets,
                f"reliability of ours, {variant} pages",
                plot,
            )
        parts.append(
            f"**{variant} pages**\n\n"
            + calibration_markdown(result.our_scores, result.episodes, OURS, settings.budgets)
            + report.link(plot, f"reliability diagram, {variant} pages")
        )
    return "\n\n".join(parts)
