"""The classifier follows scikit-learn's estimator conventions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from model import PaperClassifier, PreparedCorpus, make_classifier
from model.classifier import DISLIKE_WEIGHT, EMBEDDING_WEIGHT, FEEDBACK_PAPERS


def test_init_only_stores_parameters(prepared):
    clf = PaperClassifier(corpus=prepared, C=2.5, prior_strength=0.5)
    assert clf.get_params() == {
        "corpus": prepared,
        "C": 2.5,
        "prior_strength": 0.5,
        "latent_weight": 0.25,
        "corpus_weight": 1.0,
        "embedding_weight": EMBEDDING_WEIGHT,
        "dislike_weight": DISLIKE_WEIGHT,
        "feedback_papers": FEEDBACK_PAPERS,
        "class_weight": "balanced",
        "calibration_folds": 5,
        "page_base_rate": 0.05,
        "warm_start": False,
    }
    assert not [name for name in vars(clf) if name.endswith("_")]


def test_set_params_and_clone_keep_the_prepared_corpus(prepared):
    clf = make_classifier(corpus=prepared).set_params(C=3.0)
    copy = clone(clf)
    assert copy is not clf
    assert copy.get_params()["C"] == 3.0
    assert copy.corpus is prepared  # shared, neither dropped nor re-fitted


def test_not_fitted_before_fit(hf_papers):
    clf = make_classifier()
    for method in (clf.predict_proba, clf.decision_function, clf.predict, clf.explain, clf.suggestion_order):
        with pytest.raises(NotFittedError):
            method(hf_papers.iloc[:3])
    with pytest.raises(NotFittedError):
        clf.top_terms()


def test_fit_returns_self_and_sets_fitted_attributes(prepared, labelled):
    papers, labels = labelled
    clf = make_classifier(corpus=prepared)
    assert clf.fit(papers, labels) is clf
    assert list(clf.classes_) == [0, 1]
    assert clf.coef_.shape == (prepared.n_features,)
    assert clf.latent_coef_.shape == (prepared.latent_dimensions,)
    assert clf.term_weights_.shape == (prepared.n_features,)
    assert isinstance(clf.intercept_, float)
    assert clf.n_labels_ == {"up": 6, "down": 6}


def test_fit_without_corpus_uses_the_training_papers(labelled):
    papers, labels = labelled
    clf = make_classifier().fit(papers, labels)
    assert isinstance(clf.features_, PreparedCorpus)
    assert clf.features_.n_documents == len(papers)


def test_make_classifier_memoises_the_corpus_by_content(hf_papers):
    first = make_classifier(corpus=hf_papers)
    second = make_classifier(corpus=hf_papers.copy(deep=True))
    assert first.corpus is second.corpus
    changed = hf_papers.copy()
    changed.loc[0, "abstract"] += " extra words"
    assert make_classifier(corpus=changed).corpus is not first.corpus


def test_a_dataframe_corpus_parameter_is_prepared_at_fit(hf_papers, labelled):
    papers, labels = labelled
    clf = PaperClassifier(corpus=hf_papers).fit(papers, labels)
    assert clf.features_.n_documents == len(hf_papers)


def test_bad_labels_and_bad_input_are_clear_errors(labelled):
    papers, labels = labelled
    with pytest.raises(ValueError, match="one 👍"):
        make_classifier().fit(papers, [1] * len(papers))
    with pytest.raises(ValueError, match=r"1 \(👍\) or 0"):
        make_classifier().fit(papers, [2] * len(papers))
    with pytest.raises(ValueError, match="one label per paper"):
        make_classifier().fit(papers, labels[:-1])
    with pytest.raises(ValueError, match="columns"):
        make_classifier().fit(papers[["title"]], labels)
    with pytest.raises(TypeError, match="DataFrame"):
        make_classifier().fit(papers.to_numpy(), labels)


def test_predict_returns_classes(fitted, hf_papers):
    predicted = fitted.predict(hf_papers)
    assert set(np.unique(predicted)) <= {0, 1}


def test_suggestion_order_puts_the_most_uncertain_paper_first(fitted, hf_papers):
    order = fitted.suggestion_order(hf_papers)
    assert sorted(order.tolist()) == list(range(len(hf_papers)))
    distance = np.abs(fitted.predict_proba(hf_papers)[:, 1] - 0.5)
    assert np.all(np.diff(distance[order]) >= 0)


def test_scoring_an_empty_frame(fitted):
    empty = pd.DataFrame({"title": pd.Series([], dtype=str), "abstract": pd.Series([], dtype=str)})
    assert fitted.predict_proba(empty).shape == (0, 2)
    assert fitted.explain(empty) == []
