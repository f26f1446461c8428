"""The OpenAPI 3.1 description of the HTTP API under /api/v1, served at GET /api/v1/openapi.json.

Request schemas are built from the limits and patterns that server/validation.py enforces, so
what the description allows is what the server accepts; tests/server/test_openapi.py checks it
against Flask's routes and real responses, and tests/server/test_fuzz.py fuzzes the app with it."""

from __future__ import annotations

import copy
import re
from functools import cache
from typing import Any

from server.label_formats import EXPORT_FORMATS, FORMAT_BY_CONTENT_TYPE, IMPORT_FORMATS
from server.openapi_rules import RULE_IN, RULE_OUT, RULE_PATHS, RULE_REASON, authors_schema
from server.validation import (
    ARXIV_ID,
    MAX_ABSTRACT_CHARS,
    MAX_ID_CHARS,
    MAX_PAPERS_PER_REQUEST,
    MAX_TITLE_CHARS,
    MAX_URL_CHARS,
    PAPER_ID,
    PROFILE_NAME,
)

MAX_BODY_BYTES = 2 * 1024 * 1024  # server.app.MAX_BODY_BYTES (not imported: app imports the routes)


def _whole(pattern: re.Pattern[str]) -> str:
    """A Python full-match pattern as an ECMA-262 pattern (JSON Schema patterns search)."""
    return f"^(?:{pattern.pattern})$"


def _case_insensitive(pattern: str) -> str:
    """ECMA-262 has no inline (?i): spell each ASCII letter outside a character class both ways
    (classes are widened by `_class_ranges_both_cases`)."""
    out, in_class, escaped = [], False, False
    for char in pattern:
        if escaped:
            out.append(char)
            escaped = False
        elif char == "\\":
            out.append(char)
            escaped = True
        elif char == "[":
            in_class = True
            out.append(char)
        elif char == "]":
            in_class = False
            out.append(char)
        elif char.isascii() and char.isalpha():
            out.append(char if in_class else f"[{char.lower()}{char.upper()}]")
        else:
            out.append(char)
    return "".join(out)


def _class_ranges_both_cases(pattern: str) -> str:
    return pattern.replace("[a-z-]", "[a-zA-Z-]").replace("[A-Z]", "[a-zA-Z]")


PROFILE_NAME_SCHEMA = {
    "type": "string",
    "pattern": _whole(PROFILE_NAME),
    "description": "1 to 64 letters, digits, '_', '.' or '-', starting with a letter or digit",
    "examples": ["default"],
}
ARXIV_ID_PATTERN = _case_insensitive(_class_ranges_both_cases(_whole(ARXIV_ID)))
PAPER_ID_SCHEMA = {
    "description": (
        "an arXiv id (`2401.12345`, `hep-th/9901001`; an `arXiv:` prefix and a `v2` suffix are "
        f"dropped), else up to {MAX_ID_CHARS} letters, digits and . _ : / + ( ) -"
    ),
    "anyOf": [
        {"type": "string", "pattern": ARXIV_ID_PATTERN},
        {"type": "string", "pattern": _whole(PAPER_ID), "maxLength": MAX_ID_CHARS},
    ],
    "examples": ["2401.12345"],
}


def _text(limit: int, what: str) -> dict[str, Any]:
    return {
        "type": ["string", "null"],
        "maxLength": limit,
        "description": f"{what} (null or absent: empty); whitespace runs become one space",
    }


PAPER_IN: dict[str, Any] = {
    "type": "object",
    "required": ["id"],
    "properties": {
        "id": {"$ref": "#/components/schemas/PaperId"},
        "title": _text(MAX_TITLE_CHARS, "the title"),
        "abstract": _text(MAX_ABSTRACT_CHARS, "the abstract"),
        "url": {
            "type": ["string", "null"],
            "maxLength": MAX_URL_CHARS,
            "pattern": r"^(?:https?://[\s\S]*)?$",
            "description": "an http(s) address, or empty",
        },
        "authors": authors_schema(),
    },
}
RATING = {"enum": [1, -1], "description": "1 is 👍, -1 is 👎"}
LABELS = {
    "type": "object",
    "required": ["up", "down"],
    "properties": {"up": {"type": "integer", "minimum": 0}, "down": {"type": "integer", "minimum": 0}},
}
READINESS_PROPERTIES = {
    "ready": {"type": "boolean"},
    "labels": {"$ref": "#/components/schemas/Labels"},
    "needed": {"type": "integer", "minimum": 0, "maximum": 2},
}
READINESS = {
    "type": "object",
    "required": ["ready", "labels", "needed"],
    "properties": READINESS_PROPERTIES,
}
PAPER_OUT: dict[str, Any] = {
    "type": "object",
    "required": ["id", "title", "abstract", "url"],
    "properties": {name: {"type": "string"} for name in ("id", "title", "abstract", "url")},
}
TERMS = {"type": "array", "items": {"type": "string"}}
PROBABILITY = {"type": "number", "minimum": 0, "maximum": 1}
RATED = {
    "type": "object",
    "required": ["paper", "rating", "rated_at"],
    "properties": {
        "paper": {"$ref": "#/components/schemas/Paper"},
        "rating": RATING,
        "rated_at": {"type": "string"},
    },
}
RATING_RECORD_IN = {
    "type": "object",
    "required": ["id", "rating"],
    "properties": {
        **PAPER_IN["properties"],
        "rating": {
            "anyOf": [RATING, {"type": "string", "pattern": r"^\s*[+-]?0*1\s*$"}],
            "description": "1 or -1 (as a number, or as text in ASCII digits)",
        },
        "rated_at": {"type": ["string", "null"], "description": "ISO 8601; absent, null or empty: now"},
    },
}
RATING_RECORD_OUT = {
    "type": "object",
    "required": ["id", "title", "abstract", "url", "rating", "rated_at"],
    "properties": {**PAPER_OUT["properties"], "rating": RATING, "rated_at": {"type": "string"}},
}
PROFILE_SUMMARY: dict[str, Any] = {
    "type": "object",
    "required": ["name", "labels", "papers_seen", "created_at"],
    "properties": {
        "name": {"type": "string"},
        "labels": {"$ref": "#/components/schemas/Labels"},
        "papers_seen": {"type": "integer", "minimum": 0},
        "created_at": {"type": "string"},
    },
}
QUALITY = {
    "description": "cross-validated ROC AUC on the profile's ratings, once there are enough",
    "oneOf": [
        {"type": "null"},
        {
            "type": "object",
            "required": ["metric", "mean", "std", "folds"],
            "properties": {
                "metric": {"const": "roc_auc"},
                "mean": PROBABILITY,
                "std": {"type": "number", "minimum": 0},
                "folds": {"type": "integer", "minimum": 1},
            },
        },
    ],
}
COUNT = {"type": "integer", "minimum": 0}
NOT_DEFAULT = {"allOf": [{"$ref": "#/components/schemas/ProfileName"}, {"not": {"const": "default"}}]}
HISTORY = {
    "type": "object",
    "required": ["name", "labels", "days", "quality", "learning_curve"],
    "properties": {
        "name": {"type": "string"},
        "labels": {"$ref": "#/components/schemas/Labels"},
        "days": {
            "type": "array",
            "description": "each UTC day with ratings made that day (still current) and running totals",
            "items": {
                "type": "object",
                "required": ["day", "up", "down", "total_up", "total_down"],
                "properties": {
                    "day": {"type": "string"},
                    **{key: COUNT for key in ("up", "down", "total_up", "total_down")},
                },
            },
        },
        "quality": QUALITY,
        "learning_curve": {
            "type": "array",
            "description": "held-out ROC AUC after fitting on that many ratings (empty until 5 of each)",
            "items": {
                "type": "object",
                "required": ["labels", "auc"],
                "properties": {"labels": {"type": "integer", "minimum": 1}, "auc": PROBABILITY},
            },
        },
    },
}
PROFILE_DETAIL = {
    "type": "object",
    "required": ["name", "created_at", "labels", "papers_seen", "model", "embeddings", "top_terms"],
    "properties": {
        **PROFILE_SUMMARY["properties"],
        "model": {
            "type": "object",
            "required": ["ready", "trained_at", "quality", "corpus_features"],
            "properties": {
                "ready": {"type": "boolean"},
                "trained_at": {"type": ["string", "null"]},
                "quality": QUALITY,
                "corpus_features": {
                    "type": "object",
                    "required": ["papers", "updating"],
                    "properties": {
                        "papers": {"type": "integer", "minimum": 0},
                        "updating": {"type": "boolean"},
                    },
                },
            },
        },
        "embeddings": {
            "type": "object",
            "required": [
                "encoder",
                "version",
                "available",
                "state",
                "error",
                "papers",
                "papers_with_vectors",
                "queue",
            ],
            "properties": {
                "encoder": {"type": ["string", "null"]},
                "version": {"type": ["string", "null"]},
                "available": {"type": ["boolean", "null"], "description": "null while the encoder loads"},
                "state": {"enum": ["loading", "ready", "unavailable", "disabled", "stopped"]},
                "error": {"type": ["string", "null"]},
                "papers": {"type": "integer", "minimum": 0},
                "papers_with_vectors": {"type": "integer", "minimum": 0},
                "queue": {"type": "integer", "minimum": 0},
            },
        },
        "top_terms": {
            "type": "object",
            "required": ["for", "against"],
            "properties": {"for": TERMS, "against": TERMS},
        },
    },
}
SCORE_ENTRY = {
    "type": "object",
    "required": ["id", "score", "reasons", "reasons_against", "rating", "provisional"],
    "properties": {
        "id": {"type": "string"},
        "score": {"oneOf": [PROBABILITY, {"type": "null"}], "description": "null until the profile is ready"},
        "reasons": TERMS,
        "reasons_against": TERMS,
        "words_share": {**PROBABILITY, "description": "how much of the score its words carry (when scored)"},
        "rating": {"enum": [1, -1, None]},
        "provisional": {"type": "boolean"},
        "rule": RULE_REASON,
    },
}
EXPORT_DOCUMENT = {
    "type": "object",
    "required": ["papersieve", "profile", "exported_at", "ratings"],
    "properties": {
        "papersieve": {"const": 1},
        "profile": {"type": "string"},
        "exported_at": {"type": "string"},
        "ratings": {"type": "array", "items": {"$ref": "#/components/schemas/RatingRecord"}},
        "rules": {"type": "array", "items": {"$ref": "#/components/schemas/Rule"}},
    },
}
IMPORT_JSON = {
    "description": "a list of ratings, or an object with a 'ratings' list (what export writes)",
    "oneOf": [
        {"type": "array", "items": {"$ref": "#/components/schemas/RatingRecordIn"}},
        {
            "type": "object",
            "required": ["ratings"],
            "properties": {
                "ratings": {"type": "array", "items": {"$ref": "#/components/schemas/RatingRecordIn"}},
                "rules": {"type": ["array", "null"], "maxItems": 200, "items": RULE_IN},
            },
        },
    ],
}

ERRORS = {
    400: "what was sent is not acceptable (the message says why)",
    401: "missing or wrong bearer token",
    403: "the Host is not a loopback name, or the Origin is a web page's",
    404: "no such profile, rating or endpoint",
    409: "a profile of that name exists",
    410: "no pairing code is waiting, or it expired: run `papersieve pair` again",
    413: "the body is over 2 MiB",
    415: "the body's Content-Type is not one this call reads",
    503: "the data directory is read-only, gone or its disk is full (the message says which): nothing "
    "of this call was kept; try again after Retry-After seconds (no restart needed once it is fixed)",
}
UNAVAILABLE = 503  # every call that reads or writes the data directory: all but /health, /openapi.json
RETRY_AFTER = {
    "Retry-After": {
        "description": "seconds to wait before trying again",
        "required": True,
        "schema": {"type": "string", "pattern": "^[0-9]+$"},
    }
}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def _ok(description: str, schema: dict[str, Any], status: int = 200) -> dict[str, Any]:
    return {str(status): {"description": description, "content": _json(schema)}}


def _errors(*statuses: int) -> dict[str, Any]:
    return {str(status): {"$ref": f"#/components/responses/Error{status}"} for status in statuses}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json_body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": _json(schema)}


def _integer_query(name: str, default: int, low: int, high: int, what: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": f"{what}, a whole number from {low} to {high} in ASCII digits",
        "schema": {"type": "integer", "minimum": low, "maximum": high, "default": default},
    }


PROFILE_PARAMETER = {
    "name": "profile",
    "in": "path",
    "required": True,
    "schema": _ref("ProfileName"),
}
AUTHED = (401, 403)
BODIED = (*AUTHED, 400, 413, 415)


@cache
def _document(version: str, max_page: int, max_suggestions: int, max_offset: int) -> dict[str, Any]:
    paths: dict[str, Any] = {
        "/api/v1/health": {
            "get": {
                "operationId": "health",
                "summary": "Is the server up (no token needed)",
                "security": [],
                "responses": {
                    **_ok(
                        "the server runs",
                        {
                            "type": "object",
                            "required": ["status", "version"],
                            "properties": {"status": {"const": "ok"}, "version": {"type": "string"}},
                        },
                    ),
                    **_errors(403),
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
                "requestBody": _json_body(
                    {
                        "type": "object",
                        "required": ["code"],
                        "properties": {"code": {"type": "string", "minLength": 1, "maxLength": 64}},
                    }
                ),
                "responses": {
                    **_ok(
                        "the token, for every other call",
                        {
                            "type": "object",
                            "required": ["token"],
                            "properties": {"token": {"type": "string"}},
                        },
                    ),
                    **_errors(400, 403, 410, 413, 415, UNAVAILABLE),
                },
            }
        },
        "/api/v1/openapi.json": {
            "get": {
                "operationId": "openapi",
                "summary": "This description of the API",
                "responses": {
                    **_ok("an OpenAPI 3.1 document", {"type": "object", "required": ["openapi", "paths"]}),
                    **_errors(*AUTHED),
                },
            }
        },
        "/api/v1/score": {
            "post": {
                "operationId": "score",
                "summary": "Score a page's papers for a profile (they join its unlabelled corpus)",
                "requestBody": _json_body(
                    {
                        "type": "object",
                        "properties": {
                            "profile": {**_ref("ProfileName"), "default": "default"},
                            "papers": {
                                "type": "array",
                                "maxItems": MAX_PAPERS_PER_REQUEST,
                                "items": _ref("PaperIn"),
                                "default": [],
                                "description": "repeated ids are kept once (the last one wins)",
                            },
                        },
                    }
                ),
                "responses": {
                    **_ok(
                        "scores in the order sent",
                        {
                            "type": "object",
                            "required": [*READINESS["required"], "scores"],
                            "properties": {
                                **READINESS_PROPERTIES,
                                "scores": {"type": "array", "items": _ref("Score")},
                            },
                        },
                    ),
                    **_errors(*BODIED, 404, UNAVAILABLE),
                },
            }
        },
        "/api/v1/feedback": {
            "post": {
                "operationId": "feedback",
                "summary": "Rate a paper (replaces the profile's earlier rating of it)",
                "requestBody": _json_body(
                    {
                        "type": "object",
                        "required": ["paper", "rating"],
                        "properties": {
                            "profile": {**_ref("ProfileName"), "default": "default"},
                            "paper": _ref("PaperIn"),
                            "rating": RATING,
                        },
                    }
                ),
                "responses": {
                    **_ok("the profile's label counts", _ref("Readiness")),
                    **_errors(*BODIED, 404, UNAVAILABLE),
                },
            }
        },
        "/api/v1/feedback/{profile}/{paper_id}": {
            "delete": {
                "operationId": "undo_feedback",
                "summary": "Undo a rating",
                "parameters": [
                    PROFILE_PARAMETER,
                    {"name": "paper_id", "in": "path", "required": True, "schema": _ref("PaperId")},
                ],
                "responses": {
                    **_ok("the profile's label counts", _ref("Readiness")),
                    **_errors(*AUTHED, 400, 404, UNAVAILABLE),
                },
            }
        },
        "/api/v1/profiles": {
            "get": {
                "operationId": "list_profiles",
                "summary": "Every profile with its counts",
                "responses": {
                    **_ok(
                        "the profiles, by name",
                        {
                            "type": "object",
                            "required": ["profiles"],
                            "properties": {"profiles": {"type": "array", "items": _ref("ProfileSummary")}},
                        },
                    ),
                    **_errors(*AUTHED, UNAVAILABLE),
                },
            },
            "post": {
                "operationId": "create_profile",
                "summary": "Create a profile",
                "requestBody": _json_body(
                    {"type": "object", "required": ["name"], "properties": {"name": _ref("ProfileName")}}
                ),
                "responses": {
                    **_ok(
                        "created",
                        {
                            "type": "object",
                            "required": ["name", "labels"],
                            "properties": {"name": {"type": "string"}, "labels": _ref("Labels")},
                        },
                        201,
                    ),
                    **_errors(*BODIED, 409, UNAVAILABLE),
                },
            },
        },
        "/api/v1/profiles/{profile}": {
            "get": {
                "operationId": "show_profile",
                "summary": "A profile's counts, model state, quality, embeddings and top terms",
                "parameters": [PROFILE_PARAMETER],
                "responses": {
                    **_ok("the profile", _ref("ProfileDetail")),
                    **_errors(*AUTHED, 400, 404, UNAVAILABLE),
                },
            },
            "delete": {
                "operationId": "delete_profile",
                "summary": "Delete a profile and its ratings ('default' cannot be deleted: 400)",
                "parameters": [
                    {
                        **PROFILE_PARAMETER,
                        "schema": {"allOf": [_ref("ProfileName"), {"not": {"const": "default"}}]},
                    }
                ],
                "responses": {
                    **_ok(
                        "deleted",
                        {
                            "type": "object",
                            "required": ["deleted"],
                            "properties": {"deleted": {"type": "string"}},
                        },
                    ),
                    **_errors(*AUTHED, 400, 404, UNAVAILABLE),
                },
            },
        },
        "/api/v1/profiles/{profile}/ratings": {
            "get": {
                "operationId": "list_ratings",
                "summary": "The profile's ratings with their papers, newest first",
                "parameters": [
                    PROFILE_PARAMETER,
                    _integer_query("limit", 50, 1, max_page, "how many"),
                    _integer_query("offset", 0, 0, max_offset, "how many to skip"),
                    {
                        "name": "q",
                        "in": "query",
                        "required": False,
                        "description": "only ratings whose paper's title contains this text (any case)",
                        "schema": {"type": "string", "maxLength": 200},
                    },
                    {
                        "name": "rating",
                        "in": "query",
                        "required": False,
                        "description": "only 👍 (1) or only 👎 (-1)",
                        "schema": {"enum": ["1", "-1"]},
                    },
                ],
                "responses": {
                    **_ok(
                        "one page of ratings (total: how many match)",
                        {
                            "type": "object",
                            "required": ["total", "limit", "offset", "ratings"],
                            "properties": {
                                "total": {"type": "integer", "minimum": 0},
                                "limit": {"type": "integer", "minimum": 1, "maximum": max_page},
                                "offset": {"type": "integer", "minimum": 0, "maximum": max_offset},
                                "ratings": {"type": "array", "items": _ref("RatedPaper")},
                            },
                        },
                    ),
                    **_errors(*AUTHED, 400, 404, UNAVAILABLE),
                },
            }
        },
        "/api/v1/profiles/{profile}/rename": {
            "post": {
                "operationId": "rename_profile",
                "summary": "Rename a profile, keeping its ratings ('default' stays: 400)",
                "parameters": [{**PROFILE_PARAMETER, "schema": NOT_DEFAULT}],
                "requestBody": _json_body(
                    {"type": "object", "required": ["name"], "properties": {"name": NOT_DEFAULT}}
                ),
                "responses": {
                    **_ok(
                        "renamed",
                        {
                            "type": "object",
                            "required": ["name", "renamed_from", "labels"],
                            "properties": {
                                "name": {"type": "string"},
                                "renamed_from": {"type": "string"},
                                "labels": _ref("Labels"),
                            },
                        },
                    ),
                    **_errors(*BODIED, 404, 409, UNAVAILABLE),
                },
            }
        },
        "/api/v1/profiles/{profile}/history": {
            "get": {
                "operationId": "profile_history",
                "summary": "Ratings by day, the cross-validated quality and the learning curve",
                "parameters": [
                    PROFILE_PARAMETER,
                    {
                        "name": "curve",
                        "in": "query",
                        "required": False,
                        "description": "false: the days only, at once (quality null, learning_curve empty)",
                        "schema": {"enum": ["true", "false"], "default": "true"},
                    },
                ],
                "responses": {
                    **_ok("the dashboard's plots", HISTORY),
                    **_errors(*AUTHED, 400, 404, UNAVAILABLE),
                },
            }
        },
        "/api/v1/profiles/{profile}/suggest": {
            "get": {
                "operationId": "suggest",
                "summary": "Seen, unrated papers whose rating would teach the model most",
                "parameters": [
                    PROFILE_PARAMETER,
                    _integer_query("limit", 10, 1, max_suggestions, "how many"),
                ],
                "responses": {
                    **_ok(
                        "the most uncertain papers first (none until the profile is ready)",
                        {
                            "type": "object",
                            "required": ["ready", "papers"],
                            "properties": {
                                "ready": {"type": "boolean"},
                                "papers": {
                                    "type": "array",
                                    "maxItems": max_suggestions,
                                    "items": {
                                        "type": "object",
                                        "required": ["paper", "score"],
                                        "properties": {"paper": _ref("Paper"), "score": PROBABILITY},
                                    },
                                },
                            },
                        },
                    ),
                    **_errors(*AUTHED, 400, 404, UNAVAILABLE),
                },
            }
        },
        "/api/v1/profiles/{profile}/export": {
            "get": {
                "operationId": "export_profile",
                "summary": "The profile's ratings with their papers' text, as a file",
                "parameters": [
                    PROFILE_PARAMETER,
                    {
                        "name": "format",
                        "in": "query",
                        "required": False,
                        "schema": {"enum": list(EXPORT_FORMATS), "default": "json"},
                    },
                ],
                "responses": {
                    "200": {
                        "description": "the file (Content-Disposition: attachment)",
                        "headers": {
                            "Content-Disposition": {
                                "schema": {"type": "string", "pattern": "^attachment; filename="}
                            }
                        },
                        "content": {
                            "application/json": {"schema": _ref("Export")},
                            "text/csv": {
                                "schema": {
                                    "type": "string",
                                    "description": "a header row (id,title,abstract,url,rating,rated_at), "
                                    "then one row per rating",
                                }
                            },
                        },
                    },
                    **_errors(*AUTHED, 400, 404, UNAVAILABLE),
                },
            }
        },
        "/api/v1/profiles/{profile}/import": {
            "post": {
                "operationId": "import_profile",
                "summary": "Add ratings from a file: a papersieve export all or nothing; a library (BibTeX, "
                "CSL-JSON, RIS, arXiv ids) as 👍, its damaged entries skipped and listed",
                "parameters": [
                    PROFILE_PARAMETER,
                    {
                        "name": "format",
                        "in": "query",
                        "required": False,
                        "description": "the file's format; without it, the Content-Type says (text/plain, "
                        "or no Content-Type: told from the content, as with 'auto')",
                        "schema": {"enum": list(IMPORT_FORMATS)},
                    },
                    {
                        "name": "dry_run",
                        "in": "query",
                        "required": False,
                        "description": "true: read the file and reply as if importing, but write nothing",
                        "schema": {"enum": ["true", "false", "1", "0"], "default": "false"},
                    },
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        media_type: {
                            "schema": IMPORT_JSON
                            if fmt == "json"
                            else {"type": "string", "description": f"{fmt} text (UTF-8)"}
                        }
                        for media_type, fmt in FORMAT_BY_CONTENT_TYPE.items()
                        if media_type  # no Content-Type at all is read too, as 'auto'
                    },
                },
                "responses": {
                    **_ok(
                        "how many were imported, and the profile's label counts",
                        {
                            "type": "object",
                            "required": [
                                "imported",
                                "dry_run",
                                "format",
                                "found",
                                "skipped",
                                *READINESS["required"],
                            ],
                            "properties": {
                                "imported": {"type": "integer", "minimum": 0},
                                "dry_run": {"type": "boolean"},
                                "format": {"enum": [f for f in IMPORT_FORMATS if f != "auto"]},
                                "found": {
                                    "type": "integer",
                                    "minimum": 0,
                                    "description": "papers in the file",
                                },
                                "rules_found": {"type": "integer", "minimum": 0},
                                "rules_imported": {
                                    "type": "integer",
                                    "minimum": 0,
                                    "description": "rules the profile did not have yet",
                                },
                                "merged": {
                                    "type": "integer",
                                    "minimum": 0,
                                    "description": "duplicate entries merged",
                                },
                                "without_abstract": {"type": "integer", "minimum": 0},
                                "skipped": {
                                    "type": "array",
                                    "description": "entries skipped (up to 100), each with its first line",
                                    "items": {
                                        "type": "object",
                                        "required": ["line", "entry", "reason"],
                                        "properties": {
                                            "line": {"type": ["integer", "null"]},
                                            "entry": {"type": "string"},
                                            "reason": {"type": "string"},
                                        },
                                    },
                                },
                                "skipped_count": {"type": "integer", "minimum": 0},
                                "first": {"type": "array", "items": _ref("RatedPaper"), "maxItems": 10},
                                **READINESS_PROPERTIES,
                            },
                        },
                    ),
                    **_errors(*BODIED, 404, UNAVAILABLE),
                },
            }
        },
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
                    "content": _json(_ref("Error")),
                }
                for status, description in ERRORS.items()
            },
        },
    }


def openapi_document(version: str, *, max_page: int, max_suggestions: int, max_offset: int) -> dict[str, Any]:
    """The description, for this server version and the routes' paging limits (a fresh copy)."""
    return copy.deepcopy(_document(version, max_page, max_suggestions, max_offset))
