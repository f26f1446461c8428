"""The OpenAPI pieces every path shares: JSON bodies and replies, error replies by status (503 with
Retry-After), paging query parameters, the profile path parameter."""

from __future__ import annotations

from typing import Any

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


def json_content(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def ok(description: str, schema: dict[str, Any], status: int = 200) -> dict[str, Any]:
    return {str(status): {"description": description, "content": json_content(schema)}}


def errors(*statuses: int) -> dict[str, Any]:
    return {str(status): {"$ref": f"#/components/responses/Error{status}"} for status in statuses}


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def json_body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": json_content(schema)}


def integer_query(name: str, default: int, low: int, high: int, what: str) -> dict[str, Any]:
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
    "schema": ref("ProfileName"),
}
AUTHED = (401, 403)
BODIED = (*AUTHED, 400, 413, 415)
