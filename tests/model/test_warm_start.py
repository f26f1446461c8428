"""warm_start: a refit after one more rating starts from the last fit and keeps its fold calibration
while the class counts stay within a tenth, and ranks as a cold fit does (one real reader's library)."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest
from scipy.stats import spearmanr

from model import make_classifier, prepare_corpus
from model.calibration import FoldCalibration
from training.datasets.citeulike import read_items_and_users
from training.datasets.citeulike_a import citeulike_a_dir

LIKED = 70
OTHERS = 140
CORPUS = 1500


@pytest.fixture(scope="module")
def reader():
    """The largest citeulike-a library's first papers (👍) beside other papers (👎), and a corpus."""
    items, users = read_items_and_users(citeulike_a_dir(), "citeulike-a")
    libraries = [np.array(s.split(), dtype=int) for s in users["items"]]
    library = max(libraries, key=len)
    rng = np.random.default_rng(0)
    others = rng.permutation(np.setdiff1d(np.arange(len(items)), library))
    texts = items[["title", "abstract"]]
    chosen = np.r_[library[:LIKED], others[:OTHERS]]
    order = rng.permutation(len(chosen))
    papers = texts.iloc[chosen[order]].reset_index(drop=True)
    labels = np.r_[np.ones(LIKED, int), np.zeros(OTHERS, int)][order]
    corpus = prepare_corpus(texts.iloc[np.r_[library[LIKED:], others[OTHERS : OTHERS + CORPUS]]])
    unrated = texts.iloc[others[OTHERS + CORPUS : OTHERS + CORPUS + 400]].reset_index(drop=True)
    return papers, labels, corpus, unrated


def warm_refit(fitted, papers: pd.DataFrame, labels: np.ndarray):
    """As the server refits: a copy of the serving model, fitted again (the original keeps serving)."""
    refit = copy.copy(fitted)
    refit.warm_start = True
    return refit.fit(papers, labels)


def test_one_more_rating_keeps_the_calibration_and_ranks_as_a_cold_fit(reader):
    papers, labels, corpus, unrated = reader
    n = len(labels) - 1
    last = make_classifier(corpus=corpus).fit(papers.iloc[:n], labels[:n])
    before = last.predict_proba(unrated)[:, 1].copy()

    warm = warm_refit(last, papers, labels)
    cold = make_classifier(corpus=corpus).fit(papers, labels)
    assert warm.fold_calibration_ is last.fold_calibration_  # kept: no fold solves
    assert cold.fold_calibration_ is not None and cold.fold_calibration_ is not last.fold_calibration_
    assert np.array_equal(last.predict_proba(unrated)[:, 1], before)  # the serving model is untouched

    warm_decision, cold_decision = warm.decision_function(unrated), cold.decision_function(unrated)
    assert np.abs(warm_decision - cold_decision).max() < 1e-3 * cold_decision.std()
    assert spearmanr(warm_decision, cold_decision).statistic > 0.9999
    # The kept curve, re-anchored to the page base rate, gives nearly the cold fit's probabilities
    # (0.024 apart at most here, while two cold fits one rating apart differ by up to 0.2: their
    # folds are drawn anew).
    warm_p, cold_p = warm.predict_proba(unrated)[:, 1], cold.predict_proba(unrated)[:, 1]
    assert warm_p.mean() == pytest.approx(cold_p.mean(), abs=1e-3)
    assert np.abs(warm_p - cold_p).max() < 0.05


def test_the_calibration_is_fitted_again_once_a_count_moves_by_more_than_a_tenth(reader):
    papers, labels, corpus, _ = reader
    start = 180
    last = make_classifier(corpus=corpus).fit(papers.iloc[:start], labels[:start])
    grown = warm_refit(last, papers, labels)
    counts = np.bincount(labels, minlength=2)
    earlier = np.bincount(labels[:start], minlength=2)
    assert (np.abs(counts - earlier) > FoldCalibration.KEEP_SHARE * earlier).any()
    assert grown.fold_calibration_ is not last.fold_calibration_
    assert grown.fold_calibration_.counts == (counts[0], counts[1])


def test_few_ratings_always_fit_the_calibration_again(reader):
    papers, labels, corpus, _ = reader
    few = np.r_[np.flatnonzero(labels == 1)[:20], np.flatnonzero(labels == 0)[:20]]
    last = make_classifier(corpus=corpus).fit(papers.iloc[few[:-1]], labels[few[:-1]])
    refit = warm_refit(last, papers.iloc[few], labels[few])
    assert refit.fold_calibration_ is not last.fold_calibration_


def test_a_warm_start_on_other_corpus_features_is_a_cold_fit(reader, hf_papers):
    papers, labels, corpus, unrated = reader
    last = make_classifier(corpus=prepare_corpus(hf_papers)).fit(papers, labels)
    refit = copy.copy(last)
    refit.set_params(corpus=corpus, warm_start=True)
    refit.fit(papers, labels)
    cold = make_classifier(corpus=corpus).fit(papers, labels)
    assert np.array_equal(refit.predict_proba(unrated), cold.predict_proba(unrated))
