"""Pairing without copying the token: `papersieve pair` makes a one-time code (ABCD-EFGH, 5 minutes,
single use, 5 wrong tries), kept hashed in the data directory so that the running server sees it,
and POST /api/v1/pair exchanges it for the token (only from the extension or without an Origin,
on a loopback Host: the app's guard refuses every other caller before this code runs)."""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import os
import secrets
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Blueprint, abort, current_app, jsonify, request

from server.command_error import CommandError
from server.datadir import problem
from server.validation import InvalidInput, check_json_object, parse_json

PAIRING_FILE = "pairing.json"
PAIRING_LOCK = "pairing.lock"
# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: nothing a reader can mistake for another when typing it.
ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 8
LIFETIME_SECONDS = 300
WRONG_TRIES = 5

pairing_api = Blueprint("pairing", __name__, url_prefix="/api/v1")


class PairingRefused(Exception):
    """The code cannot be exchanged; `status` is the HTTP status, the message says why."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class PairingCode:
    code: str  # as shown: ABCD-EFGH
    expires_at: float


def normalise_code(text: str) -> str:
    """A typed code as compared: upper case, without spaces or dashes."""
    return "".join(text.split()).replace("-", "").upper()


def _digest(code: str, salt: str) -> str:
    return hashlib.sha256(f"{salt}:{normalise_code(code)}".encode()).hexdigest()


@contextmanager
def _locked(data_dir: Path) -> Iterator[Path]:
    """The pairing file, under an exclusive lock shared by the CLI and the server processes."""
    descriptor = os.open(Path(data_dir) / PAIRING_LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield Path(data_dir) / PAIRING_FILE
    finally:
        os.close(descriptor)


def _write_private(path: Path, record: dict[str, Any]) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        json.dump(record, handle)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def new_pairing_code(data_dir: Path, now: float | None = None) -> PairingCode:
    """Make a code (replacing any earlier one) and keep only its salted hash, mode 0600."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    salt = secrets.token_hex(16)
    expires_at = (time.time() if now is None else now) + LIFETIME_SECONDS
    with _locked(data_dir) as path:
        _write_private(
            path,
            {"salt": salt, "hash": _digest(raw, salt), "expires_at": expires_at, "tries_left": WRONG_TRIES},
        )
    half = CODE_LENGTH // 2
    return PairingCode(f"{raw[:half]}-{raw[half:]}", expires_at)


def redeem_pairing_code(data_dir: Path, code: str, now: float | None = None) -> None:
    """Use up the waiting code if `code` is it; raise PairingRefused (no code, expired, wrong: a
    wrong try costs one of five, the fifth voids the code). Compared in constant time."""
    now = time.time() if now is None else now
    with _locked(data_dir) as path:
        try:
            record = json.loads(path.read_text(encoding="ascii"))
            salt, expected = str(record["salt"]), str(record["hash"])
            expires_at, tries_left = float(record["expires_at"]), int(record["tries_left"])
        except FileNotFoundError:
            raise PairingRefused(
                410, "no pairing code is waiting (used, or never made): run `papersieve pair` for one"
            ) from None
        except (OSError, ValueError, KeyError, TypeError):
            path.unlink(missing_ok=True)
            raise PairingRefused(
                410, "the pairing code on file is damaged: run `papersieve pair` again"
            ) from None
        if now >= expires_at:
            path.unlink(missing_ok=True)
            raise PairingRefused(
                410, "the pairing code expired (codes last 5 minutes): run `papersieve pair` again"
            )
        if hmac.compare_digest(_digest(code, salt), expected):
            path.unlink()
            return
        tries_left -= 1
        if tries_left <= 0:
            path.unlink()
            raise PairingRefused(
                403,
                "wrong pairing code, and that was the last try: the code is void (run `papersieve pair`)",
            )
        _write_private(path, {**record, "tries_left": tries_left})
        raise PairingRefused(
            403, f"wrong pairing code ({tries_left} {'try' if tries_left == 1 else 'tries'} left)"
        )


@pairing_api.post("/pair")
def pair() -> Any:
    """{"code": "ABCD-EFGH"} → {"token": "…"}: the code `papersieve pair` printed, once."""
    if request.mimetype != "application/json":
        abort(415, "send the body as JSON with 'Content-Type: application/json'")
    code = check_json_object(parse_json(request.get_data(as_text=True))).get("code")
    if not isinstance(code, str) or not 1 <= len(code) <= 64:
        raise InvalidInput("'code' must be the pairing code `papersieve pair` printed, e.g. ABCD-EFGH")
    try:
        redeem_pairing_code(current_app.config["DATA_DIR"], code)
    except PairingRefused as refused:
        abort(refused.status, str(refused))
    token_file = current_app.extensions["papersieve_token"]  # re-read after `papersieve token --rotate`
    return jsonify(token=current_app.config["TOKEN"] if token_file is None else token_file.current())


def pair_command(data_dir: Path) -> int:
    """`papersieve pair`: the code on stdout (alone, for scripts), how to use it on stderr."""
    try:
        code = new_pairing_code(data_dir)
    except OSError as error:
        reason = problem(data_dir, error) or error
        raise CommandError(f"cannot keep a pairing code in {data_dir}: {reason}") from None
    print(code.code)
    print(
        f"papersieve pair: enter this code in papersieve's onboarding page (or options) within "
        f"{LIFETIME_SECONDS // 60} minutes; it works once, with the server serving {data_dir}",
        file=sys.stderr,
    )
    return 0
