"""The OpenAPI description of the /api/v1/profiles routes: list, create, read, delete, rename,
ratings, history and suggestions."""

from __future__ import annotations

from typing import Any

from server.openapi_responses import (
    AUTHED,
    BODIED,
    PROFILE_PARAMETER,
    UNAVAILABLE,
    errors,
    integer_query,
    json_body,
    ok,
    ref,
)
from server.openapi_schemas import HISTORY, NOT_DEFAULT, PROBABILITY


def profile_paths(max_page: int, max_suggestions: int, max_offset: int) -> dict[str, Any]:
    """The profile routes, for the routes' paging limits."""
    return {
        "/api/v1/profiles": {
            "get": {
                "operationId": "list_profiles",
                "summary": "Every profile with its counts",
                "responses": {
                    **ok(
                        "the profiles, by name",
                        {
                            "type": "object",
                            "required": ["profiles"],
                            "properties": {"profiles": {"type": "array", "items": ref("ProfileSummary")}},
                        },
                    ),
                    **errors(*AUTHED, UNAVAILABLE),
                },
            },
            "post": {
                "operationId": "create_profile",
                "summary": "Create a profile",
                "requestBody": json_body(
                    {"type": "object", "required": ["name"], "properties": {"name": ref("ProfileName")}}
                ),
                "responses": {
                    **ok(
                        "created",
                        {
                            "type": "object",
                            "required": ["name", "labels"],
                            "properties": {"name": {"type": "string"}, "labels": ref("Labels")},
                        },
                        201,
                    ),
                    **errors(*BODIED, 409, UNAVAILABLE),
                },
            },
        },
        "/api/v1/profiles/{profile}": {
            "get": {
                "operationId": "show_profile",
                "summary": "A profile's counts, model state, quality, embeddings and top terms",
                "parameters": [PROFILE_PARAMETER],
                "responses": {
                    **ok("the profile", ref("ProfileDetail")),
                    **errors(*AUTHED, 400, 404, UNAVAILABLE),
                },
            },
            "delete": {
                "operationId": "delete_profile",
                "summary": "Delete a profile and its ratings ('default' cannot be deleted: 400)",
                "parameters": [
                    {
                        **PROFILE_PARAMETER,
                        "schema": {"allOf": [ref("ProfileName"), {"not": {"const": "default"}}]},
                    }
                ],
                "responses": {
                    **ok(
                        "deleted",
                        {
                            "type": "object",
                            "required": ["deleted"],
                            "properties": {"deleted": {"type": "string"}},
                        },
                    ),
                    **errors(*AUTHED, 400, 404, UNAVAILABLE),
                },
            },
        },
        "/api/v1/profiles/{profile}/ratings": {
            "get": {
                "operationId": "list_ratings",
                "summary": "The profile's ratings with their papers, newest first",
                "parameters": [
                    PROFILE_PARAMETER,
                    integer_query("limit", 50, 1, max_page, "how many"),
                    integer_query("offset", 0, 0, max_offset, "how many to skip"),
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
                    **ok(
                        "one page of ratings (total: how many match)",
                        {
                            "type": "object",
                            "required": ["total", "limit", "offset", "ratings"],
                            "properties": {
                                "total": {"type": "integer", "minimum": 0},
                                "limit": {"type": "integer", "minimum": 1, "maximum": max_page},
                                "offset": {"type": "integer", "minimum": 0, "maximum": max_offset},
                                "ratings": {"type": "array", "items": ref("RatedPaper")},
                            },
                        },
                    ),
                    **errors(*AUTHED, 400, 404, UNAVAILABLE),
                },
            }
        },
        "/api/v1/profiles/{profile}/rename": {
            "post": {
                "operationId": "rename_profile",
                "summary": "Rename a profile, keeping its ratings ('default' stays: 400)",
                "parameters": [{**PROFILE_PARAMETER, "schema": NOT_DEFAULT}],
                "requestBody": json_body(
                    {"type": "object", "required": ["name"], "properties": {"name": NOT_DEFAULT}}
                ),
                "responses": {
                    **ok(
                        "renamed",
                        {
                            "type": "object",
                            "required": ["name", "renamed_from", "labels"],
                            "properties": {
                                "name": {"type": "string"},
                                "renamed_from": {"type": "string"},
                                "labels": ref("Labels"),
                            },
                        },
                    ),
                    **errors(*BODIED, 404, 409, UNAVAILABLE),
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
                    **ok("the dashboard's plots", HISTORY),
                    **errors(*AUTHED, 400, 404, UNAVAILABLE),
                },
            }
        },
        "/api/v1/profiles/{profile}/suggest": {
            "get": {
                "operationId": "suggest",
                "summary": "Seen, unrated papers whose rating would teach the model most",
                "parameters": [
                    PROFILE_PARAMETER,
                    integer_query("limit", 10, 1, max_suggestions, "how many"),
                ],
                "responses": {
                    **ok(
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
                                        "properties": {"paper": ref("Paper"), "score": PROBABILITY},
                                    },
                                },
                            },
                        },
                    ),
                    **errors(*AUTHED, 400, 404, UNAVAILABLE),
                },
            }
        },
    }
