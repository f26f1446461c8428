"""The classifier with sentence embeddings: optional per paper, provisional without, words' share."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from model import make_classifier, prepare_corpus


def test_papers_without_a_vector_still_get_finite_scores(hf_embedded):
    corpus = prepare_corpus(hf_embedded)
    clf = make_classifier(corpus=corpus).fit(hf_embedded.iloc[:6], [1, 1, 1, 0, 0, 0])
    page = hf_embedded.iloc[10:20].copy()
    page["embedding"] = [None if i % 2 else v for i, v in enumerate(page["embedding"])]
    scores = clf.predict_proba(page)[:, 1]
    assert np.isfinite(scores).all() and ((scores > 0) & (scores < 1)).all()


def test_training_papers_without_vectors_are_fitted_on_their_words(hf_embedded):
    train = hf_embedded.iloc[:4].copy()
    train["embedding"] = [None, train["embedding"].iloc[1], None, None]
    clf = make_classifier(corpus=prepare_corpus(hf_embedded)).fit(train, [1, 1, 0, 0])
    assert np.isfinite(clf.decision_function(hf_embedded)).all()


def test_without_any_vector_the_embedding_weight_changes_nothing(hf_papers, hf_embedded):
    corpus = prepare_corpus(hf_papers)
    rows, labels = [0, 1, 2, 3, 4, 5], [1, 1, 1, 0, 0, 0]
    plain = make_classifier(corpus=corpus).fit(hf_papers.iloc[rows], labels)
    terms_only = make_classifier(corpus=corpus).set_params(embedding_weight=0.0)
    terms_only.fit(hf_papers.iloc[rows], labels)
    assert not plain.embedding_coef_.any()  # nothing to learn from
    np.testing.assert_allclose(plain.decision_function(hf_papers), terms_only.decision_function(hf_papers))
    with_vectors = make_classifier(corpus=prepare_corpus(hf_embedded)).fit(hf_embedded.iloc[rows], labels)
    assert not np.allclose(with_vectors.decision_function(hf_embedded), plain.decision_function(hf_papers))


def test_words_share_says_how_much_of_a_score_the_words_carry(hf_embedded):
    clf = make_classifier(corpus=prepare_corpus(hf_embedded)).fit(hf_embedded.iloc[:6], [1, 1, 1, 0, 0, 0])
    shares = [entry["words_share"] for entry in clf.explain(hf_embedded.iloc[20:40])]
    assert all(0.0 <= share <= 1.0 for share in shares)
    assert 0.0 < np.mean(shares) < 1.0  # both spaces count
    no_vector = hf_embedded.iloc[[20]].assign(embedding=[None])
    assert clf.explain(no_vector)[0]["words_share"] == 1.0


def test_a_malformed_vector_is_a_clear_error(hf_embedded):
    clf = make_classifier(corpus=prepare_corpus(hf_embedded)).fit(hf_embedded.iloc[:2], [1, 0])
    bad = pd.DataFrame({"title": ["x"], "abstract": [""], "embedding": [np.zeros(3)]})
    with pytest.raises(ValueError, match="384"):
        clf.predict_proba(bad)


def test_the_corpus_remembers_its_mean_vector_and_a_calibration_sample(hf_papers, hf_embedded):
    assert prepare_corpus(hf_papers).embedding_mean is None
    corpus = prepare_corpus(hf_embedded)
    assert corpus.n_embedded == len(hf_embedded)
    expected = np.stack(hf_embedded["embedding"]).mean(axis=0)
    np.testing.assert_allclose(corpus.embedding_mean, expected, atol=1e-6)
    assert len(corpus.sample_frame) == len(hf_embedded)  # under the sample size: every paper


def test_score_and_explain_is_predict_proba_and_explain_in_one_pass(hf_embedded):
    clf = make_classifier(corpus=prepare_corpus(hf_embedded)).fit(hf_embedded.iloc[:6], [1, 1, 1, 0, 0, 0])
    page = hf_embedded.iloc[10:30]
    probabilities, reasons = clf.score_and_explain(page, top_k=4)
    np.testing.assert_allclose(probabilities, clf.predict_proba(page)[:, 1])
    assert reasons == clf.explain(page, top_k=4)
