"""The `papersieve` command: serve, token, pair, profiles, import, export, doctor, service, eval."""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
from collections.abc import Sequence

from server import __version__
from server.auth import load_or_create_token, rotate_token
from server.command_error import CommandError
from server.config import DATA_DIR_ENV, DEFAULT_HOST, DEFAULT_PORT, remove_saved_model, resolve_data_dir
from server.datadir import problem
from server.label_formats import EXPORT_FORMATS, IMPORT_FORMATS
from server.serve_command import command_serve, own_command
from server.store import DEFAULT_PROFILE, Store, StoreError
from server.validation import InvalidInput, check_profile_name


def port_number(text: str) -> int:
    """An argparse type: a TCP port, 0 (any free port) to 65535."""
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (0 to 65535)")
    return int(text)


def add_data_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help=f"where papersieve keeps its database, token and models (default: ${DATA_DIR_ENV}, "
        "else the platform's user data directory)",
    )


def add_profile(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--profile", default=DEFAULT_PROFILE, help="the profile (default: %(default)s)")


def open_store(args: argparse.Namespace) -> Store:
    data_dir = resolve_data_dir(args.data_dir)
    if data_dir.exists() and not data_dir.is_dir():
        raise CommandError(f"the data directory {data_dir} is a file, not a directory")
    try:
        return Store.open(data_dir)
    except (OSError, sqlite3.Error) as error:
        raise CommandError(f"cannot open the database in {data_dir}: {error}") from None


# --- token, profiles -----------------------------------------------------------------------------


def command_token(args: argparse.Namespace) -> int:
    data_dir = resolve_data_dir(args.data_dir)
    if args.rotate:
        try:
            token = rotate_token(data_dir)
        except OSError as error:
            reason = problem(data_dir, error) or (error.strerror or error)
            raise CommandError(f"cannot make a new token in {data_dir}: {reason}") from None
        print(token)
        print(
            "papersieve token: made a new token; the old one is refused from now on (a running "
            "server too): paste this one into the extension's options",
            file=sys.stderr,
        )
        return 0
    try:
        print(load_or_create_token(data_dir))
    except (OSError, ValueError) as error:
        raise CommandError(f"cannot read or create the token in {data_dir}: {error}") from None
    return 0


def command_profiles(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        if args.action == "list":
            for summary in store.list_profiles():
                print(
                    f"{summary.name}\t👍 {summary.labels.up}\t👎 {summary.labels.down}\t"
                    f"{summary.papers_seen} papers seen"
                )
        elif args.action == "create":
            store.create_profile(check_profile_name(args.name))
            print(f"created profile {args.name!r}")
        elif args.action == "delete":
            if args.name == DEFAULT_PROFILE:
                raise CommandError("the 'default' profile cannot be deleted")
            store.delete_profile(check_profile_name(args.name))
            remove_saved_model(resolve_data_dir(args.data_dir), args.name)
            print(f"deleted profile {args.name!r} and its ratings")
    return 0


# --- pair, doctor, service -----------------------------------------------------------------------


def command_pair(args: argparse.Namespace) -> int:
    from server.pairing import pair_command

    return pair_command(resolve_data_dir(args.data_dir))


def command_doctor(args: argparse.Namespace) -> int:
    from server.doctor import doctor_command

    # the fixes name papersieve as this shell can run it (its full path when not on PATH)
    return doctor_command(resolve_data_dir(args.data_dir), args.host, args.port, own_command())


def command_service(args: argparse.Namespace) -> int:
    import platform

    from server.service import service_command

    explicit = args.data_dir or os.environ.get(DATA_DIR_ENV)  # else the service finds the default
    data_dir = resolve_data_dir(args.data_dir) if explicit else None
    return service_command(args.action, platform.system(), args.port, data_dir, start=not args.no_start)


# --- import, export ------------------------------------------------------------------------------


def command_import(args: argparse.Namespace) -> int:
    from server.import_command import run_import

    return run_import(args.file, args.format, args.profile, args.dry_run, lambda: open_store(args))


def command_export(args: argparse.Namespace) -> int:
    from server.export_command import run_export

    return run_export(args.output, args.format, args.profile, lambda: open_store(args))


def run_eval(argv: list[str]) -> int:
    """`papersieve eval ...`: the `papersieve.commands` entry point `eval` (training/evaluate.py),
    found through the installed package's metadata: server/ never imports training/."""
    from importlib.metadata import entry_points

    found = entry_points(group="papersieve.commands", name="eval")
    try:
        evaluate = next(iter(found)).load()
    except (StopIteration, ImportError) as error:
        detail = f" ({error})" if str(error) else ""
        print(f"papersieve eval: not installed{detail}; run `pip install -e .`", file=sys.stderr)
        return 1
    return evaluate(argv)


# --- parser --------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="papersieve",
        description="papersieve: a private, local relevance filter for research-paper digests.",
    )
    parser.add_argument("--version", action="version", version=f"papersieve {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser(
        "serve",
        help="run the local server the extension talks to",
        description="Run the local scoring server (waitress) on a loopback address.",
    )
    serve.add_argument(
        "--host", default=DEFAULT_HOST, help="loopback address to listen on (default: %(default)s)"
    )
    serve.add_argument(
        "--port",
        type=port_number,
        default=DEFAULT_PORT,
        help="port (default: %(default)s; 0 picks a free one)",
    )
    add_data_dir(serve)
    serve.set_defaults(run=command_serve)

    token = commands.add_parser(
        "token",
        help="print the token to paste into the extension's options",
        description="Print the API token (made on first use, kept in the data directory).",
    )
    token.add_argument(
        "--rotate",
        action="store_true",
        help="replace the token with a new one and print it (a running server refuses the old one at once)",
    )
    add_data_dir(token)
    token.set_defaults(run=command_token)

    pair = commands.add_parser(
        "pair",
        help="print a one-time code that pairs the extension (instead of pasting the token)",
        description="Print a one-time pairing code (5 minutes, one use, 5 wrong tries) for the "
        "extension's onboarding page or options; the running server exchanges it for the token.",
    )
    add_data_dir(pair)
    pair.set_defaults(run=command_pair)

    doctor = commands.add_parser(
        "doctor",
        help="check the whole set-up and say what to fix",
        description="Check the data directory, token, database, the running server (reachable, "
        "version, token), each profile's model and when the extension was last seen; exit 1 if "
        "anything is wrong.",
    )
    doctor.add_argument(
        "--host", default=DEFAULT_HOST, help="where the server listens (default: %(default)s)"
    )
    doctor.add_argument(
        "--port", type=port_number, default=DEFAULT_PORT, help="its port (default: %(default)s)"
    )
    add_data_dir(doctor)
    doctor.set_defaults(run=command_doctor)

    service_parser = commands.add_parser(
        "service",
        help="start the server at login (systemd user unit, launchd agent)",
        description="Install, remove or show a user-level service that runs `papersieve serve` at "
        "login: a systemd user unit on Linux, a launchd agent on macOS.",
    )
    service_parser.add_argument("action", choices=("install", "uninstall", "status"))
    service_parser.add_argument(
        "--port", type=port_number, default=DEFAULT_PORT, help="the port to serve on (default: %(default)s)"
    )
    service_parser.add_argument(
        "--no-start", action="store_true", help="install: write the file only, start nothing"
    )
    add_data_dir(service_parser)
    service_parser.set_defaults(run=command_service)

    profiles = commands.add_parser(
        "profiles",
        help="list, create or delete profiles",
        description="List, create or delete reading profiles.",
    )
    profiles.add_argument("action", nargs="?", choices=("list", "create", "delete"), default="list")
    profiles.add_argument("name", nargs="?", help="the profile to create or delete")
    add_data_dir(profiles)
    profiles.set_defaults(run=command_profiles)

    importer = commands.add_parser(
        "import",
        help="seed a profile from your library (BibTeX, CSL-JSON, RIS, arXiv ids) or a papersieve export",
        description="Import papers as 👍 from a reader's library: BibTeX (Zotero, JabRef, Mendeley), "
        "CSL-JSON (Zotero), RIS, or a list of arXiv ids or links (one a line); or a papersieve JSON/CSV "
        "export with its own ratings. A damaged entry is reported with its line and skipped.",
    )
    importer.add_argument("file", help="the file to import, or - for standard input")
    importer.add_argument(
        "--format", choices=IMPORT_FORMATS, help="default (auto): told from the file's content"
    )
    importer.add_argument(
        "--dry-run", action="store_true", help="show how many papers and the first ones; write nothing"
    )
    add_profile(importer)
    add_data_dir(importer)
    importer.set_defaults(run=command_import)

    exporter = commands.add_parser(
        "export",
        help="export a profile's ratings with their papers",
        description="Export a profile's ratings with their papers' text.",
    )
    exporter.add_argument("-o", "--output", help="file to write (default: standard output)")
    exporter.add_argument(
        "--format", choices=EXPORT_FORMATS, help="default: from --output's extension, else json"
    )
    add_profile(exporter)
    add_data_dir(exporter)
    exporter.set_defaults(run=command_export)

    commands.add_parser(
        "eval",
        help="measure ranking quality on real data or on your own ratings (see `papersieve eval --help`)",
        add_help=False,
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["eval"]:
        return run_eval(argv[1:])
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "profiles" and args.action in ("create", "delete") and not args.name:
        parser.error(f"profiles {args.action} needs a profile name")
    try:
        return args.run(args)
    except (CommandError, InvalidInput, StoreError) as error:
        print(f"papersieve {args.command}: {error}", file=sys.stderr)
        return 2 if isinstance(error, InvalidInput) else 1


if __name__ == "__main__":
    sys.exit(main())
