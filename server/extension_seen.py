"""When the extension last reached this server, for `papersieve doctor`: the time, origin and whether
its token was accepted, kept in the data directory (written at most every 30 s, or on a change).
Only requests that carry the extension's Origin count: browsers send it on the extension's POSTs
(/score, /feedback), not on its GETs to a host it has permission for."""

from __future__ import annotations

import json
import os
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from flask import Response, current_app, request

from server.auth import EXTENSION_ORIGIN

SEEN_FILE = "extension-seen.json"
WRITE_EVERY_SECONDS = 30.0


@dataclass(frozen=True)
class ExtensionVisit:
    at: datetime
    origin: str
    token_accepted: bool


class ExtensionSeen:
    """The server's record of the extension's last request (one per app)."""

    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / SEEN_FILE
        self._lock = threading.Lock()
        self._written: tuple[float, str, bool] | None = None

    def note(self, origin: str, token_accepted: bool) -> None:
        with self._lock:
            last = self._written
            if (
                last
                and last[1:] == (origin, token_accepted)
                and time.monotonic() - last[0] < WRITE_EVERY_SECONDS
            ):
                return
            record = {
                "at": datetime.now(UTC).isoformat(timespec="seconds"),
                "origin": origin,
                "token_accepted": token_accepted,
            }
            tmp = self.path.with_name(f".{SEEN_FILE}.{os.getpid()}.tmp")
            try:
                tmp.write_text(json.dumps(record), encoding="utf-8")
                tmp.replace(self.path)
            except OSError:  # a read-only or full data directory: the 503s already say so
                tmp.unlink(missing_ok=True)
                return
            self._written = (time.monotonic(), origin, token_accepted)


def note_extension_request(response: Response) -> Response:
    """An `after_request` hook: remember a request that came from a browser extension."""
    origin = request.headers.get("Origin")
    if origin and EXTENSION_ORIGIN.fullmatch(origin) and response.status_code != 403:
        seen = current_app.extensions.setdefault(
            "papersieve_extension_seen", ExtensionSeen(current_app.config["DATA_DIR"])
        )
        seen.note(origin, response.status_code != 401)
    return response


def last_extension_visit(data_dir: Path) -> ExtensionVisit | None:
    """The extension's last recorded request, or None if it never reached this data directory's server."""
    try:
        record = json.loads((Path(data_dir) / SEEN_FILE).read_text(encoding="utf-8"))
        return ExtensionVisit(
            datetime.fromisoformat(record["at"]), str(record["origin"]), bool(record["token_accepted"])
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
