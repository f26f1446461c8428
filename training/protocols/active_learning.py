"""Active learning on the digest replay: do the model's suggested papers teach it faster than random ones?"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from training.protocols.bootstrap import format_interval, mean_interval, resample_indices
from training.protocols.episodes import Episode
from training.protocols.learning_curves import plot_active_learning
from training.protocols.ranking_metrics import page_metrics
from training.protocols.scorers import positive_proba
from training.protocols.summary_tables import markdown_table

if TYPE_CHECKING:
    from training.reports.eval_report import Report

# How the check runs, in words: printed above its table in RESULTS.md.
PROTOCOL = """\
Per replay episode, the papers the reader could rate are the episode's 20 thumbs-up and 40
thumbs-down items (labels known, revealed on each "click"). Both strategies start from the first
thumbs-up and the first thumbs-down (2 clicks). Then, one click at a time:
- "random": the next paper of a fixed random order (``default_rng([seed, user, 1])``) of the rest;
- "suggested": the model is refitted on every label so far and the reader rates its most informative
  unrated paper: ``clf.suggestion_order(X)[0]`` when the estimator has that method, else the paper
  with the smallest |P(thumbs-up) − 0.5|.
At each checkpoint (total clicks) the current model scores the episode's page. We report the mean
metric per checkpoint with paired per-user intervals, and how many clicks the suggested order needs
to reach the quality random rating reaches at the last checkpoint."""

CHECKPOINTS = (2, 4, 6, 8, 10, 12, 16, 20)
STRATEGIES = ("random", "suggested")
METRICS = ("auc", "ndcg@10")


@dataclass
class ActiveLearningResult:
    results: pd.DataFrame  # strategy, clicks, user, auc, p@5, ndcg@10, positives
    resamples: np.ndarray
    selector: str
    seconds: float


def most_informative(clf: Any, frame: pd.DataFrame) -> int:
    """Row of the frame the model most wants rated next."""
    if hasattr(clf, "suggestion_order"):
        return int(np.asarray(clf.suggestion_order(frame.reset_index(drop=True)))[0])
    return int(np.argmin(np.abs(positive_proba(clf, frame) - 0.5)))


def _fit(make: Callable[[], Any], texts: pd.DataFrame, rows: list[int], labels: list[int]) -> Any:
    return make().fit(texts.iloc[rows].reset_index(drop=True), np.asarray(labels, dtype=int))


def _evaluate(clf: Any, texts: pd.DataFrame, episode: Episode) -> dict[str, float]:
    return page_metrics(positive_proba(clf, texts.iloc[episode.page]), episode.relevant)


def run_episode(
    make: Callable[[], Any],
    texts: pd.DataFrame,
    episode: Episode,
    strategy: str,
    seed: int,
    checkpoints: tuple[int, ...],
) -> list[dict]:
    pool = np.concatenate([episode.ups, episode.downs])
    truth = np.r_[np.ones(len(episode.ups), int), np.zeros(len(episode.downs), int)]
    chosen = [0, len(episode.ups)]  # first thumbs-up, first thumbs-down (positions in pool)
    remaining = [i for i in range(len(pool)) if i not in chosen]
    if strategy == "random":
        remaining = list(np.random.default_rng([seed, episode.user, 1]).permutation(remaining))
    rows, last = [], max(checkpoints)
    while True:
        clicks = len(chosen)
        needs_model = strategy == "suggested" or clicks in checkpoints
        clf = _fit(make, texts, list(pool[chosen]), list(truth[chosen])) if needs_model else None
        if clicks in checkpoints:
            rows.append(
                {
                    "strategy": strategy,
                    "clicks": clicks,
                    "user": episode.user,
                    "positives": int(truth[chosen].sum()),
                    **_evaluate(clf, texts, episode),
                }
            )
        if clicks >= last or not remaining:
            return rows
        if strategy == "suggested":
            pick = most_informative(clf, texts.iloc[pool[remaining]])
            chosen.append(remaining.pop(pick))
        else:
            chosen.append(remaining.pop(0))


def run_active_learning(
    make: Callable[[], Any],
    texts: pd.DataFrame,
    episodes: list[Episode],
    seed: int,
    bootstrap: int,
    checkpoints: tuple[int, ...] = CHECKPOINTS,
    log: Callable[[str], None] = print,
) -> ActiveLearningResult:
    start = time.perf_counter()
    rows = []
    probe = make()
    selector = "suggestion_order" if hasattr(probe, "suggestion_order") else "|p - 0.5| ascending"
    for strategy in STRATEGIES:
        t0 = time.perf_counter()
        for episode in episodes:
            rows += run_episode(make, texts, episode, strategy, seed, checkpoints)
        log(f"  active learning, {strategy}: {time.perf_counter() - t0:.1f}s ({len(episodes)} users)")
    resamples = resample_indices(len(episodes), bootstrap, seed)
    return ActiveLearningResult(pd.DataFrame(rows), resamples, selector, time.perf_counter() - start)


def _values(results: pd.DataFrame, strategy: str, clicks: int, metric: str) -> np.ndarray:
    cell = results[(results["strategy"] == strategy) & (results["clicks"] == clicks)]
    return cell.sort_values("user")[metric].to_numpy(dtype=float)


def clicks_to_reach(results: pd.DataFrame, strategy: str, metric: str, target: float) -> int | None:
    """The first checkpoint at which the strategy's mean metric reaches target (None if never)."""
    for clicks in sorted(results["clicks"].unique()):
        if _values(results, strategy, clicks, metric).mean() >= target:
            return int(clicks)
    return None


def active_learning_markdown(result: ActiveLearningResult) -> str:
    results, resamples = result.results, result.resamples
    users = results["user"].nunique()
    rows = []
    for clicks in sorted(results["clicks"].unique()):
        row = {"clicks": int(clicks)}
        for metric in METRICS:
            rnd = _values(results, "random", clicks, metric)
            sug = _values(results, "suggested", clicks, metric)
            row[f"{metric} random"] = f"{rnd.mean():.3f}"
            row[f"{metric} suggested"] = f"{sug.mean():.3f}"
            row[f"{metric} suggested − random"] = format_interval(*mean_interval(sug - rnd, resamples))
        row["👍 among rated (random / suggested)"] = (
            f"{_values(results, 'random', clicks, 'positives').mean():.1f} / "
            f"{_values(results, 'suggested', clicks, 'positives').mean():.1f}"
        )
        rows.append(row)
    table = pd.DataFrame(rows).set_index("clicks")
    return (
        f"{users} users; suggestions from {result.selector}; intervals: paired per-user bootstrap, "
        f"{len(resamples)} resamples.\n\n" + markdown_table(table) + "\n\n" + active_learning_summary(result)
    )


def active_learning_summary(result: ActiveLearningResult) -> str:
    """One line per metric: clicks the suggested order needs to match random rating's final quality."""
    results = result.results
    last = int(results["clicks"].max())
    summary = []
    for metric in METRICS:
        target = _values(results, "random", last, metric).mean()
        reached = clicks_to_reach(results, "suggested", metric, target)
        when = f"after {reached} clicks" if reached is not None else f"not within {last} clicks"
        summary.append(
            f"- {metric}: random rating reaches {target:.3f} after {last} clicks; "
            f"rating the suggested papers reaches it {when}."
        )
    return "\n".join(summary)


def active_learning_section(
    texts: pd.DataFrame,
    make: Callable[[], Any],
    episodes: list[Episode],
    users: int,
    seed: int,
    bootstrap: int,
    report: Report,
) -> str:
    """The eval's active-learning section for `users` of the episodes (drawn with the seed)."""
    count = min(users, len(episodes))
    chosen = np.sort(np.random.default_rng(seed).choice(len(episodes), size=count, replace=False))
    al = run_active_learning(make, texts, [episodes[i] for i in chosen], seed, bootstrap, log=report.log)
    plot = report.plot_path("active-learning.png")
    if plot is not None:
        plot_active_learning(al.results, METRICS, f"citeulike-t random pages, {count} users", plot)
    report.highlight(
        f"**Active learning** ({count} users, citeulike-t random pages):\n\n" + active_learning_summary(al)
    )
    return f"{PROTOCOL}\n\n{active_learning_markdown(al)}\n\nRan in {al.seconds:.0f}s." + report.link(
        plot, "active learning curves"
    )
