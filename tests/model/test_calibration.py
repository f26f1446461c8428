"""Probabilities stay in [0, 1], sum to one, and rise with the decision value."""

from __future__ import annotations

import numpy as np
import pytest

from model import make_classifier
from model.calibration import fit_sigmoid


@pytest.mark.parametrize("n_labelled", [2, 6, 30])
def test_probabilities_are_bounded_and_monotone(prepared, hf_papers, n_labelled):
    labels = [1, 0] * (n_labelled // 2)
    clf = make_classifier(corpus=prepared).fit(hf_papers.iloc[:n_labelled], labels)
    proba = clf.predict_proba(hf_papers)
    decision = clf.decision_function(hf_papers)
    assert np.all((proba >= 0) & (proba <= 1))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    order = np.argsort(decision)
    assert np.all(np.diff(proba[order, 1]) >= 0)


def test_sigmoid_keeps_the_ranking_even_on_reversed_data():
    decision = np.array([2.0, 1.0, -1.0, -2.0])
    sigmoid = fit_sigmoid(decision, np.array([0, 0, 1, 1]))
    assert sigmoid.slope > 0
    assert np.all(np.diff(sigmoid(np.linspace(-5, 5, 11))) > 0)  # strictly: no ties, ranking kept


def test_sigmoid_sharpens_with_more_evidence():
    rng = np.random.default_rng(0)
    few = fit_sigmoid(np.array([1.0, -1.0]), np.array([1, 0]))
    decision = np.r_[rng.normal(2, 1, 200), rng.normal(-2, 1, 200)]
    many = fit_sigmoid(decision, np.r_[np.ones(200, int), np.zeros(200, int)])
    assert few(np.array([1.0]))[0] < many(np.array([1.0]))[0] < 1


def test_probabilities_follow_the_page_base_rate_not_the_ratings_mix(hf_papers, prepared):
    """Scores are P(👍) on a page (about 5% wanted), not at the ratings' 1:1 mix; still monotone."""
    train = hf_papers.iloc[:12]
    balanced = make_classifier(corpus=prepared).fit(train, [1, 0] * 6)
    unshifted = make_classifier(corpus=prepared).set_params(page_base_rate=None).fit(train, [1, 0] * 6)
    page = hf_papers.iloc[12:]
    shifted_mean = balanced.predict_proba(page)[:, 1].mean()
    assert shifted_mean < unshifted.predict_proba(page)[:, 1].mean()
    assert 0.005 < shifted_mean < 0.2
    order = np.argsort(balanced.decision_function(page))
    assert np.all(np.diff(balanced.predict_proba(page)[:, 1][order]) >= 0)


def test_a_thumbs_down_lowers_and_a_thumbs_up_raises_that_papers_score(hf_papers, prepared):
    """What a reader sees after a click: the paper they rated moves the way they voted."""
    rng = np.random.default_rng(0)
    for _ in range(10):
        order = rng.permutation(len(hf_papers))
        seeds, target = list(order[:4]), int(order[10])
        before = make_classifier(corpus=prepared).fit(hf_papers.iloc[seeds], [1, 0, 1, 0])
        page = hf_papers.iloc[[target]]
        score = before.predict_proba(page)[0, 1]
        for vote, direction in ((0, -1), (1, 1)):
            after = make_classifier(corpus=prepared).fit(hf_papers.iloc[[*seeds, target]], [1, 0, 1, 0, vote])
            assert np.sign(after.predict_proba(page)[0, 1] - score) == direction


def test_the_prior_alone_puts_a_typical_paper_at_its_odds_and_bounds_the_rest():
    """Too few ratings to fit: a paper at the corpus mean gets the prior's odds, each spread above it
    more, strictly increasing (no ties) but softly bounded, never near-certain."""
    from scipy.special import logit

    from model.calibration import PRIOR_REACH, PRIOR_SLOPE, prior_sigmoid

    reference = np.random.default_rng(0).normal(3.0, 2.0, 500)
    sigmoid = prior_sigmoid(reference, logit(0.05))
    assert np.isclose(sigmoid(np.array([reference.mean()]))[0], 0.05)
    one_spread_up = sigmoid(np.array([reference.mean() + reference.std()]))[0]
    assert 0.05 < one_spread_up < 0.05 * np.exp(PRIOR_SLOPE) * 1.01
    far = sigmoid(np.linspace(-20.0, 26.0, 2001))  # 10 spreads either side of the mean
    assert np.all(np.diff(far) > 0)
    assert far.max() < 1 / (1 + np.exp(-(logit(0.05) + PRIOR_SLOPE * PRIOR_REACH))) + 1e-9
