"""The per-reader estimator: logistic regression shrunk toward a Rocchio prior, in two feature spaces.

A paper x has term features t(x) and latent features z(x) (see features.py). Its decision value is

    d(x) = t(x) . w + sqrt(latent_weight) * z(x) . u + b

The prior is Rocchio's: w0 = prior_strength * (mean t(👍) - corpus_weight * mean t(corpus)), and
likewise for u0 in the latent space; the unrated corpus papers act as weak negatives. Logistic
regression on the labelled papers, penalised by ||(w, u) - (w0, u0)||^2 / (2 C), then corrects
the prior as labels accumulate: with 1-3 ratings the prior decides, with hundreds the data do.
"""

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
from model.features import Encoded, PreparedCorpus, paper_texts
from model.linear import LinearFit, fit_logistic

MIN_PER_CLASS_FOR_CV = 3
FEWER_FOLDS_FROM = 50
PAGE_BASE_RATE = 0.05
TYPICAL_UP_PER_DOWN = 0.5
SEED = 0


class PaperClassifier(ClassifierMixin, BaseEstimator):
    """Scores papers (DataFrame with `title`, `abstract`) for one reader from 👍 (1) / 👎 (0) labels.

    Parameters
    ----------
    corpus : DataFrame, PreparedCorpus or None
        Unlabelled papers the feature spaces are fitted on (None: the training papers).
    C : float
        How far the weights may move from the prior (larger: the labels count more).
    prior_strength : float
        Scale of the Rocchio prior direction (0: plain logistic regression).
    latent_weight : float
        Weight of latent-space similarity relative to term similarity.
    corpus_weight : float
        How much of the corpus centroid is subtracted from the 👍 centroid in the prior.
    class_weight : "balanced" or None
        Weigh each class's loss by n / (2 n_class).
    calibration_folds : int
        Folds for the out-of-fold decision values the probability sigmoid is fitted on.
    page_base_rate : float or None
        The share of papers on a digest page the reader wants ("a hundred abstracts, five of which
        matter"). The sigmoid fitted on the ratings is calibrated to their 👍:👎 mix; its odds are
        moved from a typical mix (one 👍 per two 👎) to this base rate, so that a score reads as the
        chance of a 👍 on a digest page. None keeps the ratings' own scale.
    """

    def __init__(self, corpus: PreparedCorpus | pd.DataFrame | None = None, C: float = 1.0,
                 prior_strength: float = 10.0, latent_weight: float = 0.25, corpus_weight: float = 1.0,
                 class_weight: str | None = "balanced", calibration_folds: int = 5,
                 page_base_rate: float | None = PAGE_BASE_RATE) -> None:
        self.corpus = corpus
        self.C = C
        self.prior_strength = prior_strength
        self.latent_weight = latent_weight
        self.corpus_weight = corpus_weight
        self.class_weight = class_weight
        self.calibration_folds = calibration_folds
        self.page_base_rate = page_base_rate

    # --- fitting ---------------------------------------------------------------------------------

    def fit(self, X: pd.DataFrame, y: np.ndarray) -> PaperClassifier:
        papers = _as_papers(X)
        labels = _as_labels(y, len(papers))
        if self.class_weight not in ("balanced", None):
            raise ValueError(f"class_weight must be 'balanced' or None, not {self.class_weight!r}")
        self.features_ = resolve_corpus(self.corpus, papers)
        encoded = self.features_.encode(papers)
        terms, latent = self._blocks(encoded)
        solution = self._solve(terms, latent, labels, encoded.own)
        self.coef_ = solution.term_coef
        self.latent_coef_ = solution.dense_coef
        self.intercept_ = solution.intercept
        calibrator = self._fit_calibrator(terms, latent, labels, encoded.own, solution)
        self.calibrator_ = self._shift_to_page_base_rate(calibrator)
        self.classes_ = np.array([0, 1])
        self.n_labels_ = {"up": int(labels.sum()), "down": int(len(labels) - labels.sum())}
        self.latent_term_weights_ = self._latent_term_weights()
        self.term_weights_ = self.coef_ + self.latent_term_weights_
        self.liked_terms_ = _columns_used(encoded.own[labels == 1])
        self.disliked_terms_ = _columns_used(encoded.own[labels == 0])
        return self

    def _blocks(self, encoded: Encoded) -> tuple[sp.csr_matrix, np.ndarray]:
        """Term rows and latent rows scaled by sqrt(latent_weight): one linear model covers both."""
        return encoded.terms, np.sqrt(self.latent_weight) * encoded.latent

    def _solve(self, terms: sp.csr_matrix, latent: np.ndarray, labels: np.ndarray,
               own: sp.csr_matrix, start: LinearFit | None = None) -> LinearFit:
        """The prior covers the expanded rows' every term; the labels move the weights of the rated
        papers' own terms only (few columns: fits stay fast, and a neighbour's word keeps its prior)."""
        liked = labels == 1
        corpus = self.features_
        term_prior = np.asarray(terms[liked].mean(axis=0)).ravel() - self.corpus_weight * corpus.term_mean
        latent_mean = np.sqrt(self.latent_weight) * corpus.latent_mean
        latent_prior = latent[liked].mean(axis=0) - self.corpus_weight * latent_mean
        strength = self.prior_strength
        return fit_logistic(terms, latent, strength * term_prior, strength * latent_prior, labels,
                            self._sample_weight(labels), self.C, free_columns=_columns_used(own), start=start)

    def _sample_weight(self, labels: np.ndarray) -> np.ndarray:
        if self.class_weight is None:
            return np.ones(len(labels))
        counts = np.bincount(labels, minlength=2).astype(float)
        return (len(labels) / (2 * counts))[labels]

    def _fit_calibrator(self, terms: sp.csr_matrix, latent: np.ndarray, labels: np.ndarray,
                        own: sp.csr_matrix, solution: LinearFit) -> Sigmoid:
        smallest_class = int(np.bincount(labels, minlength=2).min())
        folds = min(self.calibration_folds, smallest_class)
        if smallest_class >= FEWER_FOLDS_FROM:  # plenty of out-of-fold values either way; refits stay fast
            folds = min(folds, 3)
        if folds < 2 or smallest_class < MIN_PER_CLASS_FOR_CV:
            return fit_sigmoid(solution.decision(terms, latent), labels)
        out_of_fold = np.empty(len(labels))
        splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=SEED)
        for train, test in splitter.split(np.zeros(len(labels)), labels):
            fold = self._solve(terms[train], latent[train], labels[train], own[train], start=solution)
            out_of_fold[test] = fold.decision(terms[test], latent[test])
        return fit_sigmoid(out_of_fold, labels)

    def _shift_to_page_base_rate(self, sigmoid: Sigmoid) -> Sigmoid:
        """Move the odds from a typical ratings mix (one 👍 per two 👎) to a page's base rate.

        The shift is a constant, not the reader's own 👍:👎 ratio: with the ratio, one more 👎
        could raise that very paper's score (the whole page's odds move up with the ratio)."""
        if self.page_base_rate is None:
            return sigmoid
        if not 0 < self.page_base_rate < 1:
            raise ValueError(f"page_base_rate must be between 0 and 1, not {self.page_base_rate!r}")
        shift = np.log(self.page_base_rate / (1 - self.page_base_rate)) - np.log(TYPICAL_UP_PER_DOWN)
        return Sigmoid(slope=sigmoid.slope, offset=sigmoid.offset + float(shift))

    def _latent_term_weights(self) -> np.ndarray:
        """Latent weights mapped back onto the term columns: V^T u (zero outside the SVD's columns)."""
        weights = np.zeros(self.features_.n_features)
        latent = self.features_.latent
        if latent is not None:
            weights[latent.columns] = np.sqrt(self.latent_weight) * (latent.components.T @ self.latent_coef_)
        return weights

    # --- scoring ---------------------------------------------------------------------------------

    def _encode(self, X: pd.DataFrame) -> Encoded:
        check_is_fitted(self)
        return self.features_.encode(_as_papers(X))

    def _decision(self, encoded: Encoded) -> np.ndarray:
        terms, latent = self._blocks(encoded)
        return terms @ self.coef_ + latent @ self.latent_coef_ + self.intercept_

    def decision_function(self, X: pd.DataFrame) -> np.ndarray:
        return self._decision(self._encode(X))

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        decision = self.decision_function(X)  # checks that the model is fitted first
        positive = self.calibrator_(decision)
        return np.column_stack([1 - positive, positive])

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        positive = self.predict_proba(X)[:, 1] >= 0.5
        return self.classes_[positive.astype(int)]

    def explain(self, X: pd.DataFrame, top_k: int = 5) -> list[dict[str, list[str]]]:
        """Per paper, its own terms that pushed its score up / down most for this reader."""
        encoded = self._encode(X)
        return explain_rows(encoded.own, self._contributions(encoded, encoded.own), self.features_, top_k)

    def _contributions(self, encoded: Encoded, rows: sp.csr_matrix | None = None) -> np.ndarray:
        """Each stored term's exact share of the decision value (aligned with rows.data), for the
        expanded rows (default: the shares add up to the decision value less the intercept) or for
        a part of them such as the paper's own terms (encoded.own).

        Term part: t_j w_j. Latent part: z(x) . u = sum_j t_j (V^T u)_j / ||t V^T||, so term j
        carries t_j (V^T u)_j / ||t V^T|| of it."""
        rows = encoded.terms if rows is None else rows
        norms = encoded.latent_norms
        inverse = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
        row_of_entry = np.repeat(np.arange(rows.shape[0]), np.diff(rows.indptr))
        latent_weights = self.latent_term_weights_[rows.indices] * inverse[row_of_entry]
        return rows.data * (self.coef_[rows.indices] + latent_weights)

    def top_terms(self, k: int = 15) -> dict[str, list[str]]:
        """The profile's strongest terms for (among the 👍 papers' words) and against (among the 👎
        papers' words)."""
        check_is_fitted(self)
        return strongest_terms(self.term_weights_, self.features_, k, self.liked_terms_, self.disliked_terms_)

    def suggestion_order(self, X: pd.DataFrame) -> np.ndarray:
        """Indices of X, most informative to rate first (probability closest to 1/2)."""
        uncertainty = np.abs(self.predict_proba(X)[:, 1] - 0.5)
        return np.argsort(uncertainty, kind="stable")


def _columns_used(rows: sp.csr_matrix) -> np.ndarray:
    """Boolean mask of the term columns that occur in any of the rows."""
    return np.bincount(rows.indices, minlength=rows.shape[1]) > 0


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
