"""The sentence vectors' document expansion (model/embedding_neighbours.py) on the real page's vectors."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from model import make_classifier, prepare_corpus
from model.embedding_neighbours import MIN_SAMPLE, EmbeddingNeighbours, fit_embedding_neighbours, unit_rows


@pytest.fixture(scope="module")
def centred(hf_embeddings) -> np.ndarray:
    vectors = np.asarray(hf_embeddings, dtype=np.float64)
    return vectors - vectors.mean(axis=0)


@pytest.fixture(scope="module")
def past_the_minimum(hf_embedded):
    """Corpus features, with and without the expansion, of MIN_SAMPLE + 40 distinct papers (the real
    page's papers again and again, each title numbered)."""
    corpus = hf_embedded.iloc[np.arange(MIN_SAMPLE + 40) % len(hf_embedded)].reset_index(drop=True)
    corpus = corpus.assign(title=[f"{t} ({i})" for i, t in enumerate(corpus["title"])])
    return prepare_corpus(corpus), prepare_corpus(corpus, expand_embeddings=False)


def test_a_vector_keeps_its_length_and_moves_toward_its_nearest_papers(centred):
    index = EmbeddingNeighbours(centred)
    expanded = index.expand(centred)
    np.testing.assert_allclose(np.linalg.norm(expanded, axis=1), np.linalg.norm(centred, axis=1), rtol=1e-6)
    directions = unit_rows(centred)
    for paper in (0, 40, 88):
        similarity = directions @ directions[paper]
        similarity[paper] = -np.inf
        nearest = np.argsort(-similarity)[:10]
        before = directions[nearest] @ directions[paper]
        after = directions[nearest] @ unit_rows(expanded)[paper]
        assert after.mean() > before.mean()
        assert unit_rows(expanded)[paper] @ directions[paper] > 0.85  # still mostly the paper itself


def test_a_paper_in_the_sample_is_not_its_own_neighbour(centred):
    with_itself = EmbeddingNeighbours(centred).expand(centred[:1])
    without_itself = EmbeddingNeighbours(centred[1:]).expand(centred[:1])
    np.testing.assert_allclose(with_itself, without_itself, atol=1e-3)


def test_papers_without_a_vector_stay_without_one(centred):
    rows = np.vstack([centred[:2], np.zeros((1, centred.shape[1]))])
    expanded = EmbeddingNeighbours(centred).expand(rows)
    assert not expanded[2].any() and expanded[:2].all(axis=1).all()


def test_expansions_are_remembered_and_the_same_from_memory(centred):
    index = EmbeddingNeighbours(centred)
    assert not len(index._cache)
    once = index.expand(centred[:5], remember=False)
    assert not len(index._cache)
    first = index.expand(centred[:5])
    assert len(index._cache) == 5
    np.testing.assert_allclose(index.expand(centred[:5]), first, atol=1e-6)
    np.testing.assert_allclose(once, first, atol=1e-12)


def test_pickles_without_its_memory_and_expands_alike(centred):
    index = EmbeddingNeighbours(centred)
    before = index.expand(centred[:3])
    restored = pickle.loads(pickle.dumps(index))
    assert not len(restored._cache)
    np.testing.assert_allclose(restored.expand(centred[:3]), before, atol=1e-6)


def test_a_corpus_of_one_page_has_no_neighbourhood(hf_embedded, centred):
    # 10 neighbours among 104 papers of one field are a tenth of the field, not a neighbourhood.
    mean = np.zeros(centred.shape[1])
    assert fit_embedding_neighbours(centred, np.arange(len(centred)), mean, np.random.default_rng(0)) is None
    assert prepare_corpus(hf_embedded).embedding_neighbours is None
    tiled = np.tile(centred, (MIN_SAMPLE // len(centred) + 1, 1))
    neighbours = fit_embedding_neighbours(tiled, np.arange(len(tiled)), mean, np.random.default_rng(0))
    assert neighbours is not None


def test_the_classifier_scores_and_fits_in_the_expanded_space(hf_embedded, past_the_minimum):
    expanded, plain = past_the_minimum
    assert expanded.embedding_neighbours is not None and plain.embedding_neighbours is None
    rated = hf_embedded.iloc[[0, 1]]
    fitted = make_classifier(corpus=expanded).fit(rated, [1, 0])
    _, decision, embedding_part = fitted._parts(hf_embedded)
    vectors = np.stack(hf_embedded["embedding"].to_numpy()) - expanded.embedding_mean
    np.testing.assert_allclose(
        embedding_part, expanded.expanded_embeddings(vectors) @ fitted.embedding_coef_, atol=1e-9
    )
    unexpanded = make_classifier(corpus=plain).fit(rated, [1, 0]).decision_function(hf_embedded)
    assert not np.allclose(decision, unexpanded)
    assert np.argmax(decision) == 0  # the 👍 paper still tops the page


def test_features_saved_before_the_expansion_load_and_fit_unexpanded(hf_embedded, past_the_minimum):
    expanded, plain = past_the_minimum
    state = expanded.__getstate__()
    del state["embedding_neighbours"], state["feedback_expanded"]
    old = type(expanded).__new__(type(expanded))
    old.__setstate__(pickle.loads(pickle.dumps(state)))
    assert old.embedding_neighbours is None and old.feedback_expanded is None
    papers, labels = hf_embedded.iloc[[0, 1]], [1, 0]
    np.testing.assert_allclose(
        make_classifier(corpus=old).fit(papers, labels).decision_function(hf_embedded),
        make_classifier(corpus=plain).fit(papers, labels).decision_function(hf_embedded),
    )
