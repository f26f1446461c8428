"""The sentence encoder: shipped weights, deterministic, normalised, batched like one by one."""

from __future__ import annotations

import numpy as np
import pytest

from model.embedding import (
    DIMENSIONS,
    ENCODER_NAME,
    ENCODER_VERSION,
    MAX_TOKENS,
    SentenceEncoder,
    embedding_text,
    shared_encoder,
)


def test_vectors_are_unit_length_and_deterministic(hf_papers, hf_embeddings):
    assert hf_embeddings.shape == (len(hf_papers), DIMENSIONS)
    assert hf_embeddings.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(hf_embeddings, axis=1), 1.0, atol=1e-5)
    again = shared_encoder(2).encode(hf_papers["title"][:8].tolist(), hf_papers["abstract"][:8].tolist())
    np.testing.assert_allclose(again, hf_embeddings[:8], atol=1e-6)  # other batches, same vectors


def test_one_thread_and_two_threads_agree(hf_papers, hf_embeddings):
    titles, abstracts = hf_papers["title"][:4].tolist(), hf_papers["abstract"][:4].tolist()
    one = SentenceEncoder(threads=1).encode(titles, abstracts)
    np.testing.assert_allclose(one, hf_embeddings[:4], atol=1e-5)


def test_related_papers_are_closer_than_unrelated_ones():
    encoder = shared_encoder(2)
    a, b, c = encoder.encode(
        [
            "Diffusion models for image generation",
            "Denoising diffusion probabilistic image synthesis",
            "Protein folding with molecular dynamics",
        ],
        ["", "", ""],
    )
    assert a @ b > a @ c + 0.2


def test_empty_text_is_a_zero_row_and_long_text_is_truncated():
    encoder = shared_encoder(2)
    empty, long = encoder.encode(["", "word " * 2000], ["", ""])
    assert not empty.any()
    assert np.isclose(np.linalg.norm(long), 1.0)
    assert MAX_TOKENS == 256


def test_the_embedded_text_is_title_then_abstract_with_whitespace_normalised():
    assert embedding_text("A  title\n", " An\nabstract. ") == "A title. An abstract."
    assert embedding_text("Is it?", "Yes.") == "Is it? Yes."
    assert embedding_text("Only a title", "") == "Only a title"


def test_the_encoder_key_names_model_and_text_format():
    assert ENCODER_NAME == "all-MiniLM-L6-v2-onnx-int8"
    assert "+tok256+" in ENCODER_VERSION


def test_a_damaged_model_file_is_refused(monkeypatch, tmp_path):
    from model import embedding

    fake = tmp_path / "model.onnx"
    fake.write_bytes(b"not a model")
    monkeypatch.setattr(embedding, "model_file", lambda: fake)
    with pytest.raises(embedding.EncoderUnavailable, match="missing or damaged"):
        SentenceEncoder()
