"""The rules routes under /api/v1/profiles/<profile>/rules: list, add and delete a profile's
"always highlight" / "always hide" rules (matching them is server/rules.py's job)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from server.api import json_body
from server.request_context import get_store, json_response
from server.rules import MAX_RULES, check_rule
from server.validation import check_profile_name, whole_number

rules_api = Blueprint("rules", __name__, url_prefix="/api/v1")


@rules_api.get("/profiles/<profile>/rules")
def list_rules(profile: str) -> Any:
    """The profile's "always highlight" / "always hide" rules, oldest first."""
    profile = check_profile_name(profile)
    rules = get_store().rules(profile)
    return json_response({"rules": [rule.as_dict() for rule in rules], "max_rules": MAX_RULES})


@rules_api.post("/profiles/<profile>/rules")
def add_rule(profile: str) -> Any:
    profile = check_profile_name(profile)
    rule = check_rule(json_body())
    store = get_store()
    store.profile(profile)  # 404 before the rule limit
    existing = [
        have
        for have in store.rules(profile)
        if (have.action, have.kind, have.pattern, have.field) == rule.key()
    ]
    if existing:  # adding a rule twice keeps one: the reply is the one it has
        return json_response(existing[0].as_dict())
    added = store.add_rules(profile, [rule.key()], MAX_RULES)
    return json_response(added[0].as_dict(), 201)


@rules_api.delete("/profiles/<profile>/rules/<rule_id>")
def delete_rule(profile: str, rule_id: str) -> Any:
    profile = check_profile_name(profile)
    number = whole_number(rule_id, "a rule id", 1, 2**62)
    get_store().delete_rule(profile, number)
    return json_response({"deleted": number})
