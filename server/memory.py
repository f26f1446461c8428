"""glibc heap settings for a long-running server with many threads: few malloc arenas, and freed
memory handed back to the system after the big allocations of a fit.

Each thread that allocates gets its own glibc arena (up to 8 per core), and an arena keeps the
peak of what its thread once held: the server sat at ~455 MiB instead of ~310 MiB after one corpus
refit at 20,000 papers (training/bench/stress.py). Both calls do nothing where glibc is absent."""

from __future__ import annotations

import ctypes
import ctypes.util
import functools

M_ARENA_MAX = -8  # from <malloc.h>
ARENAS = 2


@functools.cache
def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name or "libc.so.6")
        libc.mallopt  # noqa: B018 - glibc only
        libc.malloc_trim  # noqa: B018
    except (OSError, AttributeError):
        return None
    return libc


def limit_malloc_arenas(arenas: int = ARENAS) -> bool:
    """Let threads share `arenas` malloc arenas (call before starting threads); True when set."""
    libc = _libc()
    return bool(libc is not None and libc.mallopt(M_ARENA_MAX, arenas))


def release_free_memory() -> None:
    """Return the heap's free pages to the system (after a fit's temporaries are gone)."""
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)
