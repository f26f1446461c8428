"""The "Stress" section of training/RESULTS.md from the stress scenarios' results
(training/bench/stress.py)."""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass

TARGETS = (
    "Targets (issue 11): server steady RSS < 300 MB and no peak > 450 MB, any child process < 600 MB, "
    "`/score` p95 < 30 ms for the 104-paper page, feedback→rescore p95 < 150 ms at 1,000 ratings; "
    "under load zero errors and the ninth tab's p95 < 250 ms; no acknowledged rating lost."
)


@dataclass(frozen=True)
class ScaleResult:
    papers: int
    ratings: int
    start_mib: float  # the server's RSS once it answers
    steady_mib: float  # after the fit, the measurements and the model save
    peak_mib: float  # the highest RSS sampled
    child_peaks: dict[str, float]  # per child command
    fit_seconds: float  # first page until the corpus features are fitted and used
    score_ms: tuple[float, float]  # p50, p95
    feedback_ms: tuple[float, float]


@dataclass(frozen=True)
class LoadResult:
    seconds: float
    statuses: dict[str, int]
    small_ms: tuple[float, float]
    heavy_ms: tuple[float, float]


def _ms(pair: tuple[float, float]) -> str:
    return f"{pair[0]:.1f} / {pair[1]:.1f}"


def _growth(scale: list[ScaleResult], value: str) -> str:
    """How a measurement grows from the smallest corpus to the largest."""
    if len(scale) < 2:
        return "—"
    first, last = scale[0], scale[-1]
    a, b = getattr(first, value), getattr(last, value)
    if isinstance(a, tuple):
        a, b = a[1], b[1]
    ratio = b / a if a else float("nan")
    return f"×{ratio:.2f} for ×{last.papers / first.papers:.0f} papers"


def report(
    command: str,
    scale: list[ScaleResult],
    load: LoadResult,
    faults: tuple[int, int, int] | None,
    seconds: float,
) -> str:
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    children = sorted({name for result in scale for name in result.child_peaks})
    head = [
        "stored papers",
        "ratings",
        "server RSS at start / steady / peak (MiB)",
        *(f"peak {name} (MiB)" for name in children),
        "corpus fit (s)",
        "/score 104 p50 / p95 (ms)",
        "feedback→rescore p50 / p95 (ms)",
    ]
    rows = [
        [
            f"{r.papers:,}",
            f"{r.ratings:,}",
            f"{r.start_mib:.0f} / {r.steady_mib:.0f} / {r.peak_mib:.0f}",
            *(f"{r.child_peaks.get(name, 0.0):.0f}" for name in children),
            f"{r.fit_seconds:.0f}",
            _ms(r.score_ms),
            _ms(r.feedback_ms),
        ]
        for r in scale
    ]
    growth = [
        "growth",
        "",
        _growth(scale, "steady_mib"),
        *([""] * len(children)),
        _growth(scale, "fit_seconds"),
        _growth(scale, "score_ms"),
        _growth(scale, "feedback_ms"),
    ]
    table = "\n".join("| " + " | ".join(row) + " |" for row in [head, ["---"] * len(head), *rows, growth])
    requests = sum(load.statuses.values())
    errors = {status: count for status, count in load.statuses.items() if status != "200"}
    load_line = (
        f"Load ({load.seconds:.0f} s: 8 tabs scoring 500 stored papers in a loop, one rating 2 papers/s, "
        f"a ninth scoring the 104-paper page): {requests:,} requests, errors by status: {errors or 'none'}; "
        f"ninth tab p50 / p95 {_ms(load.small_ms)} ms; 500-paper pages p50 / p95 {_ms(load.heavy_ms)} ms."
    )
    fault_line = "kill -9 during writes: not run."
    if faults is not None:
        acknowledged, kept, rounds = faults
        fault_line = (
            f"kill -9 during writes ({rounds} rounds, 4 writers rating one paper per request): "
            f"{acknowledged:,} ratings acknowledged, {kept:,} found after the restart."
        )
    return (
        "## Stress (`training/bench/stress.py`)\n\n"
        f"Command: `{command}` (seed 0, real server processes on loopback; {machine}; "
        f"{seconds / 60:.0f} min). "
        "Synthetic corpora of real citeulike-a / citeulike-t texts with their vectors "
        "(training/datasets/synthetic_corpus.py); RSS sampled every 50 ms from /proc. Timings come from a "
        "machine shared with other jobs: noisy.\n\n"
        f"{table}\n\n{load_line}\n\n{fault_line}\n\n{TARGETS}"
    )
