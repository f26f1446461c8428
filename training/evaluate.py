"""`papersieve eval`: measure papersieve's ranking quality on real data, side by side with baselines.

    python -m training.evaluate                       # everything; the numbers in training/RESULTS.md
    python -m training.evaluate --dataset citeulike --variant random --active-learning-users 0 --no-write
    python -m training.evaluate --profile default [--data-dir DIR]   # cross-validate your own ratings

citeulike-a: the digest replay of citeulike-a/README.md (real titles): its 200-reader draw, and every
eligible reader from the same run. citeulike-t: the digest replay of citeulike-t/README.md over every
eligible reader (--users 200 is the README's draw) on "random" pages (exactly the reference protocol)
and on harder "same-field" pages (see training/protocols/episodes.py), with calibration, learning
curves and an active-learning check.
expertise-dev: the README's protocol and loss. Everywhere ours runs beside the terms-only model
(ours without sentence embeddings), TF-IDF Rocchio and embedding Rocchio, with paired intervals;
the datasets' sentence embeddings are computed once and cached (training/datasets/embedding_cache.py).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd

from training.datasets.citeulike import citeulike_dir, load_citeulike, with_embeddings
from training.protocols.active_learning import active_learning_section
from training.protocols.calibration import calibration_section
from training.protocols.citeulike_a_replay import run_citeulike_a
from training.protocols.citeulike_replay import (
    PAGE_DESCRIPTIONS,
    headline_markdown,
    our_classifier,
    replay_scorers,
    run_variant,
    variant_markdown,
)
from training.protocols.episodes import VARIANTS, ReplaySettings
from training.protocols.expertise import (
    expertise_dir,
    expertise_headline,
    expertise_markdown,
    expertise_scorers,
    load_expertise,
    run_expertise,
)
from training.protocols.expertise import with_embeddings as expertise_with_embeddings
from training.protocols.learning_curves import plot_learning_curves
from training.protocols.profile_cv import profile_command
from training.protocols.reference_check import reference_note
from training.protocols.scorers import DEFAULT_CLASSIFIER, OURS
from training.reports.eval_report import Report, command_line
from training.reports.figures import PlotsUnavailable
from training.reports.results import write_section

PLOTS_DIR = Path(__file__).resolve().parent / "plots"
ALL_USERS = 1_000_000  # more than any dataset has: every eligible reader


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="papersieve eval", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--dataset",
        choices=["citeulike-a", "citeulike", "expertise", "all"],
        default="all",
        help="which benchmark to run: citeulike-a (real titles), citeulike (citeulike-t), "
        "expertise (expertise-dev) or all (default)",
    )
    parser.add_argument(
        "--variant",
        choices=[*VARIANTS, "both"],
        default="both",
        help="citeulike-t page variant (default: both)",
    )
    parser.add_argument(
        "--users",
        type=int,
        default=0,
        help="citeulike-t users sampled; 0 = every eligible reader, 1,127 (default: 0; "
        "the README protocol's draw is 200)",
    )
    parser.add_argument(
        "--citeulike-a-users",
        type=int,
        default=200,
        help="citeulike-a readers sampled (its README protocol: 200)",
    )
    parser.add_argument(
        "--citeulike-a-all",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also report citeulike-a over every eligible reader (961), from the same run "
        "(default: on; --no-citeulike-a-all runs the drawn readers only)",
    )
    parser.add_argument(
        "--budgets",
        type=int,
        nargs="+",
        default=[2, 5, 10, 20],
        help="numbers of thumbs-ups, with twice as many thumbs-downs (default: 2 5 10 20)",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of every random draw (default: 0)")
    parser.add_argument(
        "--bootstrap", type=int, default=2000, help="citeulike-t bootstrap resamples (default: 2000)"
    )
    parser.add_argument(
        "--expertise-bootstrap",
        type=int,
        default=1000,
        help="expertise-dev participant resamples (default: 1000)",
    )
    parser.add_argument(
        "--active-learning-users",
        type=int,
        default=50,
        metavar="N",
        help="citeulike-t users in the active-learning check (a refit per click, so it is "
        "the slowest part); 0 skips it (default: 50)",
    )
    parser.add_argument(
        "--classifier",
        default=DEFAULT_CLASSIFIER,
        help=f"module:function returning our estimator (default: {DEFAULT_CLASSIFIER})",
    )
    parser.add_argument(
        "--profile",
        metavar="NAME",
        help="cross-validate this profile's stored ratings instead of the benchmarks",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        help="papersieve data directory for --profile (default: $PAPERSIEVE_DATA_DIR or "
        "the platform's user data directory)",
    )
    parser.add_argument(
        "--shared-data",
        type=Path,
        help="folder holding citeulike-t/ and expertise-dev/ (default: ../shared/data)",
    )
    parser.add_argument(
        "--out-dir", type=Path, default=PLOTS_DIR, help="where plots go (default: training/plots)"
    )
    parser.add_argument(
        "--per-user",
        type=Path,
        metavar="CSV",
        help="also write per-user citeulike-t results (variant, method, n, user, metrics)",
    )
    parser.add_argument(
        "--no-write", action="store_true", help="print only; leave training/RESULTS.md and the plots alone"
    )
    return parser


def run_citeulike(args: argparse.Namespace, report: Report) -> None:
    start = time.perf_counter()
    folder = args.shared_data / "citeulike-t" if args.shared_data else citeulike_dir()
    data = with_embeddings(load_citeulike(folder), "citeulike-t")
    report.log(f"citeulike-t loaded, vectorized and embedded in {time.perf_counter() - start:.1f}s")
    settings = ReplaySettings(
        users=args.users or ALL_USERS, budgets=tuple(sorted(set(args.budgets))), seed=args.seed
    )
    t0 = time.perf_counter()
    make = our_classifier(data, args.classifier)
    scorers = replay_scorers(data, make, args.seed)
    report.log(f"our classifier's corpus prepared in {time.perf_counter() - t0:.1f}s")
    variants = VARIANTS if args.variant == "both" else (args.variant,)
    results = {}
    for variant in variants:
        result = run_variant(data, settings, variant, scorers, args.bootstrap, log=report.log)
        results[variant] = result
        curves = report.plot_path(f"learning-curves-{variant}.png")
        if curves is not None:
            title = f"citeulike-t digest replay, {variant} pages ({len(result.episodes)} users)"
            plot_learning_curves(result.results, result.resamples, title, curves)
        markdown = (
            f"{PAGE_DESCRIPTIONS[variant]} {len(result.episodes)} users, seed {args.seed}; "
            f"ours = `{args.classifier}`; ran in {result.seconds:.0f}s.\n\n"
            + variant_markdown(result)
            + reference_note(result, settings, folder, args.bootstrap)
            + report.link(curves, f"learning curves, {variant} pages")
        )
        report.section(f"citeulike-{variant}", f"citeulike-t digest replay: {variant} pages", markdown)
    if args.per_user is not None:
        frames = [r.results.assign(variant=v) for v, r in results.items()]
        pd.concat(frames)[["variant", "method", "n", "user", "auc", "p@5", "ndcg@10"]].to_csv(
            args.per_user, index=False
        )
        report.log(f"per-user results written to {args.per_user}")
    report.highlight(
        "**citeulike-t: ours − best baseline (paired, per user)**\n\n" + headline_markdown(results)
    )
    report.section(
        "citeulike-calibration",
        "citeulike-t calibration of our probabilities",
        calibration_section(results, settings, report),
    )
    if args.active_learning_users > 0 and "random" in results:
        report.section(
            "citeulike-active-learning",
            "citeulike-t active learning: suggested vs random ratings",
            active_learning_section(
                data.texts,
                make,
                results["random"].episodes,
                args.active_learning_users,
                args.seed,
                args.bootstrap,
                report,
            ),
        )


def run_expertise_benchmark(args: argparse.Namespace, report: Report) -> None:
    start = time.perf_counter()
    folder = args.shared_data / "expertise-dev" if args.shared_data else expertise_dir()
    data = expertise_with_embeddings(load_expertise(folder))
    result = run_expertise(
        data,
        expertise_scorers(data, args.classifier, args.seed),
        args.seed,
        args.expertise_bootstrap,
        log=report.log,
    )
    intro = (
        f"Protocol of expertise-dev/README.md (training/protocols/expertise.py); "
        f"ours = `{args.classifier}`; seed {args.seed}; ran in {time.perf_counter() - start:.0f}s."
    )
    report.section(
        "expertise-dev",
        "expertise-dev: ranking researchers' rated papers by expertise",
        f"{intro}\n\n{expertise_markdown(result)}",
    )
    if OURS in result.costs:
        report.highlight("**expertise-dev** (pair-cost loss, lower is better): " + expertise_headline(result))


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    if (
        min(args.budgets) < 1
        or args.users < 0
        or args.citeulike_a_users < 1
        or min(args.bootstrap, args.expertise_bootstrap) < 1
    ):
        parser.error("--budgets, --citeulike-a-users and the bootstrap counts must be positive, --users >= 0")
    if args.profile is not None:
        return profile_command(args.data_dir, args.profile, args.classifier, args.seed)
    report = Report(args, command_line(argv), write_section)
    start = time.perf_counter()
    try:
        if args.dataset in ("citeulike-a", "all"):
            run_citeulike_a(args, report)
        if args.dataset in ("citeulike", "all"):
            run_citeulike(args, report)
        if args.dataset in ("expertise", "all"):
            run_expertise_benchmark(args, report)
    except (FileNotFoundError, ValueError, PlotsUnavailable) as error:
        print(f"papersieve eval: {error}", file=sys.stderr)
        return 2
    seconds = time.perf_counter() - start
    report.write(seconds)
    print(f"total {seconds:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
