"""Document expansion: each paper's row also holds its nearest corpus papers' rows, never its own copy."""

from __future__ import annotations

import numpy as np
import pandas as pd

from model import make_classifier, prepare_corpus
from model.neighbours import MIN_CORPUS_DOCUMENTS, NEIGHBOURS, TWIN_COSINE


def test_expanded_rows_are_unit_length_and_contain_the_papers_own_terms(prepared, hf_papers):
    page = hf_papers.iloc[:30].reset_index(drop=True)
    encoded = prepared.encode(page)
    lengths = np.sqrt(np.asarray(encoded.terms.multiply(encoded.terms).sum(axis=1)).ravel())
    np.testing.assert_allclose(lengths, 1.0, atol=1e-9)
    context = (encoded.terms - encoded.own).tocsr()
    assert context.min() >= -1e-12  # the own part is contained in the expanded row
    assert context.nnz > encoded.own.nnz  # and the neighbours bring words the paper lacks
    assert encoded.neighbour_ids.shape == (30, NEIGHBOURS)


def test_neighbours_are_other_papers_by_similarity(prepared, hf_papers):
    own_rows = prepared.terms.encode(hf_papers["title"].tolist(), hf_papers["abstract"].tolist())
    ids, weights = prepared.neighbours.nearest(own_rows)
    assert not (ids == np.arange(len(hf_papers))[:, None]).any()  # never the paper itself
    np.testing.assert_allclose(weights.sum(axis=1), 1.0, rtol=1e-5)
    similarity = (own_rows @ own_rows.T).toarray()
    np.fill_diagonal(similarity, 0.0)
    similarity[similarity >= TWIN_COSINE] = 0.0
    chosen = np.take_along_axis(similarity, ids, axis=1)
    assert (chosen.min(axis=1) >= np.sort(similarity, axis=1)[:, -NEIGHBOURS] - 1e-6).all()


def test_encoding_a_copy_of_a_corpus_paper_matches_the_stored_one(prepared, hf_papers):
    stored = prepared.encode(hf_papers.iloc[[5]])
    copy = hf_papers.iloc[[5]].assign(abstract=lambda f: f["abstract"] + " ")  # a new key, same words
    fresh = prepared.encode(copy)
    np.testing.assert_allclose(fresh.terms.toarray(), stored.terms.toarray(), atol=1e-6)


def test_small_corpus_has_no_expansion_and_still_fits(hf_papers):
    small = hf_papers.iloc[: MIN_CORPUS_DOCUMENTS - 1].reset_index(drop=True)
    prepared = prepare_corpus(small)
    assert prepared.neighbours is None
    encoded = prepared.encode(small)
    assert (encoded.terms != encoded.own).nnz == 0
    clf = make_classifier(corpus=prepared).fit(small.iloc[:4], [1, 0, 1, 0])
    assert np.isfinite(clf.predict_proba(pd.DataFrame({"title": ["x"], "abstract": [""]}))).all()


def test_expansion_can_be_turned_off(hf_papers):
    prepared = prepare_corpus(hf_papers, expand=False)
    encoded = prepared.encode(hf_papers.iloc[:5])
    assert prepared.neighbours is None and (encoded.terms != encoded.own).nnz == 0
