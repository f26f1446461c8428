"""Benchmark the sentence-embedding space: throughput, the vector store's size, memory, page latency.

    .venv/bin/python -m training.bench.embedding            # prints the numbers, writes training/RESULTS.md
    .venv/bin/python -m training.bench.embedding --no-write

Texts are real: the 104 papers (title + abstract) of ../shared/data/hf-trending-page.json and 1,000
citeulike-a titles (a titles-only page such as arXiv /recent). The store's size is measured on a
temporary SQLite file holding 100,000 papers with one float16 vector each. The page latency runs the
real server (`papersieve serve`, its own embedding worker on one thread) on loopback: a 100-paper page
of papers it has never seen, the time to the first reply (first marks, provisional) and until every
score is final (each paper embedded; the extension asks again when the reply's `refine_after_ms`
says, so a reader sees the final marks at the first re-ask after this).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from model.embedding import DIMENSIONS, ENCODER_NAME, ENCODER_VERSION, SentenceEncoder
from training.datasets.shared_data import hf_trending_page, shared_data_dir
from training.harness.server_process import ServerProcess
from training.reports.results import publish

SEED = 0
STORE_PAPERS = 100_000
TITLES = 1_000


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def throughput(threads: int, titles: list[str], abstracts: list[str]) -> float:
    """Papers per second, after one warm-up batch."""
    encoder = SentenceEncoder(threads)
    encoder.encode(titles[:8], abstracts[:8])
    start = time.perf_counter()
    encoder.encode(titles, abstracts)
    return len(titles) / (time.perf_counter() - start)


def store_size(titles: list[str]) -> tuple[float, float, float]:
    """(MiB without vectors, MiB with vectors, ms to read 104 vectors) for STORE_PAPERS papers."""
    from server.store import EncoderKey, Paper, Store

    key = EncoderKey(ENCODER_NAME, ENCODER_VERSION)
    rng = np.random.default_rng(SEED)
    with tempfile.TemporaryDirectory(prefix="papersieve-bench-") as tmp:
        store = Store.open(Path(tmp), encoder=key)
        papers = [
            Paper(id=f"bench:{i}", title=titles[i % len(titles)], abstract="", url="")
            for i in range(STORE_PAPERS)
        ]
        for start in range(0, STORE_PAPERS, 5_000):
            store.record_seen("default", papers[start : start + 5_000])
        store.close()
        path = Path(tmp) / "papersieve.sqlite3"
        without = _database_mib(path)
        store = Store.open(Path(tmp), encoder=key)
        for start in range(0, STORE_PAPERS, 5_000):
            vectors = rng.normal(size=(5_000, DIMENSIONS)).astype(np.float32)
            vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
            store.save_embeddings(key, list(zip(papers[start : start + 5_000], vectors, strict=True)))
        ids = [p.id for p in papers[:: STORE_PAPERS // 104][:104]]
        store.embeddings_for(ids)
        started = time.perf_counter()
        for _ in range(20):
            store.embeddings_for(ids)
        read_ms = (time.perf_counter() - started) / 20 * 1000
        store.close()
        return without, _database_mib(path), read_ms


def _database_mib(path: Path) -> float:
    total = sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
    return total / 2**20


def page_latency(page: list[dict]) -> tuple[float, float, int]:
    """(ms to the first /score reply, s until no score is provisional, rounds) on a fresh server."""
    with tempfile.TemporaryDirectory(prefix="papersieve-bench-") as tmp:
        server = ServerProcess(Path(tmp) / "data").start()
        try:
            for paper, rating in ((page[-1], 1), (page[-2], -1)):
                server.request("POST", "/feedback", {"paper": paper, "rating": rating})
            time.sleep(3)  # the encoder loaded and the two rated papers embedded, as after a first visit
            body = {"profile": "default", "papers": page[:100]}
            start = time.perf_counter()
            status, reply = server.request("POST", "/score", body)
            first_ms = (time.perf_counter() - start) * 1000
            if status != 200:
                raise SystemExit(f"server answered {status}: {reply}")
            rounds = 0
            while any(entry["provisional"] for entry in reply["scores"]):
                time.sleep(0.25)
                rounds += 1
                status, reply = server.request("POST", "/score", body)
                if time.perf_counter() - start > 300:
                    raise SystemExit("page still provisional after 5 minutes")
            return first_ms, time.perf_counter() - start, rounds
        finally:
            server.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--no-write", action="store_true", help="print only; leave training/RESULTS.md alone")
    args = parser.parse_args(argv)
    page = hf_trending_page()
    titles_a = pd.read_csv(shared_data_dir() / "citeulike-a" / "items.csv.gz", keep_default_na=False)["title"]
    titles = titles_a.sample(TITLES, random_state=SEED).tolist()
    page_titles, page_abstracts = [p["title"] for p in page], [p["abstract"] for p in page]
    rows = []
    before = rss_mib()
    encoder = SentenceEncoder(1)
    loaded = rss_mib()
    encoder.encode(page_titles, page_abstracts)
    rows.append(
        (
            "RSS of the encoder (onnxruntime + model, after embedding 104 abstracts)",
            f"+{loaded - before:.0f} MiB loaded, +{rss_mib() - before:.0f} MiB after use",
        )
    )
    del encoder
    for threads in (1, 2):
        with_abstracts = throughput(threads, page_titles, page_abstracts)
        titles_only = throughput(threads, titles, [""] * len(titles))
        rows.append(
            (
                f"throughput, {threads} thread{'s' if threads > 1 else ''}",
                f"{with_abstracts:.1f} papers/s with abstracts ({1000 / with_abstracts:.0f} ms each), "
                f"{titles_only:.0f} titles/s ({1000 / titles_only:.1f} ms each)",
            )
        )
    without, with_vectors, read_ms = store_size(titles)
    rows.append(
        (
            f"SQLite store at {STORE_PAPERS:,} papers (titles only)",
            f"{without:.1f} MiB without vectors, {with_vectors:.1f} MiB with one float16 vector each "
            f"(+{(with_vectors - without) * 2**20 / STORE_PAPERS:.0f} bytes a paper); reading 104 "
            f"vectors {read_ms:.2f} ms",
        )
    )
    first_ms, final_s, asks = page_latency(page)
    rows.append(
        (
            "100 new papers with abstracts, fresh server (1 embedding thread)",
            f"first marks (provisional) after {first_ms:.0f} ms; every score final after "
            f"{final_s:.1f} s ({100 / final_s:.1f} papers/s while serving; {asks} polls)",
        )
    )
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    table = "\n".join(["| measurement | result |", "|---|---|", *(f"| {k} | {v} |" for k, v in rows)])
    report = (
        "## Embedding benchmark (`training/bench/embedding.py`)\n\n"
        f"Command: `.venv/bin/python -m training.bench.embedding` (seed {SEED}; {machine}; encoder "
        f"{ENCODER_NAME} {ENCODER_VERSION}).\n\n{table}\n\nThe extension shows the first marks at once "
        "and asks again for provisional scores when the server's reply estimates they will be final "
        "(`refine_after_ms`; without one after 1, 2, 4, 8 and then every 15 s), so a reader sees "
        "the final marks at the first re-ask after the last paper is embedded."
    )
    publish("bench_embedding", report, write=not args.no_write)
    return 0


if __name__ == "__main__":
    sys.exit(main())
