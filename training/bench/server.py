"""Benchmark the real server over HTTP: /score latency, feedback→rescore, refit time, peak memory.

    .venv/bin/python -m training.bench.server            # prints the numbers, writes training/RESULTS.md
    .venv/bin/python -m training.bench.server --no-write

Papers: the 104 real papers of ../shared/data/hf-trending-page.json are the page; 20,000 real
citeulike-t items (bag-of-words text as abstract) fill the store. Ratings: the largest real
citeulike-t library as 👍, random other items as 👎 (seed 0). Everything runs on loopback.
Every paper's sentence embedding is stored before the server starts (the vectors the eval caches,
training/datasets/embedding_cache.py): this measures the steady state, after the background worker has
embedded the backlog (embedding 20,000 papers takes it about 15 minutes; see training/bench/embedding.py).
"""

from __future__ import annotations

import argparse
import copy
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from model import make_classifier, prepare_corpus
from server.store import Store, current_encoder_key
from server.validation import check_paper
from training.bench.http_timing import (
    expect_ok,
    feedback_to_rescore,
    fresh_page_latency,
    rate_in_bulk,
    rss_mib,
    score_latency,
    timed,
    wait_for_corpus_features,
)
from training.datasets.embedding_cache import dataset_embeddings
from training.datasets.shared_data import hf_trending_page, shared_data_dir
from training.harness.server_process import KeepAliveClient, ServerProcess
from training.reports.results import publish

STORED_PAPERS = 20_000
RATING_LEVELS = (10, 100, 1_000)
SEED = 0
SCORED_PAPERS = 500


def citeulike() -> tuple[pd.DataFrame, list[int]]:
    """The items with text, and the item ids of the largest library."""
    folder = shared_data_dir() / "citeulike-t"
    items = pd.read_csv(folder / "items.csv.gz", keep_default_na=False)
    users = pd.read_csv(folder / "users.csv.gz", keep_default_na=False)
    has_text = items["text"].str.len() > 0
    largest = max(users["items"], key=lambda s: len(s.split()))
    library = [i for i in map(int, largest.split()) if has_text[i]]
    return items[has_text], library


def as_paper(item_id: int, text: str) -> dict:
    return {"id": f"citeulike:{item_id}", "title": "", "abstract": text, "url": ""}


def paper_vectors(page: list[dict]) -> dict[str, np.ndarray]:
    """Sentence embeddings by paper id: every citeulike-t item (as the eval embeds them) and the page."""
    items = pd.read_csv(shared_data_dir() / "citeulike-t" / "items.csv.gz", keep_default_na=False)
    texts = pd.DataFrame({"title": "", "abstract": items["text"]})
    citeulike_vectors = dataset_embeddings("citeulike-t", texts)
    page_frame = pd.DataFrame(
        {"title": [p["title"] for p in page], "abstract": [p["abstract"] for p in page]}
    )
    vectors = {f"citeulike:{i}": v for i, v in zip(items["id"], citeulike_vectors, strict=True)}
    page_vectors = dataset_embeddings("hf-trending", page_frame)
    vectors.update({p["id"]: v for p, v in zip(page, page_vectors, strict=True)})
    return vectors


def store_with_vectors(data_dir: Path, papers: list[dict], vectors: dict[str, np.ndarray]) -> None:
    """Store the papers as seen by the default profile, each with its stored vector. Their text is
    stored as the API would store it (whitespace normalised): a changed text drops a paper's vector."""
    key = current_encoder_key()
    with Store.open(data_dir) as store:
        stored = [check_paper(p) for p in papers]
        for start in range(0, len(stored), 5_000):
            store.record_seen("default", stored[start : start + 5_000])
        store.save_embeddings(key, [(paper, vectors[paper.id]) for paper in stored])


def refit_ms(labelled: pd.DataFrame, prepared: object, repeats: int = 5) -> float:
    X, y = labelled[["title", "abstract", "embedding"]], labelled["label"].to_numpy()
    return statistics.median(
        timed(lambda: make_classifier(corpus=prepared).fit(X, y)) for _ in range(repeats)
    )


def warm_refit_ms(labelled: pd.DataFrame, prepared: object, repeats: int = 5) -> float:
    """As the server refits after one rating: a copy of the fitted model, warm-started, on the same
    papers with one rating changed (model/classifier.py, warm_start)."""
    X, y = labelled[["title", "abstract", "embedding"]], labelled["label"].to_numpy()
    last = make_classifier(corpus=prepared).fit(X, y)
    samples = []
    for repeat in range(repeats):
        changed = y.copy()
        changed[repeat] = 1 - changed[repeat]
        refit = copy.copy(last)
        refit.warm_start = True
        samples.append(timed(lambda refit=refit, changed=changed: refit.fit(X, changed)))
    return statistics.median(samples)


def score_ms(model: object, batches: list[pd.DataFrame]) -> float:
    """Median time of predict_proba + explain (what /score asks of the model) over the batches."""
    return statistics.median(
        timed(lambda batch=batch: (model.predict_proba(batch), model.explain(batch))) for batch in batches
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeats", type=int, default=100, help="requests per latency measurement")
    parser.add_argument("--no-write", action="store_true", help="print only; leave training/RESULTS.md alone")
    args = parser.parse_args(argv)
    rng = np.random.default_rng(SEED)
    page = hf_trending_page()
    items, library = citeulike()
    in_library = set(library)
    library_papers = [as_paper(i, items.at[i, "text"]) for i in rng.permutation(library)]
    outside = [i for i in items.index if i not in in_library]
    filler_ids = rng.choice(outside, size=STORED_PAPERS, replace=False)
    filler = [as_paper(int(i), items.at[int(i), "text"]) for i in filler_ids]

    vectors = paper_vectors(page)
    rows: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="papersieve-bench-") as tmp:
        store_with_vectors(Path(tmp) / "data", filler + page + library_papers, vectors)
        server = ServerProcess(Path(tmp) / "data").start()
        client = KeepAliveClient(server)  # timed calls share one kept-alive connection, like fetch()
        try:
            for start in range(0, len(filler), 500):
                expect_ok(server.request("POST", "/score", {"papers": filler[start : start + 500]}))
            expect_ok(server.request("POST", "/score", {"papers": page}))
            rated = 0
            for level in RATING_LEVELS:
                half = level // 2
                ups = library_papers[rated // 2 : half]
                downs = filler[rated // 2 : half]
                rate_in_bulk(server, [(p, 1) for p in ups] + [(p, -1) for p in downs])
                rated = level
                first = timed(lambda: expect_ok(server.request("POST", "/score", {"papers": page})))
                wait_for_corpus_features(server)
                p50, p95 = feedback_to_rescore(client, page, page[0], repeats=max(10, args.repeats // 5))
                rows.append(
                    (
                        f"feedback→rescore of the 104-paper page at {level:,} ratings",
                        f"p50 {p50:.1f} ms, p95 {p95:.1f} ms (first score after bulk import {first:.0f} ms)",
                    )
                )
            p50, p95 = score_latency(client, page, args.repeats)
            rows.insert(0, ("`/score`, 104-paper HF page, warm", f"p50 {p50:.1f} ms, p95 {p95:.1f} ms"))
            p50, p95 = fresh_page_latency(client, page, args.repeats)
            rows.insert(
                1,
                (
                    "`/score`, the same 104 stored papers in a new order each time (no memo applies)",
                    f"p50 {p50:.1f} ms, p95 {p95:.1f} ms",
                ),
            )
            big_page = page + filler[:396]
            p50, p95 = score_latency(client, big_page, max(20, args.repeats // 2))
            rows.insert(2, ("`/score`, 500 papers, warm", f"p50 {p50:.1f} ms, p95 {p95:.1f} ms"))
            pid = server.process.pid
            memory = f"peak {rss_mib(pid):.0f} MiB, at the end {rss_mib(pid, 'VmRSS'):.0f} MiB"
            stored = f"{STORED_PAPERS + len(page):,} stored papers and 1,000 ratings"
            rows.append((f"server RSS with {stored}", memory))
        finally:
            server.stop()

    corpus = pd.DataFrame(
        [
            {"title": p["title"], "abstract": p["abstract"], "embedding": vectors[p["id"]]}
            for p in filler + page
        ]
    )
    start = time.perf_counter()
    prepared = prepare_corpus(corpus)
    rows.append(
        (
            f"corpus features fitted on {len(corpus):,} papers (once per 25% corpus growth)",
            f"{(time.perf_counter() - start) * 1000:.0f} ms",
        )
    )

    def labelled_at(level: int) -> pd.DataFrame:
        half = level // 2
        return pd.DataFrame(
            [{**p, "label": 1} for p in library_papers[:half]] + [{**p, "label": 0} for p in filler[:half]]
        ).assign(embedding=lambda frame: [vectors[i] for i in frame["id"]])

    rows.append(
        (
            f"first fit at {RATING_LEVELS[-1]:,} ratings on these fresh features (every rated and "
            "calibration paper's vector expanded, once per corpus refit)",
            f"{refit_ms(labelled_at(RATING_LEVELS[-1]), prepared, repeats=1):.0f} ms",
        )
    )
    for level in RATING_LEVELS:
        labelled = labelled_at(level)
        rows.append(
            (
                f"refit at {level:,} ratings (prepared corpus, median of 5)",
                f"{refit_ms(labelled, prepared):.1f} ms",
            )
        )
    rows.append(
        (
            f"warm refit at {RATING_LEVELS[-1]:,} ratings, one rating changed (as the server; median of 5)",
            f"{warm_refit_ms(labelled, prepared):.1f} ms",
        )
    )
    X, y = labelled[["title", "abstract", "embedding"]], labelled["label"].to_numpy()
    fitted = make_classifier(corpus=prepared).fit(X, y)
    stored_batch = corpus.iloc[:SCORED_PAPERS]
    score_ms(fitted, [stored_batch])  # warm-up
    rows.append(
        (
            f"model scores {SCORED_PAPERS} stored papers, with reasons (median of 5)",
            f"{score_ms(fitted, [stored_batch] * 5):.1f} ms",
        )
    )
    stored_ids = set(filler_ids.tolist()) | in_library
    unseen_ids = [int(i) for i in rng.permutation(items.index) if int(i) not in stored_ids]
    unseen_ids = unseen_ids[: 5 * SCORED_PAPERS]
    unseen = pd.DataFrame([as_paper(i, items.at[i, "text"]) for i in unseen_ids])
    unseen = unseen.assign(embedding=[vectors[i] for i in unseen["id"]])[["title", "abstract", "embedding"]]
    batches = [unseen.iloc[k * SCORED_PAPERS : (k + 1) * SCORED_PAPERS] for k in range(5)]
    rows.append(
        (
            f"model scores {SCORED_PAPERS} papers never seen before, with reasons (median of 5)",
            f"{score_ms(fitted, batches):.1f} ms",
        )
    )

    machine = (
        f"{platform.machine()}, {__import__('os').cpu_count()} cores, Python {platform.python_version()}"
    )
    table = "\n".join(["| measurement | result |", "|---|---|", *(f"| {k} | {v} |" for k, v in rows)])
    report = (
        "## Server benchmark (`training/bench/server.py`)\n\n"
        "Command: `.venv/bin/python -m training.bench.server`"
        f" (seed {SEED}, {args.repeats} requests per latency, real HTTP on loopback; {machine}).\n\n"
        f"{table}\n\nTargets: 104-paper page p95 < 30 ms warm (every paper's vector stored); "
        "feedback→rescore < 100 ms at 1,000 ratings; RSS < 200 MB (with the encoder loaded);\n"
        f" model: refit < 200 ms at 1,000 ratings, {SCORED_PAPERS} papers scored < 20 ms."
    )
    publish("bench_server", report, write=not args.no_write)
    return 0


if __name__ == "__main__":
    sys.exit(main())
