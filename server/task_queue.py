"""Fair queuing of requests for waitress: large request bodies (a 500-paper page to score, an
import) never take every worker thread, so a small request (a 104-paper page, a 👍) from another
tab is served at once instead of waiting behind them.

waitress hands each parsed request to a thread pool through one FIFO queue: 8 tabs scoring 500-paper
pages filled its 4 threads and a ninth tab's page waited for them (p95 1.7 s). Here a request whose
body is over `heavy_bytes` or holds over `heavy_papers` papers joins a second queue, and at most
`heavy_slots` threads run such requests at a time; the other threads serve the small ones first, in
arrival order. Threads share one
interpreter lock, so a heavy request also steps aside between its chunks of work while small ones
run (`yield_to_light`, called by server/score_cache.py), for at most YIELD_SECONDS each time."""

from __future__ import annotations

import threading
from collections import deque
from typing import Any

from waitress.task import ThreadedTaskDispatcher

HEAVY_BYTES = 256 * 1024  # a page of ~200 papers with abstracts
HEAVY_PAPERS = 200  # papers in a body (its "id" keys): a titles-only page of 500 is ~150 KiB
PEEK_FROM_BYTES = 32 * 1024  # smaller bodies are light without a look (~20 papers with abstracts)
HEAVY_SLOTS = 2
YIELD_SECONDS = 0.25
_running = threading.local()  # .dispatcher: the dispatcher whose heavy task this thread runs


def is_heavy(task: Any, heavy_bytes: int = HEAVY_BYTES, heavy_papers: int = HEAVY_PAPERS) -> bool:
    """A request whose body is over `heavy_bytes`, or holds more than `heavy_papers` papers.

    The work of a /score grows with its papers, not its bytes: 500 papers with titles only weigh
    less than a 104-paper page with abstracts. The body (in waitress's buffer, read before the
    request is dispatched) is counted for its "id" keys, then rewound for the app. The count is a
    scheduling hint only: a body that hides its keys just queues as light."""
    request = getattr(task, "request", None)
    length = getattr(request, "content_length", 0) or 0
    if length > heavy_bytes:
        return True
    if length < PEEK_FROM_BYTES or request is None:
        return False
    return _papers_in(request) > heavy_papers


def _papers_in(request: Any) -> int:
    body = request.get_body_stream()
    start = body.tell()
    try:
        return body.read().count(b'"id"')
    finally:
        body.seek(start)


class FairTaskDispatcher(ThreadedTaskDispatcher):
    """waitress's thread pool with a light queue served first and a bounded heavy lane."""

    def __init__(
        self, heavy_slots: int = HEAVY_SLOTS, heavy_bytes: int = HEAVY_BYTES, heavy_papers: int = HEAVY_PAPERS
    ) -> None:
        super().__init__()
        self.heavy_slots = heavy_slots
        self.heavy_bytes = heavy_bytes
        self.heavy_papers = heavy_papers
        self.heavy: deque = deque()
        self.heavy_running = 0
        self.light_running = 0

    def _runnable(self) -> bool:
        return bool(self.queue) or (bool(self.heavy) and self.heavy_running < self.heavy_slots)

    def add_task(self, task: Any) -> None:
        if not is_heavy(task, self.heavy_bytes, self.heavy_papers):
            super().add_task(task)
            return
        with self.lock:
            self.heavy.append(task)
            self.queue_cv.notify_all()  # a waiting thread takes it if a heavy slot is free

    def handler_thread(self, thread_no: int) -> None:
        """waitress's worker loop, taking light tasks first and heavy ones while a slot is free."""
        while True:
            with self.lock:
                while not self._runnable() and self.stop_count == 0:
                    self.active_count -= 1
                    self.queue_cv.wait()
                    self.active_count += 1
                if self.stop_count > 0:
                    self.active_count -= 1
                    self.stop_count -= 1
                    self.threads.discard(thread_no)
                    self.thread_exit_cv.notify()
                    break
                heavy = not self.queue
                task = self.heavy.popleft() if heavy else self.queue.popleft()
                if heavy:
                    self.heavy_running += 1
                else:
                    self.light_running += 1
            _running.dispatcher = self if heavy else None
            try:
                task.service()
            except BaseException:
                self.logger.exception("Exception when servicing %r", task)
            finally:
                _running.dispatcher = None
                with self.lock:
                    if heavy:
                        self.heavy_running -= 1
                    else:
                        self.light_running -= 1
                    self.queue_cv.notify_all()

    def wait_for_light(self, timeout: float) -> None:
        """Block while small requests run or wait (at most `timeout` seconds)."""
        with self.lock:
            self.queue_cv.wait_for(lambda: not self.light_running and not self.queue, timeout)

    def shutdown(self, cancel_pending: bool = True, timeout: int = 5) -> bool:
        cancelled = super().shutdown(cancel_pending, timeout)
        if cancel_pending:
            with self.lock:
                while self.heavy:
                    self.heavy.popleft().cancel()
        return cancelled


def yield_to_light(timeout: float = YIELD_SECONDS) -> None:
    """In a heavy request's thread: let the small requests that run or wait finish first (at most
    `timeout` seconds); anywhere else, nothing."""
    dispatcher = getattr(_running, "dispatcher", None)
    if dispatcher is not None:
        dispatcher.wait_for_light(timeout)
