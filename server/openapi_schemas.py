"""The OpenAPI schemas of papers, scores, ratings and profiles, built from server/validation.py's
limits and patterns (what the description allows is what the server accepts)."""

from __future__ import annotations

import re
from typing import Any

from server.openapi_rules import RULE_IN, RULE_REASON, authors_schema
from server.validation import (
    ARXIV_ID,
    MAX_ABSTRACT_CHARS,
    MAX_ID_CHARS,
    MAX_TITLE_CHARS,
    MAX_URL_CHARS,
    PAPER_ID,
    PROFILE_NAME,
)


def whole(pattern: re.Pattern[str]) -> str:
    """A Python full-match pattern as an ECMA-262 pattern (JSON Schema patterns search)."""
    return f"^(?:{pattern.pattern})$"


def case_insensitive(pattern: str) -> str:
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


def class_ranges_both_cases(pattern: str) -> str:
    return pattern.replace("[a-z-]", "[a-zA-Z-]").replace("[A-Z]", "[a-zA-Z]")


PROFILE_NAME_SCHEMA = {
    "type": "string",
    "pattern": whole(PROFILE_NAME),
    "description": "1 to 64 letters, digits, '_', '.' or '-', starting with a letter or digit",
    "examples": ["default"],
}
ARXIV_ID_PATTERN = case_insensitive(class_ranges_both_cases(whole(ARXIV_ID)))
PAPER_ID_SCHEMA = {
    "description": (
        "an arXiv id (`2401.12345`, `hep-th/9901001`; an `arXiv:` prefix and a `v2` suffix are "
        f"dropped), else up to {MAX_ID_CHARS} letters, digits and . _ : / + ( ) -"
    ),
    "anyOf": [
        {"type": "string", "pattern": ARXIV_ID_PATTERN},
        {"type": "string", "pattern": whole(PAPER_ID), "maxLength": MAX_ID_CHARS},
    ],
    "examples": ["2401.12345"],
}


def text_schema(limit: int, what: str) -> dict[str, Any]:
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
        "title": text_schema(MAX_TITLE_CHARS, "the title"),
        "abstract": text_schema(MAX_ABSTRACT_CHARS, "the abstract"),
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
