"""The Flask application factory: defaults, then the caller's config; store connections kept across requests.

Config: DATA_DIR (required), TOKEN (fixed; default: the data directory's token file, re-read when
`papersieve token --rotate` changes it), EMBEDDINGS (default True: run the background embedding worker),
EMBEDDING_THREADS (the encoder's intra-op threads, default 1). Call `shutdown_app(app)` to stop
the app's background threads (the CLI does on Ctrl-C and SIGTERM)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask, abort, request

from server.api import api
from server.auth import TokenFile, bearer_token_matches, is_allowed_origin, is_loopback_host
from server.embedding_worker import EmbeddingWorker
from server.errors import register_error_handlers
from server.extension_seen import note_extension_request
from server.history_api import history_api
from server.pairing import pairing_api
from server.profile_models import ProfileModels
from server.request_context import close_store, current_token
from server.rules_api import rules_api
from server.store import Store

MAX_BODY_BYTES = 2 * 1024 * 1024
PUBLIC_ENDPOINTS = frozenset({"api.health", "pairing.pair"})  # /pair checks its own one-time code


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app for `config["DATA_DIR"]` (required); `TOKEN` overrides the data dir's token."""
    app = Flask(__name__, static_folder=None)
    app.config.from_mapping(MAX_CONTENT_LENGTH=MAX_BODY_BYTES)
    app.config.update(config or {})
    if not app.config.get("DATA_DIR"):
        raise ValueError("create_app needs config['DATA_DIR']")
    data_dir = Path(app.config["DATA_DIR"])
    app.config.setdefault("TOKEN", None)
    # A token given in the config is fixed; else the data dir's token file, re-read when it changes.
    app.extensions["papersieve_token"] = None if app.config["TOKEN"] else TokenFile(data_dir)
    app.config["TOKEN"] = app.config["TOKEN"] or app.extensions["papersieve_token"].current()
    # Create or migrate the database once, before any request, and keep that connection open while
    # the app runs: a request's connection is then never the database's first one, which rebuilds
    # its shared-memory index and so needs free disk space (on a full disk every read failed).
    app.extensions["papersieve_keeper"] = Store.open(data_dir)
    app.extensions["papersieve_models"] = ProfileModels(data_dir)
    worker = EmbeddingWorker(data_dir, threads=int(app.config.get("EMBEDDING_THREADS", 1)))
    app.extensions["papersieve_embeddings"] = (
        worker.start() if app.config.get("EMBEDDINGS", True) else worker.disable()
    )
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]

    register_error_handlers(app)
    app.before_request(_guard_request)
    app.after_request(note_extension_request)
    app.teardown_appcontext(close_store)
    app.register_blueprint(api)
    app.register_blueprint(rules_api)
    app.register_blueprint(history_api)
    app.register_blueprint(pairing_api)
    logging.getLogger("server").setLevel(logging.INFO)
    return app


def shutdown_app(app: Flask) -> None:
    """Stop the embedding worker (after its current batch) and write pending models to disk."""
    app.extensions["papersieve_embeddings"].stop()
    app.extensions["papersieve_models"].saver.flush()
    if "papersieve_store_pool" in app.extensions:
        app.extensions["papersieve_store_pool"].close()
    app.extensions["papersieve_keeper"].close()


def _guard_request() -> None:
    """Refuse other web pages, DNS rebinding, oversized bodies and unauthenticated calls."""
    if not is_loopback_host(request.headers.get("Host")):
        abort(403, "refused: the Host header must be 127.0.0.1, localhost or [::1]")
    if not is_allowed_origin(request.headers.get("Origin")):
        abort(403, "refused: requests from web pages are not allowed, only from the papersieve extension")
    if (request.content_length or 0) > MAX_BODY_BYTES:
        abort(413)
    if request.endpoint in PUBLIC_ENDPOINTS:
        return
    if not bearer_token_matches(current_token(), request.headers.get("Authorization")):
        abort(401, "missing or wrong token: send 'Authorization: Bearer <token>' (see `papersieve token`)")
