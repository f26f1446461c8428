"""The OpenAPI 3.1 description of the HTTP API under /api/v1, served at GET /api/v1/openapi.json.

Request schemas are built from the limits and patterns that server/validation.py enforces, so
what the description allows is what the server accepts; tests/server/test_openapi.py checks it
against Flask's routes and real responses, and tests/server/test_fuzz.py fuzzes the app with it."""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from server.openapi_io import IMPORT_EXPORT_PATHS
from server.openapi_profiles import profile_paths
from server.openapi_responses import (
    AUTHED,
    BODIED,
    ERRORS,
    PROFILE_PARAMETER,
    RETRY_AFTER,
    UNAVAILABLE,
    errors,
    json_body,
    json_content,
    ok,
    ref,
)
from server.openapi_rules import RULE_OUT, RULE_PATHS
from server.openapi_schemas import (
    EXPORT_DOCUMENT,
    LABELS,
    PAPER_ID_SCHEMA,
    PAPER_IN,
    PAPER_OUT,
    PROFILE_DETAIL,
    PROFILE_NAME_SCHEMA,
    PROFILE_SUMMARY,
    RATED,
    RATING,
    RATING_RECORD_IN,
    RATING_RECORD_OUT,
    READINESS,
    READINESS_PROPERTIES,
    SCORE_ENTRY,
)
from server.scoring import REFINE_AFTER_MAX_MS, REFINE_AFTER_MIN_MS
from server.validation import (
    MAX_PAPERS_PER_REQUEST,
)


@cache
def _document(version: str, max_page: int, max_suggestions: int, max_offset: int) -> dict[str, Any]:
    paths: dict[str, Any] = {
        "/api/v1/health": {
            "get": {
                "operationId": "health",
                "summary": "Is the server up (no token needed)",
                "security": [],
                "responses": {
                    **ok(
                        "the server runs",
                        {
                            "type": "object",
                            "required": ["status", "version"],
                            "properties": {"status": {"const": "ok"}, "version": {"type": "string"}},
                        },
                    ),
                    **errors(403),
                },
            }
        },
        "/api/v1/pair": {
            "post": {
                "operationId": "pair",
                "summary": "Exchange the one-time code of `papersieve pair` for the token (no token needed)",
                "description": "The code lasts 5 minutes and works once; 5 wrong codes void it. Like every "
                "call, refused (403) from a web page's Origin or a Host that is not loopback.",
                "security": [],
                "requestBody": json_body(
                    {
                        "type": "object",
                        "required": ["code"],
                        "properties": {"code": {"type": "string", "minLength": 1, "maxLength": 64}},
                    }
                ),
                "responses": {
                    **ok(
                        "the token, for every other call",
                        {
                            "type": "object",
                            "required": ["token"],
                            "properties": {"token": {"type": "string"}},
                        },
                    ),
                    **errors(400, 403, 410, 413, 415, UNAVAILABLE),
                },
            }
        },
        "/api/v1/openapi.json": {
            "get": {
                "operationId": "openapi",
                "summary": "This description of the API",
                "responses": {
                    **ok("an OpenAPI 3.1 document", {"type": "object", "required": ["openapi", "paths"]}),
                    **errors(*AUTHED),
                },
            }
        },
        "/api/v1/score": {
            "post": {
                "operationId": "score",
                "summary": "Score a page's papers for a profile (they join its unlabelled corpus)",
                "requestBody": json_body(
                    {
                        "type": "object",
                        "properties": {
                            "profile": {**ref("ProfileName"), "default": "default"},
                            "papers": {
                                "type": "array",
                                "maxItems": MAX_PAPERS_PER_REQUEST,
                                "items": ref("PaperIn"),
                                "default": [],
                                "description": "repeated ids are kept once (the last one wins)",
                            },
                        },
                    }
                ),
                "responses": {
                    **ok(
                        "scores in the order sent",
                        {
                            "type": "object",
                            "required": [*READINESS["required"], "scores"],
                            "properties": {
                                **READINESS_PROPERTIES,
                                "scores": {"type": "array", "items": ref("Score")},
                                "refine_after_ms": {
                                    "type": "integer",
                                    "minimum": REFINE_AFTER_MIN_MS,
                                    "maximum": REFINE_AFTER_MAX_MS,
                                    "description": "present while scores are provisional and the "
                                    "encoder is working: ask again after this long to find them final",
                                },
                            },
                        },
                    ),
                    **errors(*BODIED, 404, UNAVAILABLE),
                },
            }
        },
        "/api/v1/feedback": {
            "post": {
                "operationId": "feedback",
                "summary": "Rate a paper (replaces the profile's earlier rating of it)",
                "requestBody": json_body(
                    {
                        "type": "object",
                        "required": ["paper", "rating"],
                        "properties": {
                            "profile": {**ref("ProfileName"), "default": "default"},
                            "paper": ref("PaperIn"),
                            "rating": RATING,
                        },
                    }
                ),
                "responses": {
                    **ok("the profile's label counts", ref("Readiness")),
                    **errors(*BODIED, 404, UNAVAILABLE),
                },
            }
        },
        "/api/v1/feedback/{profile}/{paper_id}": {
            "delete": {
                "operationId": "undo_feedback",
                "summary": "Undo a rating",
                "parameters": [
                    PROFILE_PARAMETER,
                    {"name": "paper_id", "in": "path", "required": True, "schema": ref("PaperId")},
                ],
                "responses": {
                    **ok("the profile's label counts", ref("Readiness")),
                    **errors(*AUTHED, 400, 404, UNAVAILABLE),
                },
            }
        },
        **profile_paths(max_page, max_suggestions, max_offset),
        **IMPORT_EXPORT_PATHS,
        **RULE_PATHS,
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "papersieve",
            "version": version,
            "description": (
                "The local papersieve server's API (127.0.0.1 only). Every call but GET /api/v1/health "
                "and POST /api/v1/pair needs 'Authorization: Bearer <token>' (`papersieve token` prints "
                "it, or POST /api/v1/pair exchanges `papersieve pair`'s one-time code for it). "
                "Requests whose "
                "Host is not 127.0.0.1, localhost or [::1], or whose Origin is present and not a "
                "browser extension's, get 403. Bodies over 2 MiB get 413. While the data directory is "
                "read-only, gone or full, calls that need it get 503 with the reason and Retry-After. "
                'Every error is {"error": "<what is wrong>"}.'
            ),
        },
        "servers": [{"url": "http://127.0.0.1:8417"}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "the data directory's token (`papersieve token`)",
                }
            },
            "schemas": {
                "ProfileName": PROFILE_NAME_SCHEMA,
                "PaperId": PAPER_ID_SCHEMA,
                "PaperIn": PAPER_IN,
                "Paper": PAPER_OUT,
                "Labels": LABELS,
                "Readiness": READINESS,
                "Score": SCORE_ENTRY,
                "RatedPaper": RATED,
                "RatingRecord": RATING_RECORD_OUT,
                "RatingRecordIn": RATING_RECORD_IN,
                "ProfileSummary": PROFILE_SUMMARY,
                "ProfileDetail": PROFILE_DETAIL,
                "Export": EXPORT_DOCUMENT,
                "Rule": RULE_OUT,
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {"error": {"type": "string", "minLength": 1}},
                },
            },
            "responses": {
                f"Error{status}": {
                    "description": description,
                    **({"headers": RETRY_AFTER} if status == UNAVAILABLE else {}),
                    "content": json_content(ref("Error")),
                }
                for status, description in ERRORS.items()
            },
        },
    }


def openapi_document(version: str, *, max_page: int, max_suggestions: int, max_offset: int) -> dict[str, Any]:
    """The description, for this server version and the routes' paging limits (a fresh copy)."""
    return copy.deepcopy(_document(version, max_page, max_suggestions, max_offset))
