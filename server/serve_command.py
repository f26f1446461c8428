"""`papersieve serve`: check the data directory, take its lock, and serve the app with waitress on
loopback until Ctrl-C or SIGTERM."""

from __future__ import annotations

import argparse
import logging
import shutil
import signal
import sqlite3
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from server import __version__
from server.auth import LOOPBACK_HOSTS, token_path
from server.command_error import CommandError
from server.config import DEFAULT_PORT, resolve_data_dir
from server.datadir import PRIVATE_DIR_MODE, DataDirBusy, ServerLock, problem, tighten_permissions
from server.store import StoreError

if TYPE_CHECKING:
    from flask import Flask


def own_command() -> str:
    """How to call papersieve again from a shell: its full path when it is not on PATH."""
    if shutil.which("papersieve"):
        return "papersieve"
    launched = Path(sys.argv[0])
    return str(launched.resolve()) if launched.name == "papersieve" else f"{sys.executable} -m server.cli"


def check_data_dir_for_serving(data_dir: Path) -> ServerLock:
    """Before serving: the data directory exists (made 0700), is writable, is private (a data
    directory or token open to other users is tightened, with a notice) and no other server uses
    it. Returns the held lock; raises CommandError with one line saying what is wrong."""
    if data_dir.exists() and not data_dir.is_dir():
        raise CommandError(f"the data directory {data_dir} is a file, not a directory")
    try:
        data_dir.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
    except OSError as error:
        raise CommandError(
            f"cannot create the data directory {data_dir}: {error.strerror or error}"
        ) from None
    reason = problem(data_dir)
    if reason is not None:
        raise CommandError(f"cannot serve: {reason}")
    try:
        lock = ServerLock(data_dir).acquire()
    except DataDirBusy as error:
        raise CommandError(str(error)) from None
    except OSError as error:
        raise CommandError(f"cannot lock the data directory {data_dir}: {error.strerror or error}") from None
    if lock.previous_holder is not None:
        print(
            f"papersieve serve: the last server on {data_dir} (pid {lock.previous_holder}) ended "
            "without stopping (killed or crashed): its lock is free, taking over",
            file=sys.stderr,
            flush=True,
        )
    try:
        for change in tighten_permissions(data_dir, token_path(data_dir)):
            print(f"papersieve serve: {change}", file=sys.stderr, flush=True)
    except OSError as error:
        lock.release()
        raise CommandError(
            f"the data directory {data_dir} or its token is readable by other users and cannot be "
            f"made private ({error.strerror or error}): chmod 700 the directory and 600 its token"
        ) from None
    return lock


def command_serve(args: argparse.Namespace) -> int:
    from threadpoolctl import threadpool_limits

    from server.app import create_app

    # One BLAS thread: requests run in parallel threads on a laptop's few cores, and BLAS's own
    # threads fighting them for a core made corpus fits up to 30 times slower.
    threadpool_limits(limits=1)

    if args.host not in LOOPBACK_HOSTS:
        raise CommandError(
            f"--host {args.host} is not a loopback address: papersieve serves only this machine "
            "(127.0.0.1, localhost or ::1)"
        )
    data_dir = resolve_data_dir(args.data_dir)
    lock = check_data_dir_for_serving(data_dir)
    try:
        try:
            app = create_app({"DATA_DIR": data_dir})
        except (OSError, sqlite3.Error, ValueError, StoreError) as error:
            reason = problem(data_dir, error) or error
            raise CommandError(f"cannot use the data directory {data_dir}: {reason}") from None
        return serve_app(app, args, data_dir)
    finally:
        lock.release()


def serve_app(app: Flask, args: argparse.Namespace, data_dir: Path) -> int:
    """Serve `app` with waitress until Ctrl-C or SIGTERM, then stop its background threads."""
    from server.app import shutdown_app
    from server.wsgi import create_wsgi_server

    try:
        server = create_wsgi_server(
            app,
            host=args.host,
            port=args.port,
            threads=4,
            ident="papersieve",
            max_request_body_size=8 * 1024 * 1024,
        )
    except OSError as error:
        raise CommandError(f"cannot listen on {args.host}:{args.port}: {error.strerror or error}") from None
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    host = f"[{args.host}]" if ":" in args.host else args.host
    print(f"papersieve {__version__} listening on http://{host}:{server.effective_port}", flush=True)
    print(f"data directory: {data_dir}", flush=True)
    print(
        f"token for the extension: run `{own_command()} token --data-dir {data_dir}` "
        f"(stored in {token_path(data_dir)})",
        flush=True,
    )
    port_option = "" if server.effective_port == DEFAULT_PORT else f" --port {server.effective_port}"
    print(
        f"or pair it with a one-time code: `{own_command()} pair --data-dir {data_dir}`; "
        f"check the set-up: `{own_command()} doctor --data-dir {data_dir}{port_option}`",
        flush=True,
    )
    print("stop with Ctrl-C", flush=True)

    def stop(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        shutdown_app(app)
        print("papersieve stopped", flush=True)
    return 0
