"""Ranking metrics: per-page AUC / precision@5 / nDCG@10 (citeulike-t) and the expertise pair-cost loss."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import roc_auc_score

PAGE_METRICS = ("auc", "p@5", "ndcg@10")


def page_metrics(scores: np.ndarray, relevant: np.ndarray) -> dict[str, float]:
    """Metrics of one page ranked by descending score (stable sort over the page's shuffled order)."""
    scores = np.asarray(scores, dtype=float)
    relevant = np.asarray(relevant, dtype=bool)
    ranked = relevant[np.argsort(-scores, kind="stable")]
    gains = 1 / np.log2(np.arange(2, 12))
    return {
        "auc": float(roc_auc_score(relevant, scores)),
        "p@5": float(ranked[:5].mean()),
        "ndcg@10": float((ranked[:10] * gains).sum() / gains[: relevant.sum()].sum()),
    }


def pair_costs(expertise: np.ndarray, scores: np.ndarray) -> tuple[float, float]:
    """(sum of pair costs, sum of pair weights) for one participant, per expertise-dev/README.md."""
    e, s = np.asarray(expertise, float), np.asarray(scores, float)
    i, j = np.triu_indices(len(e), k=1)
    w = np.abs(e[i] - e[j])
    agree = np.sign(e[i] - e[j]) * np.sign(s[i] - s[j])
    return float((w * (agree < 0) + 0.5 * w * (agree == 0)).sum()), float(w.sum())
