"""What a request reaches through Flask's app and request context: its store connection, the
per-profile models, the embedding worker, the token in force, and the one JSON reply helper."""

from __future__ import annotations

from typing import Any

import orjson
from flask import Response, current_app, g, jsonify

from server.embedding_worker import EmbeddingWorker
from server.profile_models import ProfileModels
from server.score_request import ScoreRequestMemo
from server.store import Store
from server.store_pool import StorePool


def get_store() -> Store:
    """This request's store connection, taken from the app's pool on first use (server/store_pool.py)
    and given back at teardown."""
    if "store" not in g:
        g.store = get_store_pool().acquire()
    return g.store


def close_store(error: BaseException | None) -> None:
    """Teardown: give the request's store connection back to the pool, if it took one."""
    store = g.pop("store", None)
    if store is not None:
        get_store_pool().release(store, error)


def get_store_pool() -> StorePool:
    """The app's idle store connections."""
    pool = current_app.extensions.get("papersieve_store_pool")
    if pool is None:
        pool = current_app.extensions.setdefault(
            "papersieve_store_pool", StorePool(current_app.config["DATA_DIR"])
        )
    return pool


def get_models() -> ProfileModels:
    return current_app.extensions["papersieve_models"]


def get_score_requests() -> ScoreRequestMemo:
    """The app's memo of /score bodies already read (server/score_request.py)."""
    memo = current_app.extensions.get("papersieve_score_requests")
    if memo is None:
        memo = current_app.extensions.setdefault("papersieve_score_requests", ScoreRequestMemo())
    return memo


def get_embeddings() -> EmbeddingWorker:
    return current_app.extensions["papersieve_embeddings"]


def current_token() -> str:
    """The token requests must carry now (the token file's, when it was not fixed in the config)."""
    token_file = current_app.extensions["papersieve_token"]
    if token_file is None:
        return current_app.config["TOKEN"]
    current_app.config["TOKEN"] = token_file.current()
    return current_app.config["TOKEN"]


# Types Flask's JSON provider writes its own way (dates as HTTP dates, dataclasses) go to its `default`.
_ORJSON_OPTIONS = (
    orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_APPEND_NEWLINE
)


def json_response(payload: Any, status: int = 200) -> tuple[Response, int]:
    """`payload` as a JSON reply, as Flask's `jsonify` writes it (compact, UTF-8, keys in order,
    a final newline) but encoded by orjson, ten times faster for a page's scores. What orjson
    refuses (a lone surrogate, an integer past 64 bits) is left to `jsonify`, which writes or
    refuses it as before. One difference: a NaN or infinite float is written as null, not as the
    `NaN` token that JSON parsers refuse."""
    try:
        body = orjson.dumps(payload, default=current_app.json.default, option=_ORJSON_OPTIONS)  # type: ignore[attr-defined]
    except TypeError:  # orjson.JSONEncodeError
        return jsonify(payload), status
    return current_app.response_class(body, mimetype="application/json"), status
