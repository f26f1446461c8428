"""Per-user results → markdown tables: mean [95% interval] per method and budget, paired differences."""

from __future__ import annotations

import numpy as np
import pandas as pd

from training.protocols.bootstrap import format_interval, mean_interval
from training.protocols.scorers import OURS, RANDOM


def markdown_table(frame: pd.DataFrame) -> str:
    """A DataFrame (index = first column) as a GitHub markdown table."""
    header = [str(frame.index.name or ""), *map(str, frame.columns)]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += [
        "| " + " | ".join([str(i), *map(str, row)]) + " |"
        for i, row in zip(frame.index, frame.to_numpy(), strict=True)
    ]
    return "\n".join(lines)


def user_matrix(results: pd.DataFrame, method: str, n: int, metric: str, users: np.ndarray) -> np.ndarray:
    cell = results[(results["method"] == method) & (results["n"] == n)].set_index("user")
    return cell.loc[users, metric].to_numpy(dtype=float)


def metric_table(results: pd.DataFrame, metric: str, resamples: np.ndarray) -> pd.DataFrame:
    """Rows: methods (in run order); columns n=...; cells 'mean [lo, hi]' over the shared resamples."""
    users = results["user"].unique()
    methods = list(dict.fromkeys(results["method"]))
    budgets = sorted(results["n"].unique())
    table = pd.DataFrame(index=pd.Index(methods, name="method"), columns=[f"n={n}" for n in budgets])
    for method in methods:
        for n in budgets:
            values = user_matrix(results, method, n, metric, users)
            table.loc[method, f"n={n}"] = format_interval(*mean_interval(values, resamples))
    return table


def best_baseline(results: pd.DataFrame, n: int, metric: str) -> str:
    """The non-random baseline with the highest mean for this (budget, metric) cell."""
    baselines = results[(results["n"] == n) & ~results["method"].isin([OURS, RANDOM])]
    return str(baselines.groupby("method", sort=False)[metric].mean().idxmax())


def paired_differences(
    results: pd.DataFrame,
    metrics: tuple[str, ...],
    resamples: np.ndarray,
    ours: str = OURS,
    against: str | None = None,
) -> pd.DataFrame:
    """Ours minus the best baseline (or the method `against`) per (budget, metric), per user,
    bootstrapped with the same resamples."""
    users = results["user"].unique()
    rows = []
    for n in sorted(results["n"].unique()):
        for metric in metrics:
            rival = against or best_baseline(results, n, metric)
            diff = user_matrix(results, ours, n, metric, users) - user_matrix(
                results, rival, n, metric, users
            )
            mean, lo, hi = mean_interval(diff, resamples)
            rows.append(
                {
                    "n": int(n),
                    "metric": metric,
                    "best baseline": rival,
                    "mean": mean,
                    "lo": lo,
                    "hi": hi,
                    "verdict": verdict(lo, hi),
                }
            )
    return pd.DataFrame(rows)


def verdict(lo: float, hi: float) -> str:
    if lo > 0:
        return "ours better"
    if hi < 0:
        return "ours worse"
    return "no clear difference"


def differences_markdown(diffs: pd.DataFrame) -> str:
    shown = pd.DataFrame(
        {
            "metric": diffs["metric"].to_numpy(),
            "best baseline": diffs["best baseline"].to_numpy(),
            "ours − best [95% paired CI]": [
                format_interval(m, lo, hi) for m, lo, hi in diffs[["mean", "lo", "hi"]].to_numpy()
            ],
            "verdict": diffs["verdict"].to_numpy(),
        },
        index=pd.Index([f"n={n}" for n in diffs["n"]], name="budget"),
    )
    return markdown_table(shown)
