"""The server's sampled corpus fit against the full one, on citeulike-t's digest replay.

    .venv/bin/python -m training.protocols.sampled_fit            # writes its section of RESULTS.md
    .venv/bin/python -m training.protocols.sampled_fit --users 50 --no-write

Past model.corpus_sample.FIT_SAMPLE_SIZE (15,000) papers the server fits the corpus features on a
bottom-k content-hash sample of the corpus, streamed in chunks (its child process stays bounded).
citeulike-t's 25,975-paper pool is larger than that: here ours is fitted once on the whole pool
(`prepare_corpus`, as `papersieve eval` does) and once on the sample the server would take
(`prepare_corpus_sampled` over 2,000-paper chunks), on the same episodes; paired per user.
"""

from __future__ import annotations

import sys
import time

import pandas as pd

from model import make_classifier, prepare_corpus
from model.corpus_sample import FIT_SAMPLE_SIZE, prepare_corpus_sampled
from training.datasets.citeulike import load_citeulike, with_embeddings
from training.protocols.bootstrap import format_interval, mean_interval, resample_indices
from training.protocols.episodes import ReplaySettings, make_episodes
from training.protocols.ranking_metrics import PAGE_METRICS
from training.protocols.replay import replay_arguments, run_replay
from training.protocols.scorers import classifier_scorer, embedding_rocchio_scorer
from training.protocols.summary_tables import markdown_table
from training.reports.results import publish

SECTION = "sampled corpus fit"
CHUNK = 2_000


def run(users: int, budgets: tuple[int, ...], seed: int, variant: str) -> pd.DataFrame:
    data = with_embeddings(load_citeulike(), "citeulike-t")
    frame = data.texts.iloc[data.pool].reset_index(drop=True)
    full = prepare_corpus(frame)
    chunks = (frame.iloc[start : start + CHUNK] for start in range(0, len(frame), CHUNK))
    sampled = prepare_corpus_sampled(chunks, FIT_SAMPLE_SIZE)
    settings = ReplaySettings(users=users, seed=seed, budgets=budgets)
    scorers = {
        "embedding Rocchio": embedding_rocchio_scorer(data.embeddings),
        "ours, full fit": classifier_scorer(lambda: make_classifier(corpus=full), data.texts),
        "ours, sampled fit": classifier_scorer(lambda: make_classifier(corpus=sampled), data.texts),
    }
    results, _ = run_replay(make_episodes(data, settings, variant), scorers, budgets)
    return results


def report(results: pd.DataFrame, seed: int, seconds: float, command: str) -> str:
    metrics = [metric for metric in PAGE_METRICS if metric in results.columns]
    tables = [
        f"**{metric}**\n\n"
        + markdown_table(results.groupby(["method", "n"])[metric].mean().unstack().round(3))
        for metric in metrics
    ]
    resamples = resample_indices(results["user"].nunique(), 2000, seed)
    rows = []
    for n, cell in results.groupby("n"):
        wide = cell.pivot_table(index="user", columns="method", values=metrics)
        for metric in metrics:
            diff = (wide[metric]["ours, sampled fit"] - wide[metric]["ours, full fit"]).to_numpy()
            rows.append(
                {"n": n, "metric": metric, "sampled − full": format_interval(*mean_interval(diff, resamples))}
            )
    paired = pd.DataFrame(rows).pivot(index="n", columns="metric", values="sampled − full")
    return (
        f"## citeulike-t: the server's sampled corpus fit ({FIT_SAMPLE_SIZE:,} papers) against the full"
        " fit\n\n"
        f"Command: `{command}`\n\n"
        f"Random pages, {results['user'].nunique()} users, seed {seed}; ran in {seconds:.0f}s.\n\n"
        + "\n\n".join(tables)
        + "\n\n**sampled − full, paired per user**\n\n"
        + markdown_table(paired)
    )


def main(argv: list[str] | None = None) -> int:
    args = replay_arguments(__doc__.splitlines()[0], [2, 5, 10, 20], 1, argv)
    start = time.perf_counter()
    try:
        results = run(args.users, tuple(args.budgets), args.seed, "random")
    except FileNotFoundError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    options = "" if args.users == 200 else f" --users {args.users}"
    options += "" if args.seed == 1 else f" --seed {args.seed}"
    command = "python -m training.protocols.sampled_fit" + options
    publish(
        SECTION, report(results, args.seed, time.perf_counter() - start, command), write=not args.no_write
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
