"""The per-reader estimator: logistic regression shrunk toward a Rocchio prior, in three feature spaces.

A paper x has term features t(x), latent features z(x) (see features.py) and a sentence embedding
e(x) (model/embedding.py; centred on the corpus mean and expanded with its corpus neighbours,
model/embedding_neighbours.py; zero while the paper has none). Its decision value is

    d(x) = t(x) . w + sqrt(latent_weight) * z(x) . u + sqrt(embedding_weight) * e(x) . v + b

The prior is Rocchio's, in every space: the centroid of the 👍 papers, minus corpus_weight times the
corpus centroid (the unrated papers act as weak negatives), minus dislike_weight times the 👎
papers' centroid's departure from the corpus centroid, times prior_strength; in the embedding space
the 👍 centroid also gets the mean of its nearest corpus papers, counted as feedback_papers more 👍
(pseudo-relevance feedback, model/prior.py). Logistic regression on the labelled papers, penalised
by ||(w, u, v) - prior||^2 / (2 C), then corrects the prior as labels accumulate: with 1-3 ratings
the prior decides, with hundreds the data do.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.model_selection import StratifiedKFold
from sklearn.utils.validation import check_is_fitted

from model.calibration import FoldCalibration, Sigmoid, anchored_to_mean, prior_sigmoid
from model.corpus_cache import resolve_corpus
from model.embedding import DIMENSIONS
from model.embedding_space import embedding_rows
from model.encoded import Encoded
from model.explain import Explanations
from model.features import PreparedCorpus
from model.inputs import as_labels, as_papers
from model.linear import LinearFit, fit_logistic
from model.prior import columns_used, rocchio_prior

MIN_PER_CLASS_FOR_CV = 3
FEWER_FOLDS_FROM = 50
PAGE_BASE_RATE = 0.05
SEED = 0
EMBEDDING_WEIGHT = 1.0
DISLIKE_WEIGHT = 0.25
FEEDBACK_PAPERS = 1.0


class PaperClassifier(Explanations, ClassifierMixin, BaseEstimator):
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
    embedding_weight : float
        Weight of sentence-embedding similarity relative to term similarity (0: terms only, the
        model before embeddings).
    dislike_weight : float
        How much of the 👎 centroid's departure from the corpus centroid the prior subtracts.
    feedback_papers : float
        How many 👍 papers the mean of the corpus papers nearest the 👍 centroid counts as in the
        embedding prior (pseudo-relevance feedback: it fades as 👍 accumulate; 0: none).
    class_weight : "balanced" or None
        Weigh each class's loss by n / (2 n_class).
    calibration_folds : int
        Folds for the out-of-fold decision values the probability sigmoid is fitted on.
    page_base_rate : float or None
        The share of papers on a digest page the reader wants ("a hundred abstracts, five of which
        matter"). The probabilities are anchored so that the corpus's papers (the pages this reader
        has seen) average this rate, so that a score reads as the chance of a 👍 on a digest page,
        whatever the ratings' own 👍:👎 mix. None keeps the ratings' own scale.
    warm_start : bool
        Refit from the last fit's state when it was on the same corpus features (scikit-learn's
        warm_start): the main solve starts at its solution, and its fold calibration is kept while
        the class counts stay within a tenth of those it was fitted at (FoldCalibration). The server
        refits this way after each rating; the ranking is the cold fit's up to the solver's
        tolerance.
    """

    def __init__(
        self,
        corpus: PreparedCorpus | pd.DataFrame | None = None,
        C: float = 1.0,
        prior_strength: float = 10.0,
        latent_weight: float = 0.25,
        corpus_weight: float = 1.0,
        embedding_weight: float = EMBEDDING_WEIGHT,
        dislike_weight: float = DISLIKE_WEIGHT,
        feedback_papers: float = FEEDBACK_PAPERS,
        class_weight: str | None = "balanced",
        calibration_folds: int = 5,
        page_base_rate: float | None = PAGE_BASE_RATE,
        warm_start: bool = False,
    ) -> None:
        self.corpus = corpus
        self.C = C
        self.prior_strength = prior_strength
        self.latent_weight = latent_weight
        self.corpus_weight = corpus_weight
        self.embedding_weight = embedding_weight
        self.dislike_weight = dislike_weight
        self.feedback_papers = feedback_papers
        self.class_weight = class_weight
        self.calibration_folds = calibration_folds
        self.page_base_rate = page_base_rate
        self.warm_start = warm_start

    def __setstate__(self, state: dict) -> None:
        state.setdefault("warm_start", False)  # models saved before the parameters existed
        state.setdefault("feedback_papers", 0.0)  # (as they were fitted)
        super().__setstate__(state)

    def fit(self, X: pd.DataFrame, y: np.ndarray) -> PaperClassifier:
        papers = as_papers(X)
        labels = as_labels(y, len(papers))
        if self.class_weight not in ("balanced", None):
            raise ValueError(f"class_weight must be 'balanced' or None, not {self.class_weight!r}")
        if min(self.embedding_weight, self.dislike_weight, self.feedback_papers) < 0:
            raise ValueError("embedding_weight, dislike_weight and feedback_papers must be >= 0")
        features = resolve_corpus(self.corpus, papers)
        warm = self.warm_start and getattr(self, "features_", None) is features
        previous_solution = getattr(self, "solution_", None) if warm else None
        kept_calibration = getattr(self, "fold_calibration_", None) if warm else None
        self.features_ = features
        self.embedding_center_ = self._embedding_center(papers)
        encoded = self.features_.encode(papers)
        terms, dense = self._blocks(encoded, papers)
        solution = self._solve(terms, dense, labels, encoded.own, start=previous_solution)
        self.solution_ = solution
        self.coef_ = solution.term_coef
        self.latent_coef_ = solution.dense_coef[: self._latent_columns]
        self.embedding_coef_ = solution.dense_coef[self._latent_columns :]
        self.intercept_ = solution.intercept
        self.calibrator_, self.fold_calibration_ = self._fit_calibrator(
            terms, dense, labels, encoded.own, solution, kept_calibration
        )
        self.classes_ = np.array([0, 1])
        self.n_labels_ = {"up": int(labels.sum()), "down": int(len(labels) - labels.sum())}
        self.latent_term_weights_ = self._latent_term_weights()
        self.term_weights_ = self.coef_ + self.latent_term_weights_
        self.liked_terms_ = columns_used(encoded.own[labels == 1])
        self.disliked_terms_ = columns_used(encoded.own[labels == 0])
        return self

    @property
    def _latent_columns(self) -> int:
        return self.features_.latent_dimensions

    def _embedding_center(self, papers: pd.DataFrame) -> np.ndarray:
        """The corpus's mean vector; without corpus vectors, the training papers' (else zero)."""
        if self.features_.embedding_mean is not None:
            return np.asarray(self.features_.embedding_mean, dtype=np.float64)
        vectors, present = embedding_rows(papers)
        return vectors[present].mean(axis=0) if present.any() else np.zeros(DIMENSIONS)

    def _blocks(self, encoded: Encoded, papers: pd.DataFrame) -> tuple[sp.csr_matrix, np.ndarray]:
        """Term rows, and one dense block of latent rows scaled by sqrt(latent_weight) beside centred
        embedding rows scaled by sqrt(embedding_weight) (zero where a paper has no vector yet): one
        linear model covers them all."""
        return encoded.terms, self._dense(encoded, *embedding_rows(papers))

    def _dense(self, encoded: Encoded, vectors: np.ndarray, present: np.ndarray) -> np.ndarray:
        centred = np.where(present[:, None], vectors - self.embedding_center_, 0.0)
        centred = self.features_.expanded_embeddings(centred)  # as is without a neighbourhood
        return np.hstack(
            [np.sqrt(self.latent_weight) * encoded.latent, np.sqrt(self.embedding_weight) * centred]
        )

    def _solve(
        self,
        terms: sp.csr_matrix,
        dense: np.ndarray,
        labels: np.ndarray,
        own: sp.csr_matrix,
        start: LinearFit | None = None,
    ) -> LinearFit:
        """The prior (model/prior.py) covers the expanded rows' every term; the labels move the
        weights of the rated papers' own terms only (few columns: fits stay fast, and a neighbour's
        word keeps its prior)."""
        term_prior, dense_prior = rocchio_prior(
            terms,
            dense,
            labels,
            self.features_,
            latent_weight=self.latent_weight,
            corpus_weight=self.corpus_weight,
            dislike_weight=self.dislike_weight,
            strength=self.prior_strength,
            embedding_weight=self.embedding_weight,
            feedback_papers=self.feedback_papers,
        )
        return fit_logistic(
            terms,
            dense,
            term_prior,
            dense_prior,
            labels,
            self._sample_weight(labels),
            self.C,
            free_columns=columns_used(own),
            start=start,
        )

    def _sample_weight(self, labels: np.ndarray) -> np.ndarray:
        if self.class_weight is None:
            return np.ones(len(labels))
        counts = np.bincount(labels, minlength=2).astype(float)
        return (len(labels) / (2 * counts))[labels]

    def _fit_calibrator(
        self,
        terms: sp.csr_matrix,
        dense: np.ndarray,
        labels: np.ndarray,
        own: sp.csr_matrix,
        solution: LinearFit,
        kept: FoldCalibration | None = None,
    ) -> tuple[Sigmoid, FoldCalibration | None]:
        """A sigmoid of the decision value in units of its spread over the reader's corpus (a fixed
        sample of it), anchored so that the corpus's papers average the page base rate: a score is
        the chance of a 👍 among the papers this reader's pages show, whatever the ratings' 👍:👎 mix.
        Its slope is the measured prior's with too few ratings, else fitted on out-of-fold values
        (or, warm, the last fit's while it still fits the class counts)."""
        if len(self.features_.sample_frame) >= 2:
            sample, vectors, present = self.features_.sample_encoding()
            reference = solution.decision(sample.terms, self._dense(sample, vectors, present))
        else:
            reference = solution.decision(terms, dense)
        smallest_class = int(np.bincount(labels, minlength=2).min())
        folds = min(self.calibration_folds, smallest_class)
        if smallest_class >= FEWER_FOLDS_FROM:  # plenty of out-of-fold values either way; refits stay fast
            folds = min(folds, 3)
        if kept is not None and kept.still_fits(labels):
            calibration: FoldCalibration | None = kept
        elif folds < 2 or smallest_class < MIN_PER_CLASS_FOR_CV:
            calibration = None
        else:
            out_of_fold = np.empty(len(labels))
            splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=SEED)
            for train, test in splitter.split(np.zeros(len(labels)), labels):
                fold = self._solve(terms[train], dense[train], labels[train], own[train], start=solution)
                out_of_fold[test] = fold.decision(terms[test], dense[test])
            calibration = FoldCalibration.fit(out_of_fold, labels, reference)
        sigmoid = prior_sigmoid(reference, 0.0) if calibration is None else calibration.on(reference)
        if self.page_base_rate is None:
            return sigmoid, calibration
        if not 0 < self.page_base_rate < 1:
            raise ValueError(f"page_base_rate must be between 0 and 1, not {self.page_base_rate!r}")
        return anchored_to_mean(sigmoid, reference, self.page_base_rate), calibration

    def _latent_term_weights(self) -> np.ndarray:
        """Latent weights mapped back onto the term columns: V^T u (zero outside the SVD's columns)."""
        weights = np.zeros(self.features_.n_features)
        latent = self.features_.latent
        if latent is not None:
            weights[latent.columns] = np.sqrt(self.latent_weight) * (latent.components.T @ self.latent_coef_)
        return weights

    def _encode(self, X: pd.DataFrame) -> Encoded:
        check_is_fitted(self)
        return self.features_.encode(as_papers(X))

    def _parts(self, X: pd.DataFrame) -> tuple[Encoded, np.ndarray, np.ndarray]:
        """The encoded papers, their decision values, and the embedding block's share of each."""
        encoded = self._encode(X)
        terms, dense = self._blocks(encoded, X)
        k = self._latent_columns
        embedding_part = dense[:, k:] @ self.embedding_coef_
        decision = terms @ self.coef_ + dense[:, :k] @ self.latent_coef_ + embedding_part + self.intercept_
        return encoded, decision, embedding_part

    def decision_function(self, X: pd.DataFrame) -> np.ndarray:
        return self._parts(X)[1]

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        decision = self.decision_function(X)  # checks that the model is fitted first
        positive = self.calibrator_(decision)
        return np.column_stack([1 - positive, positive])

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        positive = self.predict_proba(X)[:, 1] >= 0.5
        return self.classes_[positive.astype(int)]

    def suggestion_order(self, X: pd.DataFrame) -> np.ndarray:
        """Indices of X, most informative to rate first (probability closest to 1/2)."""
        return uncertainty_order(self.predict_proba(X)[:, 1])


def uncertainty_order(probabilities: np.ndarray) -> np.ndarray:
    """Indices, the probability closest to 1/2 (the rating that would teach most) first."""
    return np.argsort(np.abs(np.asarray(probabilities) - 0.5), kind="stable")
