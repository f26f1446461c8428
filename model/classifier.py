"""The per-reader estimator: corpus TF-IDF + logistic regression shrunk toward a Rocchio prior."""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.model_selection import StratifiedKFold
from sklearn.utils.validation import check_is_fitted

from model.calibration import Sigmoid, fit_sigmoid
from model.corpus_cache import resolve_corpus
from model.explain import explain_rows, strongest_terms
from model.features import PreparedCorpus, paper_texts
from model.linear import LinearFit, fit_logistic

MIN_PER_CLASS_FOR_CV = 3
SEED = 0


class PaperClassifier(ClassifierMixin, BaseEstimator):
    """Scores papers (DataFrame with `title`, `abstract`) for one reader from 👍 (1) / 👎 (0) labels.

    Parameters
    ----------
    corpus : DataFrame, PreparedCorpus or None
        Unlabelled papers the TF-IDF space is fitted on (None: the training papers).
    C : float
        Inverse strength of the pull of the weights toward the prior direction.
    prior_weight : float
        Scale of the prior direction w0 = centroid(👍) - centroid(👎) (0: plain logistic regression).
    class_weight : "balanced" or None
        Weigh each class's loss by n / (2 n_class).
    calibration_folds : int
        Folds for the out-of-fold decision values the probability sigmoid is fitted on.
    """

    def __init__(self, corpus: PreparedCorpus | pd.DataFrame | None = None, C: float = 1.0,
                 prior_weight: float = 1.0, class_weight: str | None = "balanced",
                 calibration_folds: int = 5) -> None:
        self.corpus = corpus
        self.C = C
        self.prior_weight = prior_weight
        self.class_weight = class_weight
        self.calibration_folds = calibration_folds

    # --- fitting ---------------------------------------------------------------------------------

    def fit(self, X: pd.DataFrame, y: np.ndarray) -> PaperClassifier:
        papers = _as_papers(X)
        labels = _as_labels(y, len(papers))
        self.features_ = resolve_corpus(self.corpus, papers)
        rows = self.features_.transform(papers)
        solution = self._solve(rows, labels)
        self.coef_, self.intercept_ = solution.coef, solution.intercept
        self.calibrator_ = self._fit_calibrator(rows, labels)
        self.classes_ = np.array([0, 1])
        self.n_labels_ = {"up": int(labels.sum()), "down": int(len(labels) - labels.sum())}
        return self

    def _prior_direction(self, rows: sp.csr_matrix, labels: np.ndarray) -> np.ndarray:
        positive = labels == 1
        up = np.asarray(rows[positive].mean(axis=0)).ravel()
        down = np.asarray(rows[~positive].mean(axis=0)).ravel()
        return self.prior_weight * (up - down)

    def _solve(self, rows: sp.csr_matrix, labels: np.ndarray) -> LinearFit:
        prior = self._prior_direction(rows, labels)
        return fit_logistic(rows, prior, labels, self._sample_weight(labels), self.C)

    def _sample_weight(self, labels: np.ndarray) -> np.ndarray:
        if self.class_weight is None:
            return np.ones(len(labels))
        if self.class_weight != "balanced":
            raise ValueError(f"class_weight must be 'balanced' or None, not {self.class_weight!r}")
        counts = np.bincount(labels, minlength=2).astype(float)
        return (len(labels) / (2 * counts))[labels]

    def _fit_calibrator(self, rows: sp.csr_matrix, labels: np.ndarray) -> Sigmoid:
        smallest_class = int(np.bincount(labels, minlength=2).min())
        folds = min(self.calibration_folds, smallest_class)
        if folds < 2 or smallest_class < MIN_PER_CLASS_FOR_CV:
            in_sample = rows @ self.coef_ + self.intercept_
            return fit_sigmoid(in_sample, labels)
        out_of_fold = np.empty(len(labels))
        splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=SEED)
        for train, test in splitter.split(np.zeros(len(labels)), labels):
            solution = self._solve(rows[train], labels[train])
            out_of_fold[test] = rows[test] @ solution.coef + solution.intercept
        return fit_sigmoid(out_of_fold, labels)

    # --- scoring ---------------------------------------------------------------------------------

    def decision_function(self, X: pd.DataFrame) -> np.ndarray:
        check_is_fitted(self)
        return self._decision(self.features_.transform(_as_papers(X)))

    def _decision(self, rows: sp.csr_matrix) -> np.ndarray:
        return np.asarray(rows @ self.coef_).ravel() + self.intercept_

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        decision = self.decision_function(X)
        positive = self.calibrator_(decision)
        return np.column_stack([1 - positive, positive])

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        positive = self.predict_proba(X)[:, 1] >= 0.5
        return self.classes_[positive.astype(int)]

    def explain(self, X: pd.DataFrame, top_k: int = 5) -> list[dict[str, list[str]]]:
        """Per paper, its own terms that pushed its score up / down most for this reader."""
        check_is_fitted(self)
        rows = self.features_.transform(_as_papers(X))
        return explain_rows(rows, self.coef_, self.features_, top_k)

    def top_terms(self, k: int = 15) -> dict[str, list[str]]:
        """The profile's strongest terms for and against."""
        check_is_fitted(self)
        return strongest_terms(self.coef_, self.features_, k)

    def suggestion_order(self, X: pd.DataFrame) -> np.ndarray:
        """Indices of X, most informative to rate first (probability closest to 1/2)."""
        uncertainty = np.abs(self.predict_proba(X)[:, 1] - 0.5)
        return np.argsort(uncertainty, kind="stable")


def _as_papers(X: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(X, pd.DataFrame):
        raise TypeError("papers must be a pandas DataFrame with columns title and abstract, "
                        f"not {type(X).__name__}")
    paper_texts(X)  # raises a clear ValueError when a column is missing
    return X


def _as_labels(y: np.ndarray, n_papers: int) -> np.ndarray:
    labels = np.asarray(y)
    if labels.ndim != 1 or len(labels) != n_papers:
        raise ValueError(f"need one label per paper: {n_papers} papers, labels of shape {labels.shape}")
    if not np.isin(labels, [0, 1]).all():
        raise ValueError("labels must be 1 (👍) or 0 (👎)")
    labels = labels.astype(int)
    if labels.min() == labels.max():
        raise ValueError("need at least one 👍 (1) and one 👎 (0) to fit")
    return labels
