"""Stress the real server over loopback: scale, load and kill -9 scenarios, then a "Stress" table.

    .venv/bin/python -m training.bench.stress            # ~15-20 min; writes training/RESULTS.md
    .venv/bin/python -m training.bench.stress --quick --no-write

Scale: for each corpus size (20,000, 100,000 and 300,000 stored papers, training/datasets/
synthetic_corpus.py, with 1,100 ratings) a fresh server is started; the 104-paper trending page
(stored, with vectors) is scored until the corpus features are fitted (their child process's time),
then /score and feedback→rescore are timed, while a sampler reads the server's and its child
processes' resident memory (/proc, every 50 ms). Load: 8 threads score 500 stored papers each in a
loop, one rates two papers a second, and a ninth tab scores the 104-paper page. Faults: papers are
rated one by one while the server is killed (SIGKILL) mid-stream; after a restart every
acknowledged rating must be there. Fixed seeds; every request has a timeout; numbers from a
shared machine are noisy.
"""

from __future__ import annotations

import argparse
import http.client
import os
import signal
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from server.store import Paper
from training.bench.stress_report import LoadResult, ScaleResult, report
from training.datasets.synthetic_corpus import Sources, build_store, read_sources
from training.harness.process_memory import MemorySampler, rss_mib
from training.harness.server_process import KeepAliveClient, ServerProcess
from training.reports.results import publish

FULL = {
    "sizes": (20_000, 100_000, 300_000),
    "ratings": 1_100,
    "repeats": 100,
    "load_seconds": 30.0,
    "kill_rounds": 3,
}
QUICK = {"sizes": (2_000, 5_000), "ratings": 300, "repeats": 20, "load_seconds": 5.0, "kill_rounds": 1}
SEED = 0
FIT_TIMEOUT_SECONDS = 600.0
HEAVY_PAGE = 500
LOAD_TABS = 8
RATING_PAUSE_SECONDS = 0.5  # a fast reader: two ratings a second


def api_paper(paper: Paper) -> dict:
    return {"id": paper.id, "title": paper.title, "abstract": paper.abstract, "url": paper.url}


def percentiles(samples: list[float]) -> tuple[float, float]:
    if not samples:
        return float("nan"), float("nan")
    return float(np.percentile(samples, 50)), float(np.percentile(samples, 95))


def timed(call: Callable[[], tuple[int, object]]) -> tuple[int, float]:
    start = time.perf_counter()
    status, _ = call()
    return status, (time.perf_counter() - start) * 1000


def wait_for_corpus_features(server: ServerProcess, page: list[dict], timeout: float) -> float:
    """Score the page until the corpus features are fitted and no refit runs; seconds it took."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        server.request("POST", "/score", {"papers": page}, timeout=timeout)
        status, profile = server.request("GET", "/profiles/default", timeout=timeout)
        state = profile["model"]["corpus_features"] if status == 200 else {"updating": True, "papers": 0}
        if not state["updating"] and state["papers"]:
            server.request("POST", "/score", {"papers": page}, timeout=timeout)  # the model on them
            return time.monotonic() - start
        time.sleep(0.5)
    raise SystemExit(f"the corpus features were not fitted within {timeout:g} s")


def measure_scale(work: Path, sources: Sources, size: int, ratings: int, repeats: int) -> ScaleResult:
    data_dir = work / f"scale-{size}"
    page, _ = build_store(data_dir, sources, size, ratings, SEED)
    server = ServerProcess(data_dir).start(timeout=120)
    assert server.process is not None
    sampler = MemorySampler(server.process.pid).start()
    try:
        started_mib = rss_mib(server.process.pid)
        fit_seconds = wait_for_corpus_features(server, page, FIT_TIMEOUT_SECONDS)
        client = KeepAliveClient(server)  # one kept-alive connection, as the extension's worker has
        score = [timed(lambda: client.request("POST", "/score", {"papers": page}))[1] for _ in range(repeats)]
        feedback = []
        for repeat in range(max(10, repeats // 3)):
            start = time.perf_counter()
            client.request("POST", "/feedback", {"paper": page[0], "rating": 1 if repeat % 2 else -1})
            client.request("POST", "/score", {"papers": page})
            feedback.append((time.perf_counter() - start) * 1000)
        client.close()
        time.sleep(3)  # the model saver writes and releases memory 2 s after the last rating
        return ScaleResult(
            size,
            ratings,
            started_mib,
            rss_mib(server.process.pid),
            sampler.server_peak,
            sampler.child_peaks(),
            fit_seconds,
            percentiles(score),
            percentiles(feedback),
        )
    finally:
        sampler.stop()
        server.stop()


def measure_load(work: Path, sources: Sources, size: int, ratings: int, seconds: float) -> LoadResult:
    """8 tabs scoring 500 stored papers in a loop, one tab rating, a ninth scoring the 104-paper page."""
    data_dir = work / "load"
    page, papers = build_store(data_dir, sources, max(size, 2 * HEAVY_PAGE), ratings, SEED)
    server = ServerProcess(data_dir).start(timeout=120)
    statuses: Counter[str] = Counter()
    small: list[float] = []
    heavy: list[float] = []
    lock = threading.Lock()
    try:
        wait_for_corpus_features(server, page, FIT_TIMEOUT_SECONDS)
        deadline = time.monotonic() + seconds

        def loop(
            make_body: Callable[[int], tuple[str, dict]], samples: list[float] | None, pause: float = 0.0
        ) -> None:
            turn = 0
            client = KeepAliveClient(server, timeout=60)  # each tab keeps its connection
            while time.monotonic() < deadline:
                time.sleep(pause)
                path, body = make_body(turn)
                try:
                    status, ms = timed(lambda path=path, body=body: client.request("POST", path, body))
                except (
                    OSError,
                    ValueError,
                    http.client.HTTPException,
                ) as error:  # a refused or timed-out connection counts as an error
                    status, ms = type(error).__name__, 0.0
                    client.close()  # the next request opens a new connection
                with lock:
                    statuses[str(status)] += 1
                    if samples is not None and status == 200:
                        samples.append(ms)
                turn += 1
            client.close()

        def heavy_page(tab: int) -> Callable[[int], tuple[str, dict]]:
            def body(turn: int) -> tuple[str, dict]:
                start = ((tab * 7 + turn) * HEAVY_PAGE) % (len(papers) - HEAVY_PAGE)
                return "/score", {"papers": [api_paper(p) for p in papers[start : start + HEAVY_PAGE]]}

            return body

        def rating(turn: int) -> tuple[str, dict]:
            return "/feedback", {"paper": api_paper(papers[turn % len(papers)]), "rating": 1 - 2 * (turn % 2)}

        with ThreadPoolExecutor(max_workers=LOAD_TABS + 2) as pool:
            jobs = [pool.submit(loop, heavy_page(tab), heavy) for tab in range(LOAD_TABS)]
            jobs.append(pool.submit(loop, rating, None, RATING_PAUSE_SECONDS))
            jobs.append(pool.submit(loop, lambda _turn: ("/score", {"papers": page}), small))
            for job in jobs:
                job.result()
        return LoadResult(seconds, dict(statuses), percentiles(small), percentiles(heavy))
    finally:
        server.stop()


def kill_during_writes(work: Path, sources: Sources, rounds: int) -> tuple[int, int, int]:
    """Rate papers one at a time (4 writers) and SIGKILL the server mid-stream, `rounds` times;
    (ratings acknowledged, of them found after a restart, server restarts)."""
    data_dir = work / "faults"
    _, papers = build_store(data_dir, sources, 1_000, 10, SEED)
    acknowledged: dict[str, int] = {}
    lock = threading.Lock()
    server = ServerProcess(data_dir)
    rng = np.random.default_rng(SEED)
    for round_number in range(rounds):
        server.start(timeout=120)
        stop = threading.Event()
        chosen = rng.choice(len(papers), size=400, replace=False)

        def write(offset: int, chosen: np.ndarray = chosen, stop: threading.Event = stop) -> None:
            for index in chosen[offset::4]:
                if stop.is_set():
                    return
                paper, rating = papers[int(index)], 1 if index % 2 else -1
                try:
                    status, _ = server.request(
                        "POST", "/feedback", {"paper": api_paper(paper), "rating": rating}, timeout=10
                    )
                except (OSError, http.client.HTTPException):
                    return  # the server is gone: this rating was never acknowledged
                if status == 200:
                    with lock:
                        acknowledged[paper.id] = rating

        writers = [threading.Thread(target=write, args=(offset,)) for offset in range(4)]
        for writer in writers:
            writer.start()
        time.sleep(1.0 + 0.5 * round_number)
        assert server.process is not None
        os.kill(server.process.pid, signal.SIGKILL)
        server.process.wait()
        stop.set()
        for writer in writers:
            writer.join()
    server.start(timeout=120)
    try:
        found: dict[str, int] = {}
        offset = 0
        while True:
            status, page = server.request("GET", f"/profiles/default/ratings?limit=200&offset={offset}")
            if status != 200 or not page["ratings"]:
                break
            found.update((item["paper"]["id"], item["rating"]) for item in page["ratings"])
            offset += len(page["ratings"])
        kept = sum(1 for paper_id, rating in acknowledged.items() if found.get(paper_id) == rating)
        return len(acknowledged), kept, rounds
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="small corpora and short runs (a minute or two)")
    parser.add_argument("--sizes", type=int, nargs="+", help="corpus sizes to measure (stored papers)")
    parser.add_argument("--ratings", type=int, help="ratings in each scale corpus")
    parser.add_argument("--load-seconds", type=float, help="how long the load scenario runs")
    parser.add_argument("--kill-rounds", type=int, help="kill -9 rounds during writes")
    parser.add_argument(
        "--no-vectors", action="store_true", help="store no sentence vectors (no embedding cache)"
    )
    parser.add_argument("--no-write", action="store_true", help="print only; leave training/RESULTS.md alone")
    args = parser.parse_args(argv)
    settings = dict(QUICK if args.quick else FULL)
    for name in ("sizes", "ratings", "load_seconds", "kill_rounds"):
        if getattr(args, name) is not None:
            settings[name] = tuple(args.sizes) if name == "sizes" else getattr(args, name)
    if (
        any(size < 100 for size in settings["sizes"])
        or settings["ratings"] < 2
        or settings["kill_rounds"] < 0
    ):
        parser.error("sizes must be >= 100 papers, --ratings >= 2, --kill-rounds >= 0")
    started = time.monotonic()
    sources = read_sources(with_vectors=not args.no_vectors)
    with tempfile.TemporaryDirectory(prefix="papersieve-stress-") as tmp:
        work = Path(tmp)
        scale = []
        for size in settings["sizes"]:
            scale.append(measure_scale(work, sources, size, settings["ratings"], settings["repeats"]))
            print(
                f"  {size:,} papers measured ({time.monotonic() - started:.0f} s)",
                file=sys.stderr,
                flush=True,
            )
        load = measure_load(
            work, sources, settings["sizes"][0], settings["ratings"], settings["load_seconds"]
        )
        faults = (
            kill_during_writes(work, sources, settings["kill_rounds"]) if settings["kill_rounds"] else None
        )
    command = "python -m training.bench.stress" + (" --quick" if args.quick else "")
    publish(
        "stress", report(command, scale, load, faults, time.monotonic() - started), write=not args.no_write
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
