"""The OpenAPI description of the rules routes and of the rule fields other replies carry."""

from __future__ import annotations

from typing import Any

from server.rules import (
    ACTIONS,
    FIELDS,
    KINDS,
    MAX_AUTHOR_CHARS,
    MAX_AUTHORS,
    MAX_AUTHORS_CHARS,
    MAX_PATTERN_CHARS,
    MAX_RULES,
)

_PROFILE = {
    "name": "profile",
    "in": "path",
    "required": True,
    "schema": {"$ref": "#/components/schemas/ProfileName"},
}
_AUTHED = (401, 403)


def _errors(*statuses: int) -> dict[str, Any]:
    return {str(status): {"$ref": f"#/components/responses/Error{status}"} for status in statuses}


def _ok(description: str, schema: dict[str, Any], status: int = 200) -> dict[str, Any]:
    return {str(status): {"description": description, "content": {"application/json": {"schema": schema}}}}


def authors_schema() -> dict[str, Any]:
    """/score's optional `authors` of a paper: one text, or a list of names."""
    return {
        "oneOf": [
            {"type": ["string", "null"], "maxLength": MAX_AUTHORS_CHARS},
            {
                "type": "array",
                "maxItems": MAX_AUTHORS,
                "items": {"type": "string", "maxLength": MAX_AUTHOR_CHARS},
            },
        ],
        "description": "the authors (optional): matched by rules whose field is 'authors' or 'any'",
    }


RULE_IN: dict[str, Any] = {
    "type": "object",
    "required": ["action", "pattern"],
    "properties": {
        "action": {"enum": list(ACTIONS)},
        "kind": {
            "enum": list(KINDS),
            "default": "text",
            "description": "text: a word or phrase, as whole words; regex: a regular expression; any case",
        },
        "pattern": {
            "type": "string",
            "minLength": 1,
            "maxLength": MAX_PATTERN_CHARS,
            "pattern": r"\S",
            "description": "a regex must compile, must not match empty text and must not backtrack for long",
        },
        "field": {"enum": list(FIELDS), "default": "any"},
    },
}
RULE_OUT: dict[str, Any] = {
    "type": "object",
    "required": ["action", "kind", "pattern", "field", "created_at"],
    "properties": {
        "id": {"type": "integer", "minimum": 1},
        "action": {"enum": list(ACTIONS)},
        "kind": {"enum": list(KINDS)},
        "pattern": {"type": "string"},
        "field": {"enum": list(FIELDS)},
        "created_at": {"type": "string"},
    },
}
RULE_REASON: dict[str, Any] = {
    "type": "object",
    "required": ["action", "pattern", "id", "kind"],
    "properties": {
        "action": {"enum": list(ACTIONS)},
        "pattern": {"type": "string"},
        "id": {"type": "integer", "minimum": 1},
        "kind": {"enum": list(KINDS)},
    },
    "description": "present when a rule matches: hide beats highlight, then the oldest rule wins; "
    "the verdict follows it, the score stays the model's",
}
_RULE_LIST = {
    "type": "object",
    "required": ["rules", "max_rules"],
    "properties": {
        "rules": {"type": "array", "maxItems": MAX_RULES, "items": {"$ref": "#/components/schemas/Rule"}},
        "max_rules": {"const": MAX_RULES},
    },
}
RULE_PATHS: dict[str, Any] = {
    "/api/v1/profiles/{profile}/rules": {
        "get": {
            "operationId": "list_rules",
            "summary": "The profile's always-highlight / always-hide rules, oldest first",
            "parameters": [_PROFILE],
            "responses": {**_ok("the rules", _RULE_LIST), **_errors(*_AUTHED, 400, 404, 503)},
        },
        "post": {
            "operationId": "add_rule",
            "summary": f"Add a rule (at most {MAX_RULES} per profile; one the profile has already: 200)",
            "parameters": [_PROFILE],
            "requestBody": {"required": True, "content": {"application/json": {"schema": RULE_IN}}},
            "responses": {
                **_ok("added", {"$ref": "#/components/schemas/Rule"}, 201),
                **_ok("the profile had this rule already", {"$ref": "#/components/schemas/Rule"}),
                **_errors(*_AUTHED, 400, 404, 413, 415, 503),
            },
        },
    },
    "/api/v1/profiles/{profile}/rules/{rule_id}": {
        "delete": {
            "operationId": "delete_rule",
            "summary": "Delete a rule",
            "parameters": [
                _PROFILE,
                {
                    "name": "rule_id",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "integer", "minimum": 1, "maximum": 2**62},
                },
            ],
            "responses": {
                **_ok(
                    "deleted",
                    {
                        "type": "object",
                        "required": ["deleted"],
                        "properties": {"deleted": {"type": "integer", "minimum": 1}},
                    },
                ),
                **_errors(*_AUTHED, 400, 404, 503),
            },
        }
    },
}
