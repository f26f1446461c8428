"""Fair queuing in the real waitress server: large bodies, and bodies of many papers, never take
every thread."""

from __future__ import annotations

import csv
import gzip
import http.client
import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from server.task_queue import HEAVY_BYTES, HEAVY_PAPERS, HEAVY_SLOTS, PEEK_FROM_BYTES
from server.wsgi import create_wsgi_server
from training.datasets.shared_data import shared_data_dir

THREADS = 4


def titles_only_page(count: int) -> bytes:
    """A /score body of `count` real citeulike-a titles without abstracts (a titles-only listing)."""
    with gzip.open(shared_data_dir() / "citeulike-a" / "items.csv.gz", "rt", encoding="utf-8") as items:
        rows = [row for _, row in zip(range(count), csv.DictReader(items), strict=False)]
    papers = [{"id": f"2501.{i:05d}", "title": row["title"]} for i, row in enumerate(rows)]
    return json.dumps({"papers": papers}).encode()


def test_a_titles_only_page_of_many_papers_is_heavy_below_the_byte_limit() -> None:
    body = titles_only_page(500)
    assert PEEK_FROM_BYTES < len(body) < HEAVY_BYTES and body.count(b'"id"') > HEAVY_PAPERS


@pytest.mark.parametrize(
    "heavy_body",
    [
        pytest.param(b"x" * (HEAVY_BYTES + 1), id="large-body"),
        pytest.param(titles_only_page(500), id="500-papers"),
    ],
)
def test_a_small_request_is_served_while_heavy_ones_hold_the_heavy_lane(heavy_body: bytes) -> None:
    release = threading.Event()
    running_heavy: list[int] = []
    lock = threading.Lock()

    def app(environ, start_response):
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        if body == heavy_body:  # whole: the dispatcher's look at it left the stream rewound
            with lock:
                running_heavy.append(1)
            release.wait(30)  # a long scoring request, until the test lets it finish
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"big" if body == heavy_body else b"small"]

    server = create_wsgi_server(app, host="127.0.0.1", port=0, threads=THREADS)
    port = server.effective_port
    serving = threading.Thread(target=server.run, daemon=True)
    serving.start()

    def post(body: bytes) -> bytes:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("POST", "/score", body=body)
        reply = connection.getresponse().read()
        connection.close()
        return reply

    try:
        with ThreadPoolExecutor(max_workers=2 * THREADS + 1) as pool:
            heavy = [pool.submit(post, heavy_body) for _ in range(2 * THREADS)]
            # Without the fair queue, these 8 requests would hold all 4 threads until released; a
            # 104-paper page with abstracts (more bytes than 500 titles) is light.
            small = json.dumps(
                {
                    "papers": [
                        {"id": f"2501.{i:05d}", "title": "t", "abstract": "a" * 1700} for i in range(104)
                    ]
                }
            )
            assert pool.submit(post, small.encode()).result(timeout=20) == b"small"
            with lock:
                assert len(running_heavy) <= HEAVY_SLOTS
            assert not any(future.done() for future in heavy)
            release.set()
            assert [future.result(timeout=30) for future in heavy] == [b"big"] * (2 * THREADS)
    finally:
        release.set()
        server.close()
