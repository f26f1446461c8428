"""Who may talk to the server: a bearer token kept in the data directory, loopback Host names only,
and no Origin but the extension's (which stops other web pages and DNS rebinding)."""

from __future__ import annotations

import hmac
import logging
import os
import re
import secrets
import threading
from pathlib import Path

log = logging.getLogger(__name__)

TOKEN_FILE = "token"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
# Chromium extension ids are 32 letters a-p; Firefox gives each installation a UUID.
EXTENSION_ORIGIN = re.compile(
    r"chrome-extension://[a-p]{32}|moz-extension://[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
)


def token_path(data_dir: Path) -> Path:
    return Path(data_dir) / TOKEN_FILE


def load_or_create_token(data_dir: Path) -> str:
    """The data directory's token, made on first use in a file only its owner can read (0600)."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = token_path(data_dir)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        token = path.read_text(encoding="ascii").strip()
        if len(token) < 32:
            raise ValueError(f"the token file {path} is damaged: delete it to make a new token") from None
        return token
    token = secrets.token_urlsafe(32)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(token + "\n")
    return token


def rotate_token(data_dir: Path) -> str:
    """Replace the token with a new one (0600, written whole then renamed over the old file, so a
    running server never reads half a token) and return it; a running server refuses the old one
    from its next request on."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = token_path(data_dir)
    tmp = path.with_name(f".{TOKEN_FILE}.{os.getpid()}.tmp")
    token = secrets.token_urlsafe(32)
    descriptor = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(token + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o600)  # O_CREAT's mode is not applied to a file left over from a crash
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return token


class TokenFile:
    """The server's view of the token file: re-read whenever the file changes (one stat() per
    authenticated request, a few microseconds), so that `papersieve token --rotate` takes effect at
    once. While the file is missing or unreadable, the last good token stays valid."""

    def __init__(self, data_dir: Path) -> None:
        self.path = token_path(data_dir)
        self._lock = threading.Lock()
        self._token = load_or_create_token(data_dir)
        self._stamp = self._file_stamp()

    def _file_stamp(self) -> tuple[int, int, int, int] | None:
        try:
            info = os.stat(self.path)
        except OSError:
            return None
        return info.st_dev, info.st_ino, info.st_mtime_ns, info.st_size

    def current(self) -> str:
        stamp = self._file_stamp()
        if stamp is not None and stamp != self._stamp:
            with self._lock:
                try:
                    token = self.path.read_text(encoding="ascii").strip()
                except (OSError, UnicodeDecodeError) as error:
                    log.warning(
                        "cannot read the token file %s, the last token stays valid: %s", self.path, error
                    )
                    return self._token
                if len(token) >= 32:
                    if token != self._token:
                        log.info("the token file changed: the new token is in use, the old one refused")
                    self._token, self._stamp = token, stamp
                else:  # half-written by hand, or damaged: keep the last good one, look again later
                    log.warning("the token file %s is damaged, the last token stays valid", self.path)
        return self._token


def bearer_token_matches(expected: str, authorization_header: str | None) -> bool:
    """Constant-time check of an `Authorization: Bearer <token>` header."""
    scheme, _, presented = (authorization_header or "").partition(" ")
    if scheme.lower() != "bearer" or not presented:
        return False
    return hmac.compare_digest(expected.encode(), presented.strip().encode())


def host_name(host_header: str) -> str | None:
    """The name part of a Host header (`[::1]:8417` → `::1`), or None if it is malformed."""
    host_header = host_header.strip().lower()
    if host_header.startswith("["):
        name, bracket, rest = host_header[1:].partition("]")
        if not bracket or (rest and not (rest.startswith(":") and rest[1:].isdigit())):
            return None
        return name
    name, colon, port = host_header.partition(":")
    if colon and not port.isdigit():
        return None
    return name


def is_loopback_host(host_header: str | None) -> bool:
    return host_name(host_header or "") in LOOPBACK_HOSTS


def is_allowed_origin(origin: str | None) -> bool:
    """No Origin (curl, the CLI, tests) or the extension's own; never a web page's."""
    if origin is None:
        return True
    return EXTENSION_ORIGIN.fullmatch(origin) is not None
