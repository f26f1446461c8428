"""The HTTP API under /api/v1 (DESIGN.md's contract). Routes only translate: JSON in, the store and
server/scoring.py do the work, JSON out."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, request

from server import __version__
from server.dashboard_data import MAX_QUERY_LENGTH, search_ratings
from server.label_formats import EXPORT_FORMATS, FORMAT_BY_CONTENT_TYPE, export_ratings, read_import
from server.openapi import openapi_document
from server.request_context import (
    get_embeddings,
    get_models,
    get_score_requests,
    get_store,
    json_response,
)
from server.rules import MAX_RULES
from server.score_request import score_arguments
from server.scoring import readiness, score_page, suggestions
from server.store import DEFAULT_PROFILE, RatedPaper, Store
from server.validation import (
    InvalidInput,
    check_json_object,
    check_paper,
    check_profile_name,
    check_rating,
    normalise_paper_id,
    parse_json,
    whole_number,
)

api = Blueprint("api", __name__, url_prefix="/api/v1")

MAX_PAGE = 200
MAX_SUGGESTIONS = 50
MAX_OFFSET = 10**9
TOP_TERMS = 15
IMPORT_PREVIEW = 10
MAX_SKIPPED_SHOWN = 100


def json_bytes() -> bytes:
    """The request's body, which must be sent as JSON."""
    if request.mimetype != "application/json":
        abort(415, "send the body as JSON with 'Content-Type: application/json'")
    return request.get_data()


def json_body() -> dict:
    return check_json_object(parse_json(json_bytes().decode(errors="replace")))


def int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    return whole_number(raw, f"'{name}'", low, high)


def rated_json(item: RatedPaper) -> dict[str, Any]:
    return {"paper": item.paper.as_dict(), "rating": item.rating, "rated_at": item.rated_at}


@api.get("/health")
def health() -> Any:
    return json_response({"status": "ok", "version": __version__})


@api.get("/openapi.json")
def openapi() -> Any:
    """This API's OpenAPI 3.1 description (needs the token, like every call but /health)."""
    limits = {"max_page": MAX_PAGE, "max_suggestions": MAX_SUGGESTIONS, "max_offset": MAX_OFFSET}
    return json_response(openapi_document(__version__, **limits))


@api.post("/score")
def score() -> Any:
    checked = score_arguments(get_score_requests(), json_bytes())  # a page sent again: no re-check
    return json_response(score_page(get_store(), get_models(), get_embeddings(), **checked))


@api.post("/feedback")
def feedback() -> Any:
    body = json_body()
    profile = check_profile_name(body.get("profile", DEFAULT_PROFILE))
    paper = check_paper(body.get("paper"))
    rating = check_rating(body.get("rating"))
    store = get_store()
    store.set_rating(profile, paper, rating)
    if not store.embeddings_for([paper.id]):
        get_embeddings().enqueue([paper.id])  # before any page: the model refits when it lands
    return json_response(readiness(store, profile))


@api.delete("/feedback/<profile>/<path:paper_id>")
def undo_feedback(profile: str, paper_id: str) -> Any:
    profile = check_profile_name(profile)
    store = get_store()
    store.delete_rating(profile, normalise_paper_id(paper_id))
    return json_response(readiness(store, profile))


@api.get("/profiles")
def list_profiles() -> Any:
    summaries = get_store().list_profiles()
    return json_response(
        {
            "profiles": [
                {
                    "name": s.name,
                    "labels": s.labels.as_dict(),
                    "papers_seen": s.papers_seen,
                    "created_at": s.created_at,
                }
                for s in summaries
            ]
        }
    )


@api.post("/profiles")
def create_profile() -> Any:
    name = check_profile_name(json_body().get("name"))
    summary = get_store().create_profile(name)
    return json_response({"name": summary.name, "labels": summary.labels.as_dict()}, 201)


@api.delete("/profiles/<profile>")
def delete_profile(profile: str) -> Any:
    profile = check_profile_name(profile)
    if profile == DEFAULT_PROFILE:
        raise InvalidInput("the 'default' profile cannot be deleted (delete its ratings instead)")
    get_store().delete_profile(profile)
    get_models().forget(profile)
    return json_response({"deleted": profile})


@api.post("/profiles/<profile>/rename")
def rename_profile(profile: str) -> Any:
    """Give a profile a new name; its ratings stay, its model is refitted under the new name."""
    profile = check_profile_name(profile)
    new_name = check_profile_name(json_body().get("name"))
    if DEFAULT_PROFILE in (profile, new_name):
        raise InvalidInput("the 'default' profile cannot be renamed, and no profile can take its name")
    summary = get_store().rename_profile(profile, new_name)
    get_models().forget(profile)
    return json_response({"name": summary.name, "renamed_from": profile, "labels": summary.labels.as_dict()})


@api.get("/profiles/<profile>")
def show_profile(profile: str) -> Any:
    profile = check_profile_name(profile)
    store = get_store()
    summary = store.profile(profile)
    models = get_models()
    model = models.current(store, profile) if summary.labels.needed == 0 else None
    top_terms = model.classifier.top_terms(k=TOP_TERMS) if model else {"for": [], "against": []}
    return json_response(
        {
            "name": summary.name,
            "created_at": summary.created_at,
            "labels": summary.labels.as_dict(),
            "papers_seen": summary.papers_seen,
            "model": {
                "ready": model is not None,
                "trained_at": model.trained_at if model else None,
                "quality": models.quality(model, store, profile) if model else None,
                "corpus_features": models.corpus_state(profile),
            },
            "embeddings": embedding_state(store, profile),
            "top_terms": top_terms,
        }
    )


def embedding_state(store: Store, profile: str) -> dict[str, Any]:
    """The sentence encoder, whether it runs, and how many of the profile's papers have vectors."""
    worker = get_embeddings().status()
    papers, embedded = store.corpus_counts(profile)
    return {
        "encoder": worker["encoder"],
        "version": worker["version"],
        "available": worker["available"],
        "state": worker["state"],
        "error": worker["error"],
        "papers": papers,
        "papers_with_vectors": embedded,
        "queue": worker["queue"],
    }


@api.get("/profiles/<profile>/ratings")
def list_ratings(profile: str) -> Any:
    profile = check_profile_name(profile)
    limit = int_arg("limit", 50, 1, MAX_PAGE)
    offset = int_arg("offset", 0, 0, MAX_OFFSET)
    query = request.args.get("q", "").strip()
    if len(query) > MAX_QUERY_LENGTH:
        raise InvalidInput(f"'q' is at most {MAX_QUERY_LENGTH} characters")
    rating = request.args.get("rating")
    if rating is not None and rating not in ("1", "-1"):
        raise InvalidInput("'rating' must be 1 (👍) or -1 (👎)")
    store = get_store()
    store.profile(profile)
    total, items = search_ratings(
        store, profile, query, None if rating is None else int(rating), limit, offset
    )
    return json_response(
        {
            "total": total,
            "limit": limit,
            "offset": offset,
            "ratings": [rated_json(item) for item in items],
        }
    )


@api.get("/profiles/<profile>/suggest")
def suggest(profile: str) -> Any:
    """Seen, unrated papers whose rating would teach the model most."""
    profile = check_profile_name(profile)
    limit = int_arg("limit", 10, 1, MAX_SUGGESTIONS)
    return json_response(suggestions(get_store(), get_models(), profile, limit))


@api.get("/profiles/<profile>/export")
def export_profile(profile: str) -> Any:
    profile = check_profile_name(profile)
    fmt = request.args.get("format", "json")
    if fmt not in EXPORT_FORMATS:
        raise InvalidInput(f"'format' must be one of {', '.join(EXPORT_FORMATS)}")
    store = get_store()
    store.profile(profile)
    text = export_ratings(profile, store.ratings(profile), fmt, store.rules(profile))
    mimetype = "application/json" if fmt == "json" else "text/csv"
    return Response(
        text,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="papersieve-{profile}.{fmt}"'},
    )


@api.post("/profiles/<profile>/import")
def import_profile(profile: str) -> Any:
    """A reader's library (as 👍) or a papersieve export; `?dry_run=true` reads it and writes nothing."""
    profile = check_profile_name(profile)
    dry_run = request.args.get("dry_run", "false").lower()
    if dry_run not in ("true", "false", "1", "0"):
        raise InvalidInput("'dry_run' must be true or false")
    fmt = request.args.get("format") or FORMAT_BY_CONTENT_TYPE.get(request.mimetype)
    if fmt is None:
        abort(
            415,
            "say what you import: a Content-Type (application/json, text/csv, application/x-bibtex, "
            "application/vnd.citationstyles.csl+json, application/x-research-info-systems, or "
            "text/plain or none to have it detected), or ?format=auto|json|csv|bibtex|csl-json|ris|arxiv-ids",
        )
    try:
        text = request.get_data(cache=False).decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInput("the body must be UTF-8 text") from None
    result = read_import(text, fmt)
    store = get_store()
    store.profile(profile)  # 404 for an unknown profile, in a dry run too
    dry = dry_run in ("true", "1")
    # rules first: past the rule limit nothing at all is imported
    new_rules = (
        []
        if dry
        else store.add_rules(profile, [rule.key() for rule in result.rules], MAX_RULES, skip_existing=True)
    )
    imported = 0 if dry else store.import_ratings(profile, result.rated)
    return json_response(
        {
            "imported": imported,
            "dry_run": dry_run in ("true", "1"),
            "format": result.format,
            "found": len(result.rated),
            "rules_found": len(result.rules),
            "rules_imported": len(new_rules),
            "merged": result.merged,
            "without_abstract": result.without_abstract,
            "skipped": [skip.as_dict() for skip in result.skipped[:MAX_SKIPPED_SHOWN]],
            "skipped_count": len(result.skipped),
            "first": [rated_json(item) for item in result.rated[:IMPORT_PREVIEW]],
            **readiness(store, profile),
        }
    )
