"""Corpus features fitted on a bounded sample of a streamed corpus (model/corpus_sample.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from model.corpus_sample import prepare_corpus_sampled


def mixed_corpus(hf_embedded: pd.DataFrame, size: int) -> pd.DataFrame:
    """`size` distinct papers: real titles beside other papers' real abstracts, with mixed vectors."""
    n = len(hf_embedded)
    rows = []
    for k in range(size):
        i, j = k % n, (k * 7 + k // n) % n
        vector = hf_embedded["embedding"][i] + hf_embedded["embedding"][j]
        rows.append(
            {
                "title": hf_embedded["title"][i],
                "abstract": hf_embedded["abstract"][j],
                "embedding": (vector / np.linalg.norm(vector)).astype(np.float32) if k % 5 else None,
            }
        )
    return pd.DataFrame(rows)


def chunks(frame: pd.DataFrame, size: int) -> list[pd.DataFrame]:
    return [frame.iloc[start : start + size] for start in range(0, len(frame), size)]


def test_the_same_features_whatever_the_order_and_chunking(hf_embedded) -> None:
    corpus = mixed_corpus(hf_embedded, 400)
    first = prepare_corpus_sampled(chunks(corpus, 50), sample_size=150)
    shuffled = corpus.sample(frac=1.0, random_state=3).reset_index(drop=True)
    again = prepare_corpus_sampled(chunks(pd.concat([shuffled, shuffled.iloc[:40]]), 70), sample_size=150)
    assert first is not None and again is not None
    assert list(first.feature_names) == list(again.feature_names)
    np.testing.assert_array_equal(first.latent.components, again.latent.components)
    np.testing.assert_allclose(first.embedding_mean, again.embedding_mean)
    assert first.fingerprint == again.fingerprint
    assert first.n_documents == again.n_documents == 400


def test_fitted_on_the_sample_but_the_mean_vector_is_every_papers(hf_embedded) -> None:
    corpus = mixed_corpus(hf_embedded, 300)
    prepared = prepare_corpus_sampled(chunks(corpus, 64), sample_size=120)
    assert prepared is not None
    assert len(prepared.sample_frame) == 120  # the calibration sample is drawn from the fit sample
    vectors = np.stack([v for v in corpus["embedding"] if v is not None])
    assert prepared.n_embedded == len(vectors)
    np.testing.assert_allclose(prepared.embedding_mean, vectors.astype(np.float64).mean(axis=0), atol=1e-6)
    papers = corpus.iloc[:20]
    encoded = prepared.encode(papers)  # every paper is encoded, sampled or not
    assert encoded.terms.shape == (20, prepared.n_features)


def test_an_empty_stream_has_no_features() -> None:
    assert prepare_corpus_sampled([pd.DataFrame({"title": [], "abstract": []})]) is None
