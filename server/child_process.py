"""Work in a child process that ends with the server, however the server ends.

A corpus-feature fit runs in a child process for a minute and a gigabyte at 100,000 papers. If the
server is killed (kill -9), the child must not go on alone: on Linux the kernel kills it
(`prctl(PR_SET_PDEATHSIG, SIGKILL)`), elsewhere a thread in the child watches its parent's pid. If
the server stops (Ctrl-C, SIGTERM), the child is daemonic, so the server's exit ends it rather than
waiting for the fit (a `ProcessPoolExecutor` joins its running work at exit)."""

from __future__ import annotations

import atexit
import ctypes
import importlib
import multiprocessing
import multiprocessing.util
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
PARENT_POLL_SECONDS = 1.0
_exiting = threading.Event()
atexit.register(_exiting.set)  # runs before multiprocessing.util's exit handler, registered earlier
Result = TypeVar("Result")


class ChildProcessDied(RuntimeError):
    """The child process ended without a result: killed (e.g. out of memory) or crashed."""


def run_in_child(function: Callable[..., Result], *args: Any) -> Result:
    """`function(*args)` in a spawned child process (never forked: the server has threads), which
    ends with this process; its return value, or the exception it raised. Raises ChildProcessDied
    when the child ends without a result. Call it from a thread that waits for it (see
    `die_with_parent`)."""
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    # The function goes by name, so the child imports its module only once it follows its parent.
    child = context.Process(
        target=_child_main,
        args=(sender, os.getpid(), function.__module__, function.__qualname__, args),
        daemon=True,
        name=f"papersieve-{getattr(function, '__name__', 'child')}",
    )
    child.start()
    sender.close()  # the child holds the only writer: its end is our EOF
    try:
        try:
            succeeded, value = receiver.recv()
        except EOFError:
            child.join()
            if _exiting.is_set():  # multiprocessing ends daemonic children as the server exits
                raise ChildProcessDied("the server stopped before its child process finished") from None
            raise ChildProcessDied(
                f"its child process ended without a result ({_how(child.exitcode)})"
            ) from None
        child.join()
    finally:
        receiver.close()
        if child.is_alive():  # an error (or an interrupt) here: the child must not go on alone
            child.kill()
            child.join()
    if not succeeded:
        raise value
    return value


def _how(exit_code: int | None) -> str:
    if exit_code is not None and exit_code < 0:
        return f"killed by {signal.Signals(-exit_code).name}"
    return f"exit code {exit_code}"


def _child_main(sender: Any, parent_pid: int, module: str, name: str, args: tuple) -> None:
    die_with_parent(parent_pid)
    try:
        function = getattr(importlib.import_module(module), name)
        outcome: tuple[bool, Any] = (True, function(*args))
    except Exception as error:
        outcome = (False, error)
    try:
        sender.send(outcome)
    except Exception as error:  # an exception or a result that cannot be pickled
        sender.send((False, RuntimeError(f"the child's result could not be sent back: {error}")))
    sender.close()


def die_with_parent(parent_pid: int) -> None:
    """Make this (child) process end as soon as the process `parent_pid` does.

    Linux sends the signal when the *thread* that started the child ends, so the child must be
    started from a thread that waits for it (as `run_in_child` does)."""
    if not _kernel_kills_on_parent_death():
        threading.Thread(target=_watch_parent, args=(parent_pid,), daemon=True).start()
    if os.getppid() != parent_pid:  # the parent ended before we could ask to follow it
        os._exit(1)


def _kernel_kills_on_parent_death() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch_parent(parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(PARENT_POLL_SECONDS)
    os._exit(1)
