"""The background embedding worker: one daemon thread that owns the sentence encoder (run in a child
process, server/encoder_process.py) and writes each paper's vector to the store, so that no request
ever waits for the transformer.

What it embeds, in order:
1. papers of the pages being scored right now (`enqueue`, newest request first, in page order);
2. the stored backlog: papers with no vector for the current encoder key, most recently first
   seen first, read from the store a chunk at a time.

The queue of page papers is bounded: when it is full, the oldest requests' papers are dropped (they
are still in the store without a vector, so the backlog finds them again later). `enqueue` never
blocks on the encoder: it takes a lock that the worker only holds to pop a batch.

If the encoder cannot be loaded (its packages or files missing or damaged), the worker logs once,
stops, and the server keeps answering with provisional (term-only) scores.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from server.embedding_pace import EmbeddingPace
from server.embedding_queue import EmbeddingQueue
from server.store import DataDirUnavailable, EncoderKey, Paper, Store, current_encoder_key

log = logging.getLogger(__name__)

BATCH_SIZE = 8  # ~1 s of papers with abstracts on one thread: the longest a shutdown waits
QUEUE_MAX = 2_000  # papers of scored pages waiting; beyond this the oldest requests' are dropped
BACKLOG_CHUNK = 64  # backlog papers read from the store at a time
BACKLOG_RECHECK_SECONDS = 60.0  # when idle, look for papers added by other processes (CLI import)
STOP_TIMEOUT_SECONDS = 10.0
DATA_DIR_RETRY_SECONDS = 5.0  # while the data directory is read-only, gone or full


def load_encoder(threads: int) -> Any:
    """The encoder with `threads` intra-op threads, in its own process (raises when it can't load):
    onnxruntime and the model stay out of the server's memory."""
    from server.encoder_process import EncoderProcess

    return EncoderProcess(threads)


class EmbeddingWorker:
    """Embeds papers in the background for the encoder `key` (default: the shipped encoder's)."""

    def __init__(
        self,
        data_dir: Path | str,
        *,
        threads: int = 1,
        key: EncoderKey | None = None,
        batch_size: int = BATCH_SIZE,
        queue_max: int = QUEUE_MAX,
        backlog_chunk: int = BACKLOG_CHUNK,
        backlog_recheck_seconds: float = BACKLOG_RECHECK_SECONDS,
    ) -> None:
        self.data_dir = Path(data_dir)
        self.threads = threads
        self.key = key if key is not None else current_encoder_key()
        self.batch_size = batch_size
        self.backlog_chunk = backlog_chunk
        self.backlog_recheck_seconds = backlog_recheck_seconds
        self._queue = EmbeddingQueue(queue_max)
        self._failed: set[str] = set()  # papers the encoder failed on: not retried from the backlog
        self._changed = threading.Condition()
        self._stopping = False
        self._thread: threading.Thread | None = None
        self.state = "starting"  # starting → loading → ready → stopped; or unavailable, or disabled
        self.error: str | None = None
        self._loaded = False
        self._encoder: Any = None
        self._idle = False  # the thread found nothing to embed and waits
        self.embedded = 0  # vectors written since start: a generation counter
        self.dropped = 0
        self._in_flight = 0  # papers of the batch being embedded now (no longer in the queue)
        self.pace = EmbeddingPace()

    # --- the request side (never blocks on the encoder) -----------------------------------------

    def start(self) -> EmbeddingWorker:
        if self.state != "starting":
            return self
        if self.key is None:
            self._unavailable("the embedding packages are not installed")
            return self
        self._thread = threading.Thread(target=self._run, name="papersieve-embeddings", daemon=True)
        self._thread.start()
        return self

    def disable(self) -> EmbeddingWorker:
        """Never start (config EMBEDDINGS=False): stored vectors are still used, none are made."""
        self.state = "disabled"
        return self

    @property
    def available(self) -> bool | None:
        """True once the encoder is loaded, False when it can't be (or is off), None while loading."""
        if self._loaded:
            return True
        return False if self.state in ("unavailable", "disabled") else None

    def enqueue(self, paper_ids: Iterable[str]) -> None:
        """Embed these papers (already in the store) before anything queued earlier, in this order."""
        ids = list(dict.fromkeys(paper_ids))
        if not ids or self._stopping or self.state in ("unavailable", "disabled", "stopped"):
            return
        with self._changed:
            self._idle = False
            self.dropped += self._queue.push_front(ids)
            self._changed.notify_all()

    def pending(self) -> list[str]:
        """The queued paper ids in the order they will be embedded."""
        with self._changed:
            return self._queue.order()

    def queue_length(self) -> int:
        with self._changed:
            return len(self._queue)

    def seconds_until_embedded(self, paper_ids: Iterable[str]) -> float | None:
        """About how long until every one of these papers has its vector: the papers queued up to
        the last of them, and the batch being embedded now, at the recent rate. None while the
        encoder is not working (loading, unavailable, off, stopped): no estimate can be given."""
        if not self._loaded or self._stopping or not self.running:
            return None
        with self._changed:
            papers = self._queue.papers_through(paper_ids) + self._in_flight
        return self.pace.seconds_for(papers)

    def status(self) -> dict[str, Any]:
        return {
            "encoder": self.key.name if self.key else None,
            "version": self.key.version if self.key else None,
            "state": self.state,
            "available": self.available,
            "error": self.error,
            "queue": self.queue_length(),
        }

    def stop(self, timeout: float = STOP_TIMEOUT_SECONDS) -> bool:
        """Ask the thread to stop after its current batch and wait for it; True when it has."""
        with self._changed:
            self._stopping = True
            self._queue.clear()  # all still in the store without a vector: the next start finds them
            self._changed.notify_all()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
            return not thread.is_alive()
        return True

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def wait_idle(self, timeout: float) -> bool:
        """Wait until nothing is queued and the backlog is empty (for tests and benchmarks)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not self._idle:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not self.running:
                    return self._idle
                self._changed.wait(remaining)
            return True

    # --- the worker thread ----------------------------------------------------------------------

    def _unavailable(self, reason: str) -> None:
        self.error = reason
        self.state = "unavailable"
        log.warning("sentence embeddings unavailable, scores stay provisional (terms only): %s", reason)
        with self._changed:
            self._queue.clear()
            self._changed.notify_all()

    def _run(self) -> None:
        assert self.key is not None
        self.state = "loading"
        try:
            self._encoder = load_encoder(self.threads)
        except Exception as error:  # EncoderUnavailable, ImportError, a broken onnxruntime
            self._unavailable(f"{type(error).__name__}: {error}")
            return
        self._loaded = True
        self.state = "ready"
        try:
            while not self._stopping:
                try:
                    if self._embed_from_store():
                        break
                except DataDirUnavailable as error:  # read-only, gone or full: wait, then reopen
                    log.warning("the embedding worker waits for the data directory: %s", error)
                    with self._changed:
                        if not self._stopping:
                            self._changed.wait(DATA_DIR_RETRY_SECONDS)
        except Exception as error:
            log.exception("the embedding worker stopped")
            self._loaded = False
            self.error = f"{type(error).__name__}: {error}"
        finally:
            close = getattr(self._encoder, "close", None)
            if close is not None:  # the encoder's child process
                close()
            self.state = "unavailable" if self.error else "stopped"
            with self._changed:
                self._idle = False
                self._changed.notify_all()

    def _embed_from_store(self) -> bool:
        """Embed batches on one connection; True once stopped, False to reopen the database (its
        file was replaced or deleted, e.g. the data directory was restored or remounted)."""
        assert self.key is not None
        with Store.open(self.data_dir, setup=False, encoder=self.key) as store:
            removed = store.delete_embeddings_except(self.key)
            if removed:
                log.info("removed %d vectors of older encoders; re-embedding in the background", removed)
            while store.is_current_file():
                batch = self._next_batch(store)
                if batch is None:
                    return True
                self._embed(store, encoder=self._encoder, papers=batch)
            log.warning("the database file was replaced or deleted: the embedding worker reopens it")
            return False

    def _next_batch(self, store: Store) -> list[Paper] | None:
        """The next papers to embed (with their current text, none already embedded), or None to stop."""
        assert self.key is not None
        while True:
            with self._changed:
                if self._stopping:
                    return None
                ids = self._queue.pop_batch(self.batch_size)
                self._in_flight = len(ids)
            if ids:
                papers = store.papers_without_embeddings(self.key, len(ids), among=ids)
                if papers:
                    order = {paper_id: i for i, paper_id in enumerate(ids)}
                    return sorted(papers, key=lambda p: order[p.id])
                continue
            found = [
                p.id
                for p in store.papers_without_embeddings(self.key, self.backlog_chunk + len(self._failed))
                if p.id not in self._failed
            ][: self.backlog_chunk]
            with self._changed:
                if self._stopping:
                    return None
                if self._queue.urgent or found:  # a page that arrived meanwhile still goes first
                    self._queue.backlog[:] = found
                    continue
                self._idle = True
                self._changed.notify_all()
                self._changed.wait(self.backlog_recheck_seconds)
                self._idle = False

    def _embed(self, store: Store, encoder: Any, papers: list[Paper]) -> None:
        assert self.key is not None
        started = time.monotonic()
        try:
            vectors = encoder.encode([p.title for p in papers], [p.abstract for p in papers])
        except Exception:
            log.exception("could not embed %d papers; skipped until the server restarts", len(papers))
            self._failed.update(p.id for p in papers)
            with self._changed:
                self._in_flight = 0
            return
        self.pace.record(len(papers), time.monotonic() - started)
        saved = store.save_embeddings(self.key, zip(papers, vectors, strict=True))
        with self._changed:
            self.embedded += saved
            self._in_flight = 0
            self._changed.notify_all()
