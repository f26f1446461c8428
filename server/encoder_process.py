"""The sentence encoder in a child process, so that onnxruntime and the model (~200 MiB) never live in
the server's heap.

`EncoderProcess` starts `python -m server.encoder_process`, which loads the encoder and then answers
one batch at a time over its stdin/stdout: a request is a length-prefixed JSON object of titles and
abstracts, a reply is a status byte, a length and either float32 vectors or an error message. The
child exits when its stdin closes (the server stopped or was killed: no orphan), and the parent
starts a new one when the child dies or has grown beyond `max_rss_mib` after a batch.
"""

from __future__ import annotations

import json
import logging
import os
import struct
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO, Any

import numpy as np

from server.child_process import die_with_parent

log = logging.getLogger(__name__)

DIMENSIONS = 384
MAX_RSS_MIB = 550  # restart the child once it holds more than this after a batch
START_TIMEOUT_SECONDS = 120.0
_HEADER = struct.Struct("<I")
_REPLY = struct.Struct("<BI")
_OK, _ERROR, _READY = 0, 1, 2


class EncoderProcessError(RuntimeError):
    """The child could not load the encoder, or died while embedding."""


def _read_exactly(stream: IO[bytes], size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = stream.read(size - len(data))
        if not chunk:
            raise EOFError("the encoder process closed its pipe")
        data += chunk
    return data


def process_rss_mib(pid: int) -> float:
    """Resident memory of a process in MiB (0 when it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return 0.0
    return 0.0


class EncoderProcess:
    """The encoder's `encode(titles, abstracts)`, run in a child process with `threads` threads."""

    def __init__(self, threads: int = 1, max_rss_mib: float = MAX_RSS_MIB) -> None:
        self.threads = threads
        self.max_rss_mib = max_rss_mib
        self.restarts = 0
        self.peak_rss_mib = 0.0
        self._lock = threading.Lock()
        self._process: subprocess.Popen | None = None
        self._start()

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def _start(self) -> None:
        """Start a child and wait until it has loaded the encoder (raises when it can't)."""
        command = [sys.executable, "-m", "server.encoder_process", str(self.threads), str(os.getpid())]
        env = {**os.environ, "OMP_NUM_THREADS": "1", "MALLOC_ARENA_MAX": "2"}
        self._process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            cwd=Path(__file__).resolve().parent.parent,
        )
        try:
            status, payload = self._reply()
        except EOFError:
            self._process.wait()
            code = self._process.returncode
            raise EncoderProcessError(f"the encoder process exited at start (code {code})") from None
        if status != _READY:
            self.close()
            raise EncoderProcessError(payload.decode("utf-8", "replace"))

    def _reply(self) -> tuple[int, bytes]:
        assert self._process is not None and self._process.stdout is not None
        status, size = _REPLY.unpack(_read_exactly(self._process.stdout, _REPLY.size))
        return status, _read_exactly(self._process.stdout, size)

    def _ask(self, titles: list[str], abstracts: list[str]) -> np.ndarray:
        assert self._process is not None and self._process.stdin is not None
        request = json.dumps({"titles": titles, "abstracts": abstracts}).encode("utf-8", "surrogatepass")
        self._process.stdin.write(_HEADER.pack(len(request)) + request)
        self._process.stdin.flush()
        status, payload = self._reply()
        if status != _OK:
            raise ValueError(payload.decode("utf-8", "replace"))
        return np.frombuffer(payload, dtype=np.float32).reshape(len(titles), DIMENSIONS).copy()

    def encode(self, titles: list[str], abstracts: list[str]) -> np.ndarray:
        """L2-normalised float32 vectors, one per paper; a dead child is restarted once per batch."""
        with self._lock:
            if self._process is None:  # the last restart failed: try again
                self.restarts += 1
                self._start()
            try:
                vectors = self._ask(titles, abstracts)
            except (EOFError, BrokenPipeError, OSError):
                log.warning("the encoder process died; starting a new one")
                self._restart()
                vectors = self._ask(titles, abstracts)
            rss = process_rss_mib(self.pid or 0)
            self.peak_rss_mib = max(self.peak_rss_mib, rss)
            if rss > self.max_rss_mib:
                log.info("the encoder process holds %.0f MiB; starting a fresh one", rss)
                self._restart()
            return vectors

    def _restart(self) -> None:
        self.close()
        self.restarts += 1
        self._start()

    def close(self) -> None:
        """Stop the child (it exits on its closed stdin; killed if it does not within 5 s)."""
        process, self._process = self._process, None
        if process is None:
            return
        for stream in (process.stdin, process.stdout):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _serve(threads: int = 1, parent_pid: int | None = None) -> int:
    """The child: load the encoder, then answer batches until stdin closes (or, once `parent_pid`
    is given, until that process ends, even mid-load and even killed: no orphan)."""
    if parent_pid is not None:
        die_with_parent(parent_pid)
    requests = sys.stdin.buffer
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything a library prints goes to stderr, never into the replies

    def reply(status: int, payload: bytes) -> None:
        try:
            replies.write(_REPLY.pack(status, len(payload)) + payload)
            replies.flush()
        except BrokenPipeError:  # the server is gone: nobody is left to answer
            os._exit(0)

    try:
        from model.embedding import SentenceEncoder

        encoder: Any = SentenceEncoder(threads)
    except Exception as error:  # EncoderUnavailable, ImportError, a broken onnxruntime
        reply(_ERROR, f"{type(error).__name__}: {error}".encode())
        return 1
    reply(_READY, b"")
    while True:
        try:
            (size,) = _HEADER.unpack(_read_exactly(requests, _HEADER.size))
            request = json.loads(_read_exactly(requests, size).decode("utf-8", "surrogatepass"))
        except EOFError:
            return 0
        try:
            vectors = encoder.encode(request["titles"], request["abstracts"])
        except Exception as error:
            reply(_ERROR, f"{type(error).__name__}: {error}".encode())
            continue
        reply(_OK, np.ascontiguousarray(vectors, dtype=np.float32).tobytes())


if __name__ == "__main__":
    sys.exit(_serve(*(int(arg) for arg in sys.argv[1:3])))  # threads, the server's pid
