"""Timed calls to the real server over HTTP, for training/bench/server.py: /score latency of a page
sent again and of one no memo serves, bulk ratings, feedback→rescore, and a process's memory."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from training.datasets.shared_data import hf_trending_page
from training.harness.server_process import KeepAliveClient, ServerProcess

SEED = 0


def percentiles(samples_ms: list[float]) -> tuple[float, float]:
    return float(np.percentile(samples_ms, 50)), float(np.percentile(samples_ms, 95))


def timed(call) -> float:
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


def expect_ok(result: tuple[int, object]) -> object:
    status, body = result
    if status != 200:
        raise SystemExit(f"server answered {status}: {body}")
    return body


def rss_mib(pid: int, field: str = "VmHWM") -> float:
    """Peak (VmHWM) or current (VmRSS) resident memory of a process, in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def score_latency(server: KeepAliveClient, papers: list[dict], repeats: int) -> tuple[float, float]:
    body = {"profile": "default", "papers": papers}
    expect_ok(server.request("POST", "/score", body))  # warm
    return percentiles(
        [timed(lambda: expect_ok(server.request("POST", "/score", body))) for _ in range(repeats)]
    )


def fresh_page_latency(server: KeepAliveClient, papers: list[dict], repeats: int) -> tuple[float, float]:
    """The same stored papers in a new order each time: every body is new to the server, so no memo
    of a body or of a page's reads applies (a page seen for the first time, its papers stored)."""
    rng = np.random.default_rng(SEED)
    bodies = [{"profile": "default", "papers": [papers[i] for i in rng.permutation(len(papers))]}]
    bodies += [
        {"profile": "default", "papers": [papers[i] for i in rng.permutation(len(papers))]}
        for _ in range(repeats)
    ]
    expect_ok(server.request("POST", "/score", bodies[0]))  # warm
    return percentiles(
        [timed(lambda b=body: expect_ok(server.request("POST", "/score", b))) for body in bodies[1:]]
    )


def rate_in_bulk(server: ServerProcess, ratings: list[tuple[dict, int]]) -> None:
    records = [{**paper, "rating": rating} for paper, rating in ratings]
    expect_ok(server.request("POST", "/profiles/default/import", records))


def wait_for_corpus_features(server: ServerProcess, timeout: float = 300) -> None:
    """Until no corpus-feature fit runs in the background: measure the steady state, not the
    minutes after a first large corpus (the model then fits on the rated papers alone)."""
    deadline = time.monotonic() + timeout
    while expect_ok(server.request("GET", "/profiles/default"))["model"]["corpus_features"]["updating"]:
        if time.monotonic() > deadline:
            raise SystemExit("corpus features still fitting after 5 minutes")
        time.sleep(0.2)
    expect_ok(server.request("POST", "/score", {"papers": hf_trending_page()}))  # refit on them


def feedback_to_rescore(
    server: KeepAliveClient, page: list[dict], probe: dict, repeats: int
) -> tuple[float, float]:
    """A 👍/👎 click, then the page's rescore: the time until the reader sees the new marks."""
    samples = []
    for repeat in range(repeats):
        rating = 1 if repeat % 2 else -1
        start = time.perf_counter()
        expect_ok(server.request("POST", "/feedback", {"paper": probe, "rating": rating}))
        scores = expect_ok(server.request("POST", "/score", {"papers": page}))
        samples.append((time.perf_counter() - start) * 1000)
        assert scores["ready"]
    return percentiles(samples)
