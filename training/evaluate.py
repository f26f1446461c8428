"""`papersieve eval`: measure papersieve's ranking quality on real data, side by side with baselines.

    python -m training.evaluate                       # everything; the numbers in training/RESULTS.md
    python -m training.evaluate --dataset citeulike --variant random --active-learning-users 0 --no-write
    python -m training.evaluate --profile default [--data-dir DIR]   # cross-validate your own ratings

citeulike-a: the digest replay of citeulike-a/README.md (real titles, 200 readers). citeulike-t: the
digest replay of citeulike-t/README.md over every eligible reader (--users 200 is the README's
draw) on "random" pages (exactly the reference protocol) and on harder "same-field" pages (see
training/protocols/episodes.py), with calibration, learning curves and an active-learning check.
expertise-dev: the README's protocol and loss. Everywhere ours runs beside the terms-only model
(ours without sentence embeddings), TF-IDF Rocchio and embedding Rocchio, with paired intervals;
the datasets' sentence embeddings are computed once and cached (training/datasets/embedding_cache.py).
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from training.datasets.citeulike import CiteULike, citeulike_dir, load_citeulike, with_embeddings
from training.datasets.citeulike_a import MIN_LIBRARY as CITEULIKE_A_MIN_LIBRARY
from training.datasets.citeulike_a import citeulike_a_dir, load_citeulike_a
from training.protocols.active_learning import METRICS as AL_METRICS
from training.protocols.active_learning import PROTOCOL as AL_PROTOCOL
from training.protocols.active_learning import (
    active_learning_markdown,
    active_learning_summary,
    run_active_learning,
)
from training.protocols.calibration import calibration_markdown, plot_reliability
from training.protocols.citeulike_replay import (
    VariantResult,
    headline_markdown,
    our_classifier,
    replay_scorers,
    run_variant,
    variant_markdown,
)
from training.protocols.episodes import NEIGHBOURHOOD_SIZE, VARIANTS, ReplaySettings
from training.protocols.expertise import (
    expertise_dir,
    expertise_headline,
    expertise_markdown,
    expertise_scorers,
    load_expertise,
    run_expertise,
)
from training.protocols.expertise import with_embeddings as expertise_with_embeddings
from training.protocols.learning_curves import plot_active_learning, plot_learning_curves
from training.protocols.profile_cv import NotEnoughLabels, cross_validate, profile_report, read_profile
from training.protocols.reference_check import compare_with_reference
from training.protocols.scorers import DEFAULT_CLASSIFIER, OURS
from training.protocols.summary_tables import metric_table
from training.reports.figures import PlotsUnavailable
from training.reports.results import RESULTS_PATH, write_section

PLOTS_DIR = Path(__file__).resolve().parent / "plots"
REFERENCE_SETTINGS = ReplaySettings()
ALL_USERS = 1_000_000  # more than any dataset has: every eligible reader
CITEULIKE_A_DESCRIPTION = (
    "citeulike-a/README.md's protocol: readers with 30+ library items (961), 200 drawn with seed 0; page = "
    "5 held-out library items + 95 random non-library items; thumbs-downs random non-library items; "
    "text = real title (+ abstract for the 11% that have one). rocchio-tfidf is the README's "
    "(sublinear tf, English stop words, word pairs, min_df 2, on every item).")
PAGE_DESCRIPTIONS = {
    "random": "page = 5 held-out library items + 95 uniformly random non-library items (all sciences); "
              "thumbs-downs likewise; exactly citeulike-t/README.md's protocol.",
    "same-field": "page = the same 5 held-out items + 95 items drawn uniformly (same per-user generator) "
                  f"from the reader's field: the {NEIGHBOURHOOD_SIZE:,} non-library pool items (of 25,944) "
                  "whose CiteULike tags are closest to the reader's whole library (each item a tf-idf "
                  "vector of its tags, smoothed idf, L2 rows; the library's profile is the mean of its "
                  "rows; dot product, ties to the lower id; near-duplicates of library items, word "
                  "TF-IDF cosine ≥ 0.9, left out); the 40 thumbs-downs come from the same field, "
                  "the users, held-out items and thumbs-ups are the random variant's. Tags build the page "
                  "only: no method sees them (training/protocols/episodes.py).",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="papersieve eval", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", choices=["citeulike-a", "citeulike", "expertise", "all"], default="all",
                        help="which benchmark to run: citeulike-a (real titles), citeulike (citeulike-t), "
                             "expertise (expertise-dev) or all (default)")
    parser.add_argument("--variant", choices=[*VARIANTS, "both"], default="both",
                        help="citeulike-t page variant (default: both)")
    parser.add_argument("--users", type=int, default=0,
                        help="citeulike-t users sampled; 0 = every eligible reader, 1,127 (default: 0; "
                             "the README protocol's draw is 200)")
    parser.add_argument("--citeulike-a-users", type=int, default=200,
                        help="citeulike-a readers sampled (its README protocol: 200)")
    parser.add_argument("--budgets", type=int, nargs="+", default=[2, 5, 10, 20],
                        help="numbers of thumbs-ups, with twice as many thumbs-downs (default: 2 5 10 20)")
    parser.add_argument("--seed", type=int, default=0, help="seed of every random draw (default: 0)")
    parser.add_argument("--bootstrap", type=int, default=2000,
                        help="citeulike-t bootstrap resamples (default: 2000)")
    parser.add_argument("--expertise-bootstrap", type=int, default=1000,
                        help="expertise-dev participant resamples (default: 1000)")
    parser.add_argument("--active-learning-users", type=int, default=50, metavar="N",
                        help="citeulike-t users in the active-learning check (a refit per click, so it is "
                             "the slowest part); 0 skips it (default: 50)")
    parser.add_argument("--classifier", default=DEFAULT_CLASSIFIER,
                        help=f"module:function returning our estimator (default: {DEFAULT_CLASSIFIER})")
    parser.add_argument("--profile", metavar="NAME",
                        help="cross-validate this profile's stored ratings instead of the benchmarks")
    parser.add_argument("--data-dir", type=Path,
                        help="papersieve data directory for --profile (default: $PAPERSIEVE_DATA_DIR or "
                             "the platform's user data directory)")
    parser.add_argument("--shared-data", type=Path,
                        help="folder holding citeulike-t/ and expertise-dev/ (default: ../shared/data)")
    parser.add_argument("--out-dir", type=Path, default=PLOTS_DIR,
                        help="where plots go (default: training/plots)")
    parser.add_argument("--per-user", type=Path, metavar="CSV",
                        help="also write per-user citeulike-t results (variant, method, n, user, metrics)")
    parser.add_argument("--no-write", action="store_true",
                        help="print only; leave training/RESULTS.md and the plots alone")
    return parser


class Report:
    """Prints every block as it is ready; at the end (unless --no-write) writes the summary and then
    every block as named sections of RESULTS.md, so a failed run leaves the file as it was."""

    def __init__(self, args: argparse.Namespace, command: str) -> None:
        self.args, self.command = args, command
        self.sections: list[tuple[str, str, str]] = []
        self.highlights: list[str] = []

    def log(self, message: str) -> None:
        print(message, flush=True)

    def section(self, name: str, title: str, markdown: str) -> None:
        print(f"\n## {title}\n\n{markdown}\n", flush=True)
        self.sections.append((name, title, markdown))

    def highlight(self, markdown: str) -> None:
        """A block of the summary section (the headline numbers)."""
        self.highlights.append(markdown)

    def write(self, seconds: float) -> None:
        names = ", ".join(name for name, _, _ in self.sections)
        summary = (f"Last run: `{self.command}` (`papersieve eval` takes the same options), "
                   f"{seconds:.0f}s on a 2-core machine, fixed seeds (a rerun reproduces it); model code "
                   f"{model_revision()}; it wrote the sections {names}.\n\n" + "\n\n".join(self.highlights))
        print(f"\n## Summary\n\n{summary}\n", flush=True)
        if self.args.no_write:
            return
        write_section("evaluate-summary", f"## papersieve eval: summary\n\n{summary}")
        for name, title, markdown in self.sections:
            write_section(name, f"## {title}\n\nCommand: `{self.command}`\n\n{markdown}")

    def plot_path(self, filename: str) -> Path | None:
        return None if self.args.no_write else self.args.out_dir / filename

    def link(self, path: Path | None, label: str) -> str:
        if path is None:
            return ""
        return f"\n\n![{label}]({Path(os.path.relpath(path, RESULTS_PATH.parent)).as_posix()})"


def model_revision() -> str:
    """The checkout's git commit, noting uncommitted changes under model/ (numbers belong to it)."""
    repo = Path(__file__).resolve().parent.parent

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, timeout=20,
                              check=True).stdout.strip()

    try:
        head, dirty = git("rev-parse", "--short", "HEAD"), git("status", "--porcelain", "--", "model")
    except (OSError, subprocess.SubprocessError):
        return "unknown (not a git checkout)"
    return f"git {head}" + (" + uncommitted changes in model/" if dirty else "")


def command_line(argv: list[str]) -> str:
    return "python -m training.evaluate" + "".join(" " + shlex.quote(a) for a in argv)


def run_citeulike(args: argparse.Namespace, report: Report) -> None:
    start = time.perf_counter()
    folder = args.shared_data / "citeulike-t" if args.shared_data else citeulike_dir()
    data = with_embeddings(load_citeulike(folder), "citeulike-t")
    report.log(f"citeulike-t loaded, vectorized and embedded in {time.perf_counter() - start:.1f}s")
    settings = ReplaySettings(users=args.users or ALL_USERS, budgets=tuple(sorted(set(args.budgets))),
                              seed=args.seed)
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
        markdown = (f"{PAGE_DESCRIPTIONS[variant]} {len(result.episodes)} users, seed {args.seed}; "
                    f"ours = `{args.classifier}`; ran in {result.seconds:.0f}s.\n\n"
                    + variant_markdown(result)
                    + reference_note(result, settings, folder, args)
                    + report.link(curves, f"learning curves, {variant} pages"))
        report.section(f"citeulike-{variant}", f"citeulike-t digest replay: {variant} pages", markdown)
    if args.per_user is not None:
        frames = [r.results.assign(variant=v) for v, r in results.items()]
        pd.concat(frames)[["variant", "method", "n", "user", "auc", "p@5", "ndcg@10"]].to_csv(
            args.per_user, index=False)
        report.log(f"per-user results written to {args.per_user}")
    report.highlight("**citeulike-t: ours − best baseline (paired, per user)**\n\n"
                     + headline_markdown(results))
    report.section("citeulike-calibration", "citeulike-t calibration of our probabilities",
                   calibration_section(results, settings, report))
    if args.active_learning_users > 0 and "random" in results:
        report.section("citeulike-active-learning",
                       "citeulike-t active learning: suggested vs random ratings",
                       active_learning_section(data, make, results["random"], args, report))


def run_citeulike_a(args: argparse.Namespace, report: Report) -> None:
    """citeulike-a/README.md's digest replay: real titles, random pages, 200 readers with 30+ items."""
    start = time.perf_counter()
    folder = args.shared_data / "citeulike-a" if args.shared_data else citeulike_a_dir()
    data = with_embeddings(load_citeulike_a(folder), "citeulike-a")
    report.log(f"citeulike-a loaded, vectorized and embedded in {time.perf_counter() - start:.1f}s")
    settings = ReplaySettings(users=args.citeulike_a_users, budgets=tuple(sorted(set(args.budgets))),
                              seed=args.seed, min_library=CITEULIKE_A_MIN_LIBRARY)
    make = our_classifier(data, args.classifier)
    result = run_variant(data, settings, "random", replay_scorers(data, make, args.seed, reference=False),
                         args.bootstrap, log=report.log, dataset="citeulike-a")
    markdown = (f"{CITEULIKE_A_DESCRIPTION} {len(result.episodes)} readers, seed {args.seed}; ours = "
                f"`{args.classifier}`; ran in {result.seconds:.0f}s.\n\n" + variant_markdown(result))
    report.section("citeulike-a", "citeulike-a digest replay: real titles, random pages", markdown)
    report.highlight("**citeulike-a: ours − best other method (paired, per reader)**\n\n"
                     + headline_markdown({"random": result}))


def reference_note(result: VariantResult, settings: ReplaySettings, folder: Path,
                   args: argparse.Namespace) -> str:
    """On random pages with the reference settings, how many baseline cells equal the README's."""
    if result.variant != "random" or settings != REFERENCE_SETTINGS or args.bootstrap != 2000:
        return ""
    readme = folder / "README.md"
    if not readme.exists():
        return ""
    ours = {m: metric_table(result.results, m, result.resamples) for m in ("auc", "p@5", "ndcg@10")}
    same, total, differing = compare_with_reference(ours, readme)
    note = (f"\n\n**Reference check**: {same} of {total} baseline cells equal citeulike-t/README.md's tables "
            "character for character.")
    if differing:
        note += (" The others differ by 0.001 in the mean or a bound; `evaluate_reference.py` run on this "
                 "machine (same library versions as the README) prints exactly our numbers, so the README's "
                 "were made where floating-point near-ties broke differently (its liblinear baselines also "
                 "draw their shuffling seed from numpy's unseeded global generator; ours use "
                 "random_state=0). Differing cells: " + "; ".join(differing) + ".")
    return note


def calibration_section(results: dict[str, VariantResult], settings: ReplaySettings, report: Report) -> str:
    parts = ["Brier score of ours' P(thumbs-up) on every page paper (pooled over users), beside the Brier "
             "score of always predicting the page's base rate (5 relevant in 100), and the mean predicted "
             "probability beside the observed rate. Training sets hold 1 thumbs-up per 2 thumbs-downs, so a "
             "model calibrated to its training labels alone would over-predict on a page."]
    for variant, result in results.items():
        plot = report.plot_path(f"reliability-{variant}.png")
        if plot is not None:
            plot_reliability(result.our_scores, result.episodes, OURS, settings.budgets,
                             f"reliability of ours, {variant} pages", plot)
        parts.append(f"**{variant} pages**\n\n"
                     + calibration_markdown(result.our_scores, result.episodes, OURS, settings.budgets)
                     + report.link(plot, f"reliability diagram, {variant} pages"))
    return "\n\n".join(parts)


def active_learning_section(data: CiteULike, make: Callable[[], Any], result: VariantResult,
                            args: argparse.Namespace, report: Report) -> str:
    episodes = result.episodes
    count = min(args.active_learning_users, len(episodes))
    chosen = np.sort(np.random.default_rng(args.seed).choice(len(episodes), size=count, replace=False))
    al = run_active_learning(make, data.texts, [episodes[i] for i in chosen], args.seed, args.bootstrap,
                             log=report.log)
    plot = report.plot_path("active-learning.png")
    if plot is not None:
        plot_active_learning(al.results, AL_METRICS, f"citeulike-t random pages, {count} users", plot)
    report.highlight(f"**Active learning** ({count} users, citeulike-t random pages):\n\n"
                     + active_learning_summary(al))
    return (f"{AL_PROTOCOL}\n\n{active_learning_markdown(al)}\n\nRan in {al.seconds:.0f}s."
            + report.link(plot, "active learning curves"))


def run_expertise_benchmark(args: argparse.Namespace, report: Report) -> None:
    start = time.perf_counter()
    folder = args.shared_data / "expertise-dev" if args.shared_data else expertise_dir()
    data = expertise_with_embeddings(load_expertise(folder))
    result = run_expertise(data, expertise_scorers(data, args.classifier, args.seed), args.seed,
                           args.expertise_bootstrap, log=report.log)
    intro = (f"Protocol of expertise-dev/README.md (training/protocols/expertise.py); "
             f"ours = `{args.classifier}`; seed {args.seed}; ran in {time.perf_counter() - start:.0f}s.")
    report.section("expertise-dev", "expertise-dev: ranking researchers' rated papers by expertise",
                   f"{intro}\n\n{expertise_markdown(result)}")
    if OURS in result.costs:
        report.highlight("**expertise-dev** (pair-cost loss, lower is better): " + expertise_headline(result))


def run_profile(args: argparse.Namespace) -> int:
    from server.config import resolve_data_dir

    data_dir = resolve_data_dir(args.data_dir)
    try:
        profile = read_profile(data_dir, args.profile)
        scores = cross_validate(profile, args.classifier, args.seed)
    except NotEnoughLabels as error:
        print(f"papersieve eval: {error}", file=sys.stderr)
        return 1
    except (FileNotFoundError, ValueError) as error:
        print(f"papersieve eval: {error}", file=sys.stderr)
        return 2
    print(profile_report(profile, scores, args.seed))
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    if min(args.budgets) < 1 or args.users < 0 or args.citeulike_a_users < 1 or min(
            args.bootstrap, args.expertise_bootstrap) < 1:
        parser.error("--budgets, --citeulike-a-users and the bootstrap counts must be positive, --users >= 0")
    if args.profile is not None:
        return run_profile(args)
    report = Report(args, command_line(argv))
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
