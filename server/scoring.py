"""The model work behind /score and /suggest: readiness, the model's input frame, a page's scores
with their reasons and provisional flag, and the papers to rate next. Routes call these; each rule
is written here once."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from model.classifier import uncertainty_order
from server.embedding_worker import EmbeddingWorker
from server.page_reads import page_reads, record_seen
from server.profile_corpus import MODEL_COLUMNS
from server.profile_models import ProfileModels
from server.rules import match_page, rule_reason
from server.store import Paper, Store

REASONS_UP = 4
REASONS_DOWN = 3
SUGGESTION_POOL = 2_000
# When to ask again for provisional scores: the embedding worker's estimate for the page, plus the
# refit once its last vector lands; within these bounds (a refit under way still takes a while).
SETTLE_MS = 300
REFINE_AFTER_MIN_MS = 1_000
REFINE_AFTER_MAX_MS = 15_000


def readiness(store: Store, profile: str) -> dict[str, Any]:
    """Whether the profile can be scored (one 👍 and one 👎), its label counts and how many more
    kinds of rating it needs."""
    labels = store.label_counts(profile)
    return {"ready": labels.needed == 0, "labels": labels.as_dict(), "needed": labels.needed}


def papers_frame(papers: list[Paper], vectors: dict[str, np.ndarray]) -> pd.DataFrame:
    """The model's input: title, abstract, and each paper's stored vector or None (provisional)."""
    return pd.DataFrame(
        {
            "title": [p.title for p in papers],
            "abstract": [p.abstract for p in papers],
            "embedding": pd.Series([vectors.get(p.id) for p in papers], dtype="object"),
        }
    )


def refine_after_ms(embeddings: EmbeddingWorker, missing: list[str]) -> int | None:
    """How long the extension should wait before asking again for this page's provisional scores,
    or None when the encoder is not working (they stay provisional; the extension backs off)."""
    seconds = embeddings.seconds_until_embedded(missing)
    if seconds is None:
        return None
    return int(min(REFINE_AFTER_MAX_MS, max(REFINE_AFTER_MIN_MS, seconds * 1000 + SETTLE_MS)))


def score_page(
    store: Store,
    models: ProfileModels,
    embeddings: EmbeddingWorker,
    profile: str,
    papers: list[Paper],
    authors: dict[str, str] | None = None,
) -> dict[str, Any]:
    """/score's reply: readiness and, per paper, its score, reasons, rating and provisional flag,
    and the profile's winning rule when one matches (server/rules.py; before the model is ready
    too). Never waits for the encoder: papers without a vector are queued and scored provisionally,
    and `refine_after_ms` says when asking again should find them final."""
    record_seen(store, profile, papers)
    ids = [paper.id for paper in papers]
    reads = page_reads(store, profile, ids)  # unchanged database, same page: no query (page_reads.py)
    matched = match_page(reads.rules, papers, authors or {})
    labels = reads.labels
    state = {"ready": labels.needed == 0, "labels": labels.as_dict(), "needed": labels.needed}
    ratings, vectors = reads.ratings, reads.vectors
    missing = [paper_id for paper_id in ids if paper_id not in vectors]
    embeddings.enqueue(missing)
    generation = embeddings.embedded
    model = models.current(store, profile, generation, stale_ok=True) if state["ready"] else None
    # Scores are final once every paper of this page and every rated paper has its vector and the
    # corpus features need no refit for the vectors that arrived: until then the model itself still
    # changes, and a card marked final early would keep a stale score that is never asked for again.
    final = len(vectors) == len(set(ids)) and (
        model is None
        or (model.embedded_labels >= model.n_labels and models.settled(store, profile, model, generation))
    )
    scores: list[dict[str, Any]] = []
    if model is not None and papers:
        top_k = max(REASONS_UP, REASONS_DOWN)  # each paper scored once per model (score_cache.py)
        probabilities, reasons = model.scores.score_and_explain(model.classifier, papers, vectors, top_k)
    for index, paper in enumerate(papers):
        entry: dict[str, Any] = {"id": paper.id, "score": None, "reasons": [], "reasons_against": []}
        if model is not None:
            entry["score"] = round(float(probabilities[index]), 4)
            entry["reasons"] = reasons[index]["up"][:REASONS_UP]
            entry["reasons_against"] = reasons[index]["down"][:REASONS_DOWN]
            entry["words_share"] = reasons[index]["words_share"]
        entry["rating"] = ratings.get(paper.id)
        entry["provisional"] = not final
        if paper.id in matched:  # the verdict's override; the score stays the model's
            entry["rule"] = rule_reason(matched[paper.id])
        scores.append(entry)
    state["ready"] = model is not None
    reply: dict[str, Any] = {**state, "scores": scores}
    if not final:
        hint = refine_after_ms(embeddings, missing)
        if hint is not None:
            reply["refine_after_ms"] = hint
    return reply


def suggestions(store: Store, models: ProfileModels, profile: str, limit: int) -> dict[str, Any]:
    """Seen, unrated papers whose rating would teach the model most (P(👍) nearest ½), scored once."""
    model = models.current(store, profile) if store.label_counts(profile).needed == 0 else None
    if model is None:
        return {"ready": False, "papers": []}
    pool = store.unrated_seen(profile, SUGGESTION_POOL)
    if pool.empty:
        return {"ready": True, "papers": []}
    probabilities = model.classifier.predict_proba(pool[MODEL_COLUMNS])[:, 1]
    chosen = uncertainty_order(probabilities)[:limit]
    return {
        "ready": True,
        "papers": [
            {
                "paper": Paper(*pool.loc[i, ["id", "title", "abstract", "url"]]).as_dict(),
                "score": round(float(probabilities[i]), 4),
            }
            for i in chosen
        ],
    }
