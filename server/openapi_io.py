"""The OpenAPI description of a profile's export and import routes."""

from __future__ import annotations

from typing import Any

from server.label_formats import EXPORT_FORMATS, FORMAT_BY_CONTENT_TYPE, IMPORT_FORMATS
from server.openapi_responses import AUTHED, BODIED, PROFILE_PARAMETER, UNAVAILABLE, errors, ok, ref
from server.openapi_schemas import IMPORT_JSON, READINESS, READINESS_PROPERTIES

IMPORT_EXPORT_PATHS: dict[str, Any] = {
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
                        "application/json": {"schema": ref("Export")},
                        "text/csv": {
                            "schema": {
                                "type": "string",
                                "description": "a header row (id,title,abstract,url,rating,rated_at), "
                                "then one row per rating",
                            }
                        },
                    },
                },
                **errors(*AUTHED, 400, 404, UNAVAILABLE),
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
                **ok(
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
                            "first": {"type": "array", "items": ref("RatedPaper"), "maxItems": 10},
                            **READINESS_PROPERTIES,
                        },
                    },
                ),
                **errors(*BODIED, 404, UNAVAILABLE),
            },
        }
    },
}
