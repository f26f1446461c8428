"""The shrunk logistic regression: a warm start lands on the same optimum as a cold one."""

from __future__ import annotations

import numpy as np

from model.linear import fit_logistic
from model.prior import columns_used


def test_a_warm_start_reaches_the_cold_starts_solution(prepared, hf_papers):
    papers = hf_papers.iloc[:60].reset_index(drop=True)
    labels = np.array([1, 0, 0] * 20)
    encoded = prepared.encode(papers)
    terms, dense = encoded.terms, 0.5 * encoded.latent
    prior = 10 * (np.asarray(terms[labels == 1].mean(axis=0)).ravel() - prepared.term_mean)
    dense_prior = 10 * (dense[labels == 1].mean(axis=0) - 0.5 * prepared.latent_mean)
    free = columns_used(encoded.own)

    def fit(rows, start=None):
        weights = np.ones(len(rows))
        return fit_logistic(
            terms[rows],
            dense[rows],
            prior,
            dense_prior,
            labels[rows],
            weights,
            1.0,
            free_columns=free,
            start=start,
        )

    everything = fit(np.arange(60))
    fold = np.arange(40)
    cold, warm = fit(fold), fit(fold, start=everything)
    page = prepared.encode(hf_papers)
    cold_scores = cold.decision(page.terms, 0.5 * page.latent)
    warm_scores = warm.decision(page.terms, 0.5 * page.latent)
    # Both stop within the solver's tolerance of the optimum: a hundredth of the scores' spread.
    assert np.abs(cold_scores - warm_scores).max() < 1e-2 * cold_scores.std()
    np.testing.assert_allclose(warm.term_coef - warm.term_departure, prior)
