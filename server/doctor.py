"""`papersieve doctor`: checks the chain from the data directory to the extension, one line per check
(✔ fine, ✘ wrong and what to do, – not checked or nothing to do yet); exit code 1 if any is wrong."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from server import __version__
from server.auth import token_path
from server.datadir import DATABASE_NAME, LOCK_FILE, problem
from server.extension_seen import last_extension_visit
from server.migrations import MIGRATIONS

MARKS = {True: "✔", False: "✘", None: "–"}


@dataclass(frozen=True)
class Check:
    ok: bool | None  # None: not checked, or nothing wrong but something to do
    text: str
    fix: str = ""

    def line(self) -> str:
        return f"{MARKS[self.ok]} {self.text}" + (f": {self.fix}" if self.fix else "")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def check_data_dir(data_dir: Path) -> Check:
    if not data_dir.exists():
        return Check(False, f"no data directory at {data_dir}", "run `papersieve serve` once: it makes it")
    if not data_dir.is_dir():
        return Check(
            False, f"the data directory {data_dir} is a file", "move it away or pass another --data-dir"
        )
    if data_dir.stat().st_uid != os.getuid():
        return Check(
            False, f"the data directory {data_dir} belongs to another user", "use your own --data-dir"
        )
    reason = problem(data_dir)
    if reason:
        return Check(False, reason)
    if _mode(data_dir) & 0o077:
        return Check(
            False,
            f"the data directory {data_dir} is open to other users (mode {_mode(data_dir):o})",
            f"chmod 700 {data_dir} (papersieve serve also does it)",
        )
    return Check(True, f"data directory {data_dir} (private, writable)")


def check_token(data_dir: Path) -> tuple[Check, str | None]:
    path = token_path(data_dir)
    try:
        token = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return Check(False, f"no token in {data_dir}", "run `papersieve token` (or `papersieve serve`)"), None
    except (OSError, UnicodeDecodeError) as error:
        return Check(
            False, f"the token file {path} cannot be read ({error})", "papersieve token --rotate"
        ), None
    if len(token) < 32:
        return Check(
            False, f"the token file {path} is damaged", "papersieve token --rotate, then pair again"
        ), None
    if _mode(path) & 0o077:
        return Check(
            False,
            f"the token file {path} is readable by other users (mode {_mode(path):o})",
            f"chmod 600 {path}, and `papersieve token --rotate` if someone may have read it",
        ), token
    return Check(True, "token file (private)"), token


def check_database(data_dir: Path) -> Check:
    path = data_dir / DATABASE_NAME
    if not path.exists():
        return Check(False, f"no database at {path}", "run `papersieve serve` once: it makes it")
    broken = (
        f"the database {path} is damaged",
        "move it aside and restore a backup (or let `papersieve "
        "serve` start afresh; `papersieve export` first what still reads)",
    )
    try:
        connection = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True, timeout=5)
        try:
            result = [row[0] for row in connection.execute("PRAGMA integrity_check")]
            applied = [row[0] for row in connection.execute("SELECT name FROM migrations ORDER BY rowid")]
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        return Check(False, f"{broken[0]} ({error})", broken[1])
    if result != ["ok"]:
        return Check(False, f"{broken[0]} (integrity check: {'; '.join(result[:3])})", broken[1])
    known = [name for name, _ in MIGRATIONS]
    unknown = [name for name in applied if name not in known]
    if unknown:
        return Check(
            False,
            f"the database was made by a newer papersieve (schema {unknown[-1]})",
            "update papersieve (git pull; make serve)",
        )
    if len(applied) < len(known):
        return Check(
            False,
            f"the database is at schema {applied[-1] if applied else 'none'}, not {known[-1]}",
            "restart `papersieve serve`: it migrates the database",
        )
    return Check(True, f"database intact (schema {known[-1]})")


def _lock_holder(data_dir: Path) -> str | None:
    try:
        return (data_dir / LOCK_FILE).read_text(encoding="ascii").strip() or None
    except OSError:
        return None


class Server:
    """The running server as the extension sees it: HTTP on a loopback port, with the token."""

    def __init__(self, host: str, port: int, token: str | None, timeout: float = 5.0) -> None:
        self.base = f"http://{'[' + host + ']' if ':' in host else host}:{port}/api/v1"
        self.token = token
        self.timeout = timeout

    def get(self, path: str, authorised: bool = True, timeout: float | None = None) -> tuple[int, Any]:
        headers = {"Authorization": f"Bearer {self.token}"} if authorised and self.token else {}
        request = urllib.request.Request(self.base + path, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=timeout or self.timeout) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            try:
                return error.code, json.loads(error.read() or b"null")
            except ValueError:
                return error.code, None


def check_server(server: Server, data_dir: Path) -> tuple[list[Check], bool]:
    """Reachable, same version, token accepted; returns the checks and whether the token works."""
    where = server.base.removesuffix("/api/v1")
    try:
        status, body = server.get("/health", authorised=False)
    except (OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        holder = _lock_holder(data_dir)
        fix = "start it: `papersieve serve` (or `papersieve service install` to start it at login)"
        if holder and _lock_is_held(data_dir):
            fix = f"a server (pid {holder}) serves {data_dir} but not on this port: pass its --port"
        return [Check(False, f"no server answers on {where} ({reason})", fix)], False
    if status != 200 or not isinstance(body, dict):
        return [
            Check(
                False,
                f"{where} answers {status} to /health, not papersieve's reply",
                "another program uses this port: serve papersieve on another --port",
            )
        ], False
    checks = [Check(True, f"server answers on {where}")]
    version = body.get("version")
    if version == __version__:
        checks.append(Check(True, f"server version {version}, as installed"))
    else:
        checks.append(
            Check(
                False,
                f"the server runs papersieve {version}, installed is {__version__}",
                "restart it (`papersieve service status` says how it runs)",
            )
        )
    if server.token is None:
        checks.append(Check(None, "token not checked against the server (no token file)"))
        return checks, False
    status, body = server.get("/profiles")
    if status == 200:
        checks.append(Check(True, "the server accepts this data directory's token"))
        return checks, True
    message = body.get("error") if isinstance(body, dict) else body
    fix = (
        "the server serves another data directory or an older token: restart it on this --data-dir"
        if status == 401
        else ""
    )
    checks.append(Check(False, f"the server refuses the token ({status}: {message})", fix))
    return checks, False


def _lock_is_held(data_dir: Path) -> bool:
    import fcntl

    try:
        descriptor = os.open(data_dir / LOCK_FILE, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(descriptor, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(descriptor)  # closing it drops a lock taken just now
    return False


def _profile_check(name: str, detail: dict[str, Any]) -> Check:
    labels = detail["labels"]
    counts = f"profile {name!r}: 👍 {labels['up']} 👎 {labels['down']}"
    embeddings = detail.get("embeddings") or {}
    if embeddings.get("state") == "unavailable" or embeddings.get("error"):
        return Check(
            False,
            f"{counts}, sentence encoder {embeddings.get('state')} ({embeddings.get('error')})",
            "reinstall papersieve's dependencies (make serve); scores use words alone meanwhile",
        )
    if not labels["up"] or not labels["down"]:
        needed = " and ".join(w for w, n in (("one 👍", labels["up"]), ("one 👎", labels["down"])) if not n)
        return Check(None, f"{counts}, model waits for {needed}", "rate papers on a digest page")
    model = detail.get("model") or {}
    if not model.get("ready"):
        return Check(False, f"{counts}, but no model could be fitted", "see the server's log")
    vectors = f"{embeddings.get('papers_with_vectors', 0)}/{embeddings.get('papers', 0)} papers embedded"
    return Check(True, f"{counts}, model ready (trained {model.get('trained_at') or 'now'}), {vectors}")


def check_profiles(server: Server, reachable: bool, data_dir: Path) -> list[Check]:
    if not reachable:
        return [Check(None, "profiles and models not checked (the server must answer with the token)")]
    status, body = server.get("/profiles")
    checks = []
    for profile in body["profiles"] if status == 200 else []:
        status, detail = server.get(f"/profiles/{quote(profile['name'])}", timeout=60)
        if status != 200:
            checks.append(
                Check(
                    False,
                    f"profile {profile['name']!r}: the server answered {status}",
                    "see the server's log",
                )
            )
        else:
            checks.append(_profile_check(profile["name"], detail))
    return checks


def check_extension(data_dir: Path, now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> Check:
    visit = last_extension_visit(data_dir)
    if visit is None:
        return Check(
            False,
            "the extension has not reached this server yet",
            "load it (README: The extension), then pair it: `papersieve pair`",
        )
    minutes = max(0, int((now() - visit.at).total_seconds() // 60))
    ago = "just now" if minutes < 1 else f"{minutes} min ago" if minutes < 120 else f"{minutes // 60} h ago"
    if not visit.token_accepted:
        return Check(
            False,
            f"the extension's last request ({ago}) had a wrong token",
            "pair it again: `papersieve pair` (or paste `papersieve token` into its options)",
        )
    return Check(True, f"extension seen {ago} ({visit.origin})")


def run_doctor(data_dir: Path, host: str, port: int) -> list[Check]:
    """Every check, in the order the chain runs."""
    checks = [check_data_dir(data_dir)]
    token_check, token = check_token(data_dir)
    checks += [token_check, check_database(data_dir)]
    server = Server(host, port, token)
    server_checks, reachable = check_server(server, data_dir)
    checks += server_checks
    checks += check_profiles(server, reachable, data_dir)
    checks.append(check_extension(data_dir))
    return checks


def doctor_command(data_dir: Path, host: str, port: int, command: str = "papersieve") -> int:
    """`papersieve doctor`: one line per check, the fixes naming papersieve as `command`; 1 if wrong."""
    checks = run_doctor(data_dir, host, port)
    for check in checks:
        print(check.line().replace("`papersieve ", f"`{command} "))
    wrong = sum(check.ok is False for check in checks)
    print("everything works" if not wrong else f"{wrong} thing{'s' if wrong > 1 else ''} to fix")
    return 1 if wrong else 0
