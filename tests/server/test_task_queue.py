"""Fair queuing in the real waitress server: large bodies never take every thread."""

from __future__ import annotations

import http.client
import threading
from concurrent.futures import ThreadPoolExecutor

from server.task_queue import HEAVY_BYTES, HEAVY_SLOTS
from server.wsgi import create_wsgi_server

THREADS = 4


def test_a_small_request_is_served_while_large_ones_hold_the_heavy_lane() -> None:
    release = threading.Event()
    running_heavy: list[int] = []
    lock = threading.Lock()

    def app(environ, start_response):
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        if len(body) > HEAVY_BYTES:
            with lock:
                running_heavy.append(1)
            release.wait(30)  # a long scoring request, until the test lets it finish
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"big" if len(body) > HEAVY_BYTES else b"small"]

    server = create_wsgi_server(app, host="127.0.0.1", port=0, threads=THREADS)
    port = server.effective_port
    serving = threading.Thread(target=server.run, daemon=True)
    serving.start()

    def post(size: int) -> bytes:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("POST", "/score", body=b"x" * size)
        reply = connection.getresponse().read()
        connection.close()
        return reply

    try:
        with ThreadPoolExecutor(max_workers=2 * THREADS + 1) as pool:
            heavy = [pool.submit(post, HEAVY_BYTES + 1) for _ in range(2 * THREADS)]
            # Without the fair queue, these 8 requests would hold all 4 threads until released.
            assert pool.submit(post, 1_000).result(timeout=20) == b"small"
            with lock:
                assert len(running_heavy) <= HEAVY_SLOTS
            assert not any(future.done() for future in heavy)
            release.set()
            assert [future.result(timeout=30) for future in heavy] == [b"big"] * (2 * THREADS)
    finally:
        release.set()
        server.close()
