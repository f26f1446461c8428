"""`papersieve eval`: measure papersieve's ranking quality on real data, side by side with baselines.

    python -m training.evaluate                       # everything, the numbers in training/RESULTS.md
    python -m training.evaluate --dataset citeulike --users 50 --budgets 2 5 --no-write
    python -m training.evaluate --profile default --data-dir DIR   # cross-validate a reader's own ratings
"""

from __future__ import annotations

import argparse
import shlex
import sys
import time
from pathlib import Path

from training.citeulike import citeulike_dir, load_citeulike
from training.citeulike_replay import replay_scorers, run_variant, variant_markdown
from training.replay_episodes import VARIANTS, ReplaySettings
from training.results import write_section
from training.scorers import DEFAULT_CLASSIFIER

PLOTS_DIR = Path(__file__).resolve().parent / "plots"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="papersieve eval", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", choices=["citeulike", "expertise", "all"], default="all",
                        help="which benchmark to run (default: all)")
    parser.add_argument("--variant", choices=[*VARIANTS, "both"], default="both",
                        help="citeulike-t page variant (default: both)")
    parser.add_argument("--users", type=int, default=200, help="citeulike-t users sampled (default: 200)")
    parser.add_argument("--budgets", type=int, nargs="+", default=[2, 5, 10, 20],
                        help="numbers of thumbs-ups (with twice as many thumbs-downs) (default: 2 5 10 20)")
    parser.add_argument("--seed", type=int, default=0, help="seed of every random draw (default: 0)")
    parser.add_argument("--bootstrap", type=int, default=2000,
                        help="citeulike-t bootstrap resamples (default: 2000)")
    parser.add_argument("--classifier", default=DEFAULT_CLASSIFIER,
                        help=f"module:function returning our estimator (default: {DEFAULT_CLASSIFIER})")
    parser.add_argument("--profile", metavar="NAME",
                        help="cross-validate this profile's stored ratings instead of the benchmarks")
    parser.add_argument("--data-dir", type=Path,
                        help="papersieve data directory (with --profile; default: the platform's)")
    parser.add_argument("--shared-data", type=Path,
                        help="folder holding citeulike-t/ and expertise-dev/ (default: ../shared/data)")
    parser.add_argument("--out-dir", type=Path, default=PLOTS_DIR,
                        help="where plots go (default: training/plots)")
    parser.add_argument("--no-write", action="store_true",
                        help="print only; leave RESULTS.md and the plots alone")
    return parser


def command_line(argv: list[str]) -> str:
    return "python -m training.evaluate" + "".join(" " + shlex.quote(a) for a in argv)


def run_citeulike(args: argparse.Namespace, command: str) -> None:
    start = time.perf_counter()
    folder = args.shared_data / "citeulike-t" if args.shared_data else citeulike_dir()
    data = load_citeulike(folder)
    print(f"citeulike-t loaded and vectorized in {time.perf_counter() - start:.1f}s", flush=True)
    settings = ReplaySettings(users=args.users, budgets=tuple(sorted(set(args.budgets))), seed=args.seed)
    scorers = replay_scorers(data, args.classifier, args.seed)
    variants = VARIANTS if args.variant == "both" else (args.variant,)
    for variant in variants:
        result = run_variant(data, settings, variant, scorers, args.bootstrap, log=_log)
        markdown = variant_markdown(result)
        print(f"\n## citeulike-t digest replay, {variant} pages ({result.seconds:.1f}s)\n\n{markdown}\n",
              flush=True)
        if not args.no_write:
            write_section(f"citeulike-{variant}", f"## citeulike-t digest replay: {variant} pages\n\n"
                          f"`{command}`\n\n{markdown}")


def _log(message: str) -> None:
    print(message, flush=True)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    if min(args.budgets) < 1 or args.users < 1 or args.bootstrap < 1:
        parser.error("--users, --budgets and --bootstrap must be positive")
    command = command_line(argv)
    start = time.perf_counter()
    try:
        if args.dataset in ("citeulike", "all"):
            run_citeulike(args, command)
    except (FileNotFoundError, ValueError) as error:
        print(f"papersieve eval: {error}", file=sys.stderr)
        return 2
    print(f"total {time.perf_counter() - start:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
