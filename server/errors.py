"""Every API error is JSON, `{"error": "<what is wrong, in words>"}`, from this one helper."""

from __future__ import annotations

import logging
import sqlite3

from flask import Flask, Response, current_app, jsonify
from werkzeug.exceptions import HTTPException

from server.store import (
    DataDirUnavailable,
    ProfileExists,
    StoreError,
    UnknownProfile,
    UnknownRating,
    UnknownRule,
)
from server.store_records import unavailable
from server.validation import InvalidInput

log = logging.getLogger(__name__)

PLAIN_MESSAGES = {
    404: "no such endpoint: the API lives under /api/v1 (see GET /api/v1/health)",
    405: "this endpoint does not accept that HTTP method",
    413: "the request body is larger than the 2 MiB limit",
}


def error_response(status: int, message: str) -> tuple[Response, int]:
    return jsonify(error=message), status


def unavailable_response(message: str) -> tuple[Response, int]:
    """503: the data directory can't take the request now; the extension may retry later."""
    response, status = error_response(503, message)
    response.headers["Retry-After"] = "10"
    return response, status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[Response, int]:
        status = error.code or 500
        if error.description and error.description != type(error).description:
            return error_response(status, error.description)  # a message given with abort()
        return error_response(status, PLAIN_MESSAGES.get(status) or error.description or error.name)

    @app.errorhandler(InvalidInput)
    def invalid_input(error: InvalidInput) -> tuple[Response, int]:
        return error_response(400, str(error))

    @app.errorhandler(UnknownProfile)
    @app.errorhandler(UnknownRating)
    @app.errorhandler(UnknownRule)
    def not_found(error: StoreError) -> tuple[Response, int]:
        return error_response(404, str(error))

    @app.errorhandler(ProfileExists)
    def conflict(error: ProfileExists) -> tuple[Response, int]:
        return error_response(409, str(error))

    @app.errorhandler(StoreError)
    def store_error(error: StoreError) -> tuple[Response, int]:
        return error_response(400, str(error))

    @app.errorhandler(DataDirUnavailable)
    def data_dir_unavailable(error: DataDirUnavailable) -> tuple[Response, int]:
        log.warning("503: %s", error)
        return unavailable_response(str(error))

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> tuple[Response, int]:
        if isinstance(error, (OSError, sqlite3.Error)):  # e.g. a model file under a read-only dir
            reason = unavailable(current_app.config["DATA_DIR"], error)
            if reason is not None:
                return data_dir_unavailable(reason)
        log.exception("unexpected error")
        return error_response(500, "internal error: the server log has the details")
