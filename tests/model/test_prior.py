"""The embedding prior's pseudo-relevance feedback (model/prior.py), on the real page's vectors."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from model import make_classifier, prepare_corpus
from model.features import FEEDBACK_SAMPLE_SIZE
from model.prior import MIN_FEEDBACK_PAPERS, pseudo_relevant


@pytest.fixture(scope="module")
def embedded_corpus(hf_embedded):
    return prepare_corpus(hf_embedded)


def test_the_feedback_is_the_mean_of_what_the_query_retrieves_first(hf_embeddings):
    rows = hf_embeddings - hf_embeddings.mean(axis=0)
    query = rows[7]
    expected = np.argsort(-(rows @ query))[:MIN_FEEDBACK_PAPERS]  # 1% of 104 is fewer than the minimum
    feedback = pseudo_relevant(query, rows, np.zeros((0, rows.shape[1])))
    np.testing.assert_allclose(feedback, rows[expected].mean(axis=0))


def test_a_down_papers_copies_are_never_fed_back(hf_embeddings):
    rows = hf_embeddings - hf_embeddings.mean(axis=0)
    query = rows[7]
    nearest = np.argsort(-(rows @ query))
    disliked = rows[[nearest[1]]]
    feedback = pseudo_relevant(query, rows, disliked)
    np.testing.assert_allclose(feedback, rows[[nearest[0], *nearest[2:4]]].mean(axis=0))


def test_no_feedback_without_a_query_or_without_corpus_vectors(hf_embeddings):
    rows = hf_embeddings - hf_embeddings.mean(axis=0)
    none = np.zeros((0, rows.shape[1]))
    assert not pseudo_relevant(np.zeros(rows.shape[1]), rows, none).any()
    assert not pseudo_relevant(rows[0], None, none).any()


def test_the_corpus_keeps_a_fixed_sample_of_centred_vectors(embedded_corpus, hf_papers, hf_embeddings):
    vectors = embedded_corpus.feedback_vectors
    assert vectors.shape == (min(FEEDBACK_SAMPLE_SIZE, len(hf_embeddings)), hf_embeddings.shape[1])
    assert vectors.dtype == np.float16
    centred = hf_embeddings - hf_embeddings.mean(axis=0)
    np.testing.assert_allclose(vectors.astype(np.float32), centred, atol=2e-3)
    assert prepare_corpus(hf_papers).feedback_vectors is None  # a corpus without vectors


def test_features_saved_before_the_feedback_load_and_fit_without_it(embedded_corpus, hf_embedded):
    state = embedded_corpus.__getstate__()
    del state["feedback_vectors"]
    old = type(embedded_corpus).__new__(type(embedded_corpus))
    old.__setstate__(pickle.loads(pickle.dumps(state)))
    assert old.feedback_vectors is None
    papers, labels = hf_embedded.iloc[[0, 1]], [1, 0]
    without = make_classifier(corpus=old).fit(papers, labels)
    plain = make_classifier(corpus=embedded_corpus).set_params(feedback_papers=0.0).fit(papers, labels)
    np.testing.assert_allclose(without.decision_function(hf_embedded), plain.decision_function(hf_embedded))


def test_the_feedback_fades_as_up_papers_accumulate(embedded_corpus, hf_embedded):
    """Its weight is feedback_papers / (👍 papers with a vector): with many 👍 it barely moves a score."""

    def change(ups: list[int]) -> float:
        papers = hf_embedded.iloc[[*ups, 90, 91]]
        labels = [1] * len(ups) + [0, 0]
        on = make_classifier(corpus=embedded_corpus).fit(papers, labels).decision_function(hf_embedded)
        off = (
            make_classifier(corpus=embedded_corpus)
            .set_params(feedback_papers=0.0)
            .fit(papers, labels)
            .decision_function(hf_embedded)
        )
        return float(np.abs(on - off).mean() / off.std())

    assert change([0]) > change(list(range(10))) > change(list(range(40))) > 0
