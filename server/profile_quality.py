"""Cross-validated ranking quality of a profile's model on its own ratings (the dashboard's and
`papersieve eval --profile`'s)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold

from server.profile_corpus import MODEL_COLUMNS

QUALITY_MIN_PER_CLASS = 5


def cross_validated_quality(classifier: Any, labelled: pd.DataFrame, folds: int = 5) -> dict:
    """Mean ROC AUC over stratified folds of the rated papers (empty when too few of a class)."""
    y = labelled["label"].to_numpy()
    minority = int(min((y == 1).sum(), (y == 0).sum()))
    if minority < QUALITY_MIN_PER_CLASS:
        return {}
    splitter = StratifiedKFold(n_splits=min(folds, minority), shuffle=True, random_state=0)
    X = labelled[[c for c in MODEL_COLUMNS if c in labelled.columns]].reset_index(drop=True)
    aucs = []
    for train, test in splitter.split(X, y):
        fold_model = clone(classifier).fit(X.iloc[train], y[train])
        aucs.append(roc_auc_score(y[test], fold_model.predict_proba(X.iloc[test])[:, 1]))
    return {
        "metric": "roc_auc",
        "mean": round(float(np.mean(aucs)), 4),
        "std": round(float(np.std(aucs)), 4),
        "folds": len(aucs),
    }
