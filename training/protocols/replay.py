"""Run scorers over digest-replay episodes: per-user page metrics for every (method, budget)."""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from training.protocols.episodes import Episode
from training.protocols.ranking_metrics import page_metrics
from training.protocols.scorers import RankingTask, Scorer


def episode_task(episode: Episode, n: int) -> RankingTask:
    """The first n thumbs-ups and first 2n thumbs-downs, scoring the episode's page."""
    return RankingTask(
        positives=episode.ups[:n],
        negatives=episode.downs[: 2 * n],
        page=episode.page,
        random_key=(episode.user, n),
    )


def run_replay(
    episodes: list[Episode],
    scorers: dict[str, Scorer],
    budgets: tuple[int, ...],
    keep_scores: tuple[str, ...] = (),
    log: Callable[[str], None] = print,
) -> tuple[pd.DataFrame, dict[tuple[str, int, int], np.ndarray]]:
    """Rows (method, n, user, auc, p@5, ndcg@10), and the raw page scores of the methods in keep_scores."""
    rows, kept = [], {}
    for method, score in scorers.items():
        start = time.perf_counter()
        for episode in episodes:
            for n in budgets:
                scores = np.asarray(score(episode_task(episode, n)), dtype=float)
                if scores.shape != episode.page.shape or not np.isfinite(scores).all():
                    raise ValueError(
                        f"{method} returned {scores.shape[0]} scores, not all finite, for the "
                        f"{len(episode.page)}-paper page of user {episode.user} at n={n}"
                    )
                if method in keep_scores:
                    kept[(method, n, episode.user)] = scores
                rows.append(
                    {"method": method, "n": n, "user": episode.user, **page_metrics(scores, episode.relevant)}
                )
        seconds = time.perf_counter() - start
        log(f"  {method}: {seconds:.1f}s ({len(episodes)} users x {len(budgets)} budgets)")
    return pd.DataFrame(rows), kept


def replay_arguments(
    description: str, budgets: list[int], seed: int, argv: list[str] | None = None
) -> argparse.Namespace:
    """A side study's command line: --users (citeulike-t), --budgets, --seed and --no-write, checked."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--users", type=int, default=200, help="citeulike-t users (default: 200)")
    parser.add_argument("--budgets", type=int, nargs="+", default=budgets, help="thumbs-up budgets")
    parser.add_argument(
        "--seed", type=int, default=seed, help=f"seed of the replay's draws (default: {seed})"
    )
    parser.add_argument("--no-write", action="store_true", help="print only; leave training/RESULTS.md alone")
    args = parser.parse_args(argv)
    if args.users < 1 or min(args.budgets) < 1 or max(args.budgets) > 20:
        parser.error("--users must be positive and budgets between 1 and 20")
    return args
