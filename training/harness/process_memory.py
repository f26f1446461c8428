"""Resident memory of a process and of its child processes, read from /proc (Linux)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

SAMPLE_SECONDS = 0.05


def rss_mib(pid: int, field: str = "VmRSS") -> float:
    """A process's current (VmRSS) or peak (VmHWM) resident memory in MiB; 0 once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return 0.0
    return 0.0


def command_name(pid: int) -> str:
    """What a process runs, shortly: its module (`-m x`) or script, else its executable's name."""
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return "?"
    words = [word.decode(errors="replace") for word in argv if word]
    if "-m" in words[:-1]:
        return words[words.index("-m") + 1]
    joined = " ".join(words)
    if "spawn_main" in joined:
        return "multiprocessing child"  # the server's corpus-feature fit (server/child_process.py)
    if "resource_tracker" in joined:
        return "multiprocessing resource tracker"
    return os.path.basename(words[0]) if words else "?"


def descendants(pid: int) -> list[int]:
    """Every child process of `pid`, their children, and so on."""
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        try:
            children = Path(f"/proc/{pid}/task/{task}/children").read_text().split()
        except OSError:
            continue
        for child in map(int, children):
            found.append(child)
            found.extend(descendants(child))
    return found


class MemorySampler:
    """A thread that records the highest resident memory of a process and, by command, of its
    descendants, every SAMPLE_SECONDS."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.server_peak = 0.0
        self._children: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="memory-sampler", daemon=True)

    def start(self) -> MemorySampler:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def child_peaks(self) -> dict[str, float]:
        """The highest resident memory seen per child command (e.g. server.encoder_process)."""
        return dict(self._children)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.server_peak = max(self.server_peak, rss_mib(self.pid))
            for child in descendants(self.pid):
                name = command_name(child)
                if name == "?":  # gone between the listing and the read
                    continue
                self._children[name] = max(self._children.get(name, 0.0), rss_mib(child))
            self._stop.wait(SAMPLE_SECONDS)
