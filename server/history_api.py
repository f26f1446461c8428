"""The dashboard's plots under /api/v1/profiles/<profile>/history: label counts by day, the
cross-validated quality and the learning curve (computed in server/dashboard_data.py)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request

from server.dashboard_data import cached_learning_curve, label_history
from server.request_context import get_models, get_store, json_response
from server.validation import InvalidInput, check_profile_name

history_api = Blueprint("history", __name__, url_prefix="/api/v1")


@history_api.get("/profiles/<profile>/history")
def profile_history(profile: str) -> Any:
    """Label counts by day, the cross-validated quality and the learning curve (the dashboard's plots)."""
    profile = check_profile_name(profile)
    curve = request.args.get("curve", "true").lower()
    if curve not in ("true", "false"):
        raise InvalidInput("'curve' must be true or false")
    store = get_store()
    summary = store.profile(profile)
    models = get_models()
    wanted = curve == "true" and summary.labels.needed == 0
    model = models.current(store, profile) if wanted else None
    return json_response(
        {
            "name": profile,
            "labels": summary.labels.as_dict(),
            "days": label_history(store, profile),
            "quality": models.quality(model, store, profile) if model else None,
            "learning_curve": (
                cached_learning_curve(store, profile, model.classifier, model.revision, summary.created_at)
                if model
                else []
            ),
        }
    )
