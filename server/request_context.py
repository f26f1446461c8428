"""What a request reaches through Flask's app and request context: its store connection, the
per-profile models, the embedding worker, the token in force, and the one JSON reply helper."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, g, jsonify

from server.embedding_worker import EmbeddingWorker
from server.profile_models import ProfileModels
from server.store import Store


def get_store() -> Store:
    """This request's store connection, opened on first use and closed at teardown."""
    if "store" not in g:
        g.store = Store.open(current_app.config["DATA_DIR"], setup=False)
    return g.store


def close_store(_error: BaseException | None) -> None:
    """Teardown: close the request's store connection, if it opened one."""
    store = g.pop("store", None)
    if store is not None:
        store.close()


def get_models() -> ProfileModels:
    return current_app.extensions["papersieve_models"]


def get_embeddings() -> EmbeddingWorker:
    return current_app.extensions["papersieve_embeddings"]


def current_token() -> str:
    """The token requests must carry now (the token file's, when it was not fixed in the config)."""
    token_file = current_app.extensions["papersieve_token"]
    if token_file is None:
        return current_app.config["TOKEN"]
    current_app.config["TOKEN"] = token_file.current()
    return current_app.config["TOKEN"]


def json_response(payload: Any, status: int = 200) -> tuple[Response, int]:
    return jsonify(payload), status
