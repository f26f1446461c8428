"""Ranking methods as scorers: a scorer maps one RankingTask to one score per page item (higher = better).

The reference baselines are those of citeulike-t/evaluate_reference.py (same hyperparameters, same
random-score seeding), except that liblinear's shuffling is seeded (random_state=0): the reference
leaves it to numpy's unseeded global generator, so its SVM/logreg per-user values can change from one
process to the next in rare near-ties. ``classifier_scorer`` runs any estimator factory with
papersieve's interface (``make_classifier``), passing ``corpus=`` when the factory accepts that
keyword, as the reference hook does.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC

OURS = "ours"
RANDOM = "random"
TFIDF_ROCCHIO = "rocchio-tfidf"
EMBEDDING_ROCCHIO = "rocchio-embedding"
TERMS_ONLY = "terms-only model"
DEFAULT_CLASSIFIER = "model:make_classifier"


@dataclass(frozen=True)
class RankingTask:
    """Label the positives 1 and the negatives 0, then score the page (all are item row indices)."""

    positives: np.ndarray
    negatives: np.ndarray
    page: np.ndarray
    random_key: tuple[int, ...]  # seeds the random baseline, e.g. (user, n)


Scorer = Callable[[RankingTask], np.ndarray]


def random_scorer(seed: int) -> Scorer:
    return lambda task: np.random.default_rng([seed, *task.random_key]).random(len(task.page))


def rocchio_scorer(tfidf: sp.csr_matrix) -> Scorer:
    """Cosine to the mean of the positive rows (rows are L2-normalised); negatives are ignored."""
    return lambda task: tfidf[task.page] @ np.asarray(tfidf[task.positives].mean(axis=0)).ravel()


def embedding_rocchio_scorer(embeddings: np.ndarray) -> Scorer:
    """Cosine to the mean of the positives' sentence embeddings (L2 rows); negatives are ignored."""
    vectors = np.asarray(embeddings, dtype=np.float64)
    return lambda task: vectors[task.page] @ vectors[task.positives].mean(axis=0)


def linear_scorer(tfidf: sp.csr_matrix, make_estimator: Callable[[], Any]) -> Scorer:
    """A linear model fitted on the labelled rows, ranked by decision_function."""

    def score(task: RankingTask) -> np.ndarray:
        rows = np.concatenate([task.positives, task.negatives])
        y = np.r_[np.ones(len(task.positives)), np.zeros(len(task.negatives))]
        return make_estimator().fit(tfidf[rows], y).decision_function(tfidf[task.page])

    return score


def reference_baselines(tfidf: sp.csr_matrix, seed: int) -> dict[str, Scorer]:
    """random, Rocchio, arxiv-sanity-lite's SVM and logistic regression on one shared TF-IDF."""
    return {
        RANDOM: random_scorer(seed),
        TFIDF_ROCCHIO: rocchio_scorer(tfidf),
        "svm-tfidf (arxiv-sanity-lite)": linear_scorer(
            tfidf,
            lambda: LinearSVC(C=0.01, class_weight="balanced", max_iter=10000, tol=1e-6, random_state=0),
        ),
        "logreg-tfidf": linear_scorer(
            tfidf,
            lambda: LogisticRegression(
                C=1.0, class_weight="balanced", solver="liblinear", dual=True, random_state=0
            ),
        ),
    }


def load_factory(spec: str = DEFAULT_CLASSIFIER) -> Callable[..., Any]:
    """Import `module:function` (function defaults to make_classifier)."""
    module_name, _, func_name = spec.partition(":")
    try:
        return getattr(importlib.import_module(module_name), func_name or "make_classifier")
    except (ImportError, AttributeError) as error:
        raise ValueError(f"cannot load classifier factory {spec!r}: {error}") from None


def corpus_preparer(spec: str = DEFAULT_CLASSIFIER) -> Callable[[pd.DataFrame], Any] | None:
    """The factory module's `prepare_corpus`, if it has one (papersieve's model does)."""
    module_name = spec.partition(":")[0]
    return getattr(importlib.import_module(module_name), "prepare_corpus", None)


def classifier_builder(
    factory: Callable[..., Any],
    corpus: pd.DataFrame | None,
    prepare: Callable[[pd.DataFrame], Any] | None = None,
) -> Callable[[], Any]:
    """A no-argument maker of fresh estimators; passes corpus= only if the factory takes it.

    With `prepare` (e.g. model.prepare_corpus) the corpus is prepared once here and every estimator
    gets the prepared object, which make_classifier accepts in place of the DataFrame; this skips
    hashing the 26,000-paper frame on each of the hundreds of calls."""
    try:
        wants_corpus = "corpus" in inspect.signature(factory).parameters
    except (TypeError, ValueError):
        wants_corpus = False
    if not wants_corpus or corpus is None:
        return factory
    given = prepare(corpus) if prepare is not None else corpus
    return lambda: factory(corpus=given)


def fit_classifier(
    make: Callable[[], Any], texts: pd.DataFrame, positives: np.ndarray, negatives: np.ndarray
) -> Any:
    train = texts.iloc[np.concatenate([positives, negatives])].reset_index(drop=True)
    y = np.r_[np.ones(len(positives), int), np.zeros(len(negatives), int)]
    return make().fit(train, y)


def positive_proba(clf: Any, frame: pd.DataFrame) -> np.ndarray:
    """P(thumbs-up) per row: predict_proba's column of class 1 (found through classes_)."""
    proba = np.asarray(clf.predict_proba(frame.reset_index(drop=True)))
    classes = list(getattr(clf, "classes_", [0, 1]))
    return proba[:, classes.index(1)]


def classifier_scorer(make: Callable[[], Any], texts: pd.DataFrame) -> Scorer:
    """Fit a fresh estimator per task on the labelled texts; score the page by P(thumbs-up)."""

    def score(task: RankingTask) -> np.ndarray:
        clf = fit_classifier(make, texts, task.positives, task.negatives)
        return positive_proba(clf, texts.iloc[task.page])

    return score


def terms_only_maker(make: Callable[[], Any]) -> Callable[[], Any]:
    """Our estimator with the embedding space switched off and no 👎 centroid in its prior: the
    model as it was before sentence embeddings (same rankings), on the same prepared corpus."""
    return lambda: make().set_params(embedding_weight=0.0, dislike_weight=0.0)
