"""citeulike-a's digest replay in `papersieve eval`: the README's 200-reader draw and every eligible reader.

The README's protocol draws 200 of the 961 eligible readers. Each reader's page and ratings depend on
the reader alone (`default_rng([seed, user])`), so one run over every eligible reader also gives the
README's draw exactly (training/protocols/citeulike_replay.py's readers_subset): its section is the
protocol as written, and the all-readers section is the same protocol with nearly five times the
readers, whose paired intervals are about half as wide. Nothing is chosen on either.
"""

from __future__ import annotations

import argparse
import time

from training.datasets.citeulike import with_embeddings
from training.datasets.citeulike_a import MIN_LIBRARY, citeulike_a_dir, load_citeulike_a
from training.protocols.citeulike_replay import (
    CITEULIKE_A_DESCRIPTION,
    VariantResult,
    headline_markdown,
    our_classifier,
    readers_subset,
    replay_scorers,
    run_variant,
    variant_markdown,
)
from training.protocols.episodes import ReplaySettings, eligible_users, sampled_users
from training.reports.eval_report import Report

EVERY_READER = 1_000_000  # more than the dataset has


def run_citeulike_a(args: argparse.Namespace, report: Report) -> None:
    """The README's draw (args.citeulike_a_users readers) and, with args.citeulike_a_all, every
    eligible reader, from one replay."""
    start = time.perf_counter()
    folder = args.shared_data / "citeulike-a" if args.shared_data else citeulike_a_dir()
    data = with_embeddings(load_citeulike_a(folder), "citeulike-a")
    report.log(f"citeulike-a loaded, vectorized and embedded in {time.perf_counter() - start:.1f}s")
    drawn = ReplaySettings(
        users=args.citeulike_a_users,
        budgets=tuple(sorted(set(args.budgets))),
        seed=args.seed,
        min_library=MIN_LIBRARY,
    )
    every = len(eligible_users(data, drawn))
    run_all = args.citeulike_a_all and args.citeulike_a_users < every
    settings = ReplaySettings(**{**drawn.__dict__, "users": EVERY_READER}) if run_all else drawn
    make = our_classifier(data, args.classifier)
    scorers = replay_scorers(data, make, args.seed, reference=False)
    result = run_variant(
        data, settings, "random", scorers, args.bootstrap, log=report.log, dataset="citeulike-a"
    )
    draw = (
        readers_subset(result, sampled_users(data, drawn), args.bootstrap, args.seed) if run_all else result
    )
    report.section("citeulike-a", "citeulike-a digest replay: real titles, random pages", section(draw, args))
    report.highlight(
        "**citeulike-a: ours − best other method (paired, per reader)**\n\n"
        + headline_markdown({"random": draw})
    )
    if run_all:
        report.section(
            "citeulike-a-all-readers",
            f"citeulike-a digest replay: every eligible reader ({every})",
            section(result, args, every_reader=True),
        )
        report.highlight(
            f"**citeulike-a, every eligible reader ({every}): ours − best other method (paired, per reader)**"
            "\n\n" + headline_markdown({"random": result})
        )


def section(result: VariantResult, args: argparse.Namespace, every_reader: bool = False) -> str:
    readers = len(result.episodes)
    scope = (
        f"The same protocol over every eligible reader: {readers} readers (the README's draw of "
        f"{args.citeulike_a_users} is a subset, its pages the same), seed {args.seed}"
        if every_reader
        else f"{readers} readers, seed {args.seed}"
    )
    return (
        f"{CITEULIKE_A_DESCRIPTION} {scope}; ours = `{args.classifier}`; ran in {result.seconds:.0f}s.\n\n"
        + variant_markdown(result)
    )
