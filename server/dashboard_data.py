"""What the extension's dashboard plots and lists: label counts by day, the model's learning curve,
and the rated papers searched by title and filtered by rating."""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split

from server.profile_corpus import MODEL_COLUMNS
from server.profile_quality import QUALITY_MIN_PER_CLASS
from server.store import Paper, RatedPaper, Store

CURVE_POINTS = 5  # training sizes on the learning curve
CURVE_MAX_TRAIN = 1_000  # the largest training sample fitted for a point (bounds the time)
CURVE_MAX_TEST = 500  # the held-out papers every point is scored on
CURVE_CACHE_SIZE = 16
MAX_QUERY_LENGTH = 200

_curves: dict[tuple[str, str, int, str], list[dict[str, Any]]] = {}
_curves_lock = threading.Lock()


def label_history(store: Store, profile: str) -> list[dict[str, Any]]:
    """Ratings per day (by the day each current rating was made, UTC) with running totals."""
    profile_id = store._profile_id(profile)
    rows = store.db.execute(
        """SELECT substr(rated_at, 1, 10) AS day, coalesce(sum(rating = 1), 0), coalesce(sum(rating = -1), 0)
           FROM ratings WHERE profile_id = ? GROUP BY day ORDER BY day""",
        (profile_id,),
    ).fetchall()
    days, total_up, total_down = [], 0, 0
    for day, up, down in rows:
        total_up += up
        total_down += down
        days.append({"day": day, "up": up, "down": down, "total_up": total_up, "total_down": total_down})
    return days


def curve_sizes(n_train: int, points: int = CURVE_POINTS) -> list[int]:
    """Training sizes from 10 (or fewer) up to min(n_train, CURVE_MAX_TRAIN), spaced geometrically."""
    top = min(n_train, CURVE_MAX_TRAIN)
    low = min(10, top)
    if top <= low:
        return [top] if top > 0 else []
    sizes = np.unique(np.geomspace(low, top, points).round().astype(int))
    return [int(size) for size in sizes]


def learning_curve(classifier: Any, labelled: pd.DataFrame, seed: int = 0) -> list[dict[str, Any]]:
    """Held-out ROC AUC of the classifier fitted on growing samples of the rated papers: one fixed
    stratified test split, each training sample drawn from the rest. Empty when a class has fewer
    than QUALITY_MIN_PER_CLASS ratings, like the cross-validated quality."""
    y = labelled["label"].to_numpy()
    if min(int((y == 1).sum()), int((y == 0).sum())) < QUALITY_MIN_PER_CLASS:
        return []
    X = labelled[[c for c in MODEL_COLUMNS if c in labelled.columns]].reset_index(drop=True)
    test_size = min(CURVE_MAX_TEST, max(2, len(y) // 4))
    train_idx, test_idx = train_test_split(
        np.arange(len(y)), test_size=test_size, stratify=y, random_state=seed
    )
    rng = np.random.default_rng(seed)
    order = rng.permutation(train_idx)
    points = []
    for size in curve_sizes(len(order)):
        sample = _with_both_classes(order, y, size)
        if sample is None:
            continue
        fitted = clone(classifier).fit(X.iloc[sample], y[sample])
        auc = roc_auc_score(y[test_idx], fitted.predict_proba(X.iloc[test_idx])[:, 1])
        points.append({"labels": int(size), "auc": round(float(auc), 4)})
    return points


def _with_both_classes(order: np.ndarray, y: np.ndarray, size: int) -> np.ndarray | None:
    """The first `size` of `order`, with its last ones swapped for the first of a missing class."""
    sample = order[:size].copy()
    for label in (0, 1):
        if not (y[sample] == label).any():
            others = order[size:][y[order[size:]] == label]
            if len(others) == 0 or size < 2:
                return None
            sample[-1 - label] = others[0]
    return sample if (y[sample] == 0).any() and (y[sample] == 1).any() else None


def cached_learning_curve(
    store: Store, profile: str, classifier: Any, revision: int, created_at: str
) -> list[dict[str, Any]]:
    """The learning curve for this profile's ratings, computed once per rating revision (not again
    when only sentence vectors arrived) of the profile created at `created_at`."""
    key = (str(store.data_dir), profile, revision, created_at)
    with _curves_lock:
        if key in _curves:
            return _curves[key]
    curve = learning_curve(classifier, store.labelled_papers(profile))
    with _curves_lock:
        if len(_curves) >= CURVE_CACHE_SIZE:
            _curves.pop(next(iter(_curves)))
        _curves[key] = curve
    return curve


def search_ratings(
    store: Store, profile: str, query: str, rating: int | None, limit: int, offset: int
) -> tuple[int, list[RatedPaper]]:
    """How many of the profile's ratings match, and one page of them (newest first): titles
    containing `query` (case-insensitive for ASCII), ratings equal to `rating` when given."""
    profile_id = store._profile_id(profile)
    where = ["r.profile_id = ?"]
    params: list[Any] = [profile_id]
    if query:
        escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        where.append("p.title LIKE ? ESCAPE '\\'")
        params.append(f"%{escaped}%")
    if rating is not None:
        where.append("r.rating = ?")
        params.append(rating)
    clause = " AND ".join(where)
    joined = f"FROM ratings r JOIN papers p ON p.id = r.paper_id WHERE {clause}"
    (total,) = store.db.execute(f"SELECT count(*) {joined}", params).fetchone()
    rows = store.db.execute(
        f"""SELECT p.id, p.title, p.abstract, p.url, r.rating, r.rated_at {joined}
            ORDER BY r.rated_at DESC, p.id LIMIT ? OFFSET ?""",
        [*params, limit, offset],
    ).fetchall()
    return total, [RatedPaper(Paper(*row[:4]), row[4], row[5]) for row in rows]
