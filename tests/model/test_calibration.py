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
