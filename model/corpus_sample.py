"""Corpus features for a large corpus, fitted on a bounded, deterministic sample of it.

`prepare_corpus` holds every paper's text, term row and vector at once: past ~20,000 papers that is
hundreds of MB and minutes. `prepare_corpus_sampled` reads the corpus once, as a stream of chunks,
and keeps only the `sample_size` distinct papers whose content hash is smallest (a bottom-k sample:
the same papers whatever order the chunks come in, and a paper stays in the sample as the corpus
grows unless smaller hashes push it out). The vocabulary, idf, latent space, neighbour index and
the corpus means are fitted on that sample; the corpus's mean sentence vector is taken over every
paper that has one. Callers use it only past `sample_size` papers (server/profile_models.py), so
that smaller corpora keep exactly `prepare_corpus`'s features.
"""

from __future__ import annotations

import hashlib
import heapq
from collections.abc import Iterable

import numpy as np
import pandas as pd

from model.embedding import DIMENSIONS
from model.embedding_space import embedding_rows
from model.features import PreparedCorpus, prepare_corpus
from model.latent_space import LATENT_DIMENSIONS
from model.term_space import IDF_POWER, MAX_DF
from model.text import paper_texts

FIT_SAMPLE_SIZE = 15_000


def _key_hash(title: str, abstract: str) -> int:
    digest = hashlib.blake2b(f"{title}\0{abstract}".encode("utf-8", "surrogatepass"), digest_size=8)
    return int.from_bytes(digest.digest(), "little")


def prepare_corpus_sampled(
    chunks: Iterable[pd.DataFrame],
    sample_size: int = FIT_SAMPLE_SIZE,
    idf_power: float = IDF_POWER,
    max_df: float = MAX_DF,
    latent_dimensions: int = LATENT_DIMENSIONS,
) -> PreparedCorpus | None:
    """Corpus features from papers frames (title, abstract, optional embedding) read one at a time;
    None for an empty corpus."""
    heap: list[tuple[int, str, str, np.ndarray | None]] = []  # max-heap by -hash: the smallest kept
    seen: set[int] = set()
    with_vector: set[int] = set()
    vector_sum = np.zeros(DIMENSIONS)
    for chunk in chunks:
        titles, abstracts = paper_texts(chunk)
        vectors, present = embedding_rows(chunk)
        for title, abstract, vector, has in zip(titles, abstracts, vectors, present, strict=True):
            key = _key_hash(title, abstract)
            if has and key not in with_vector:  # each distinct paper's vector counted once
                with_vector.add(key)
                vector_sum += vector
            if key in seen:
                continue
            seen.add(key)
            entry = (-key, title, abstract, vector.astype(np.float32) if has else None)
            if len(heap) < sample_size:
                heapq.heappush(heap, entry)
            elif key < -heap[0][0]:
                heapq.heapreplace(heap, entry)
    if not seen:
        return None
    frame = _frame(sorted(heap, key=lambda entry: -entry[0]))
    prepared = prepare_corpus(frame, idf_power, max_df, latent_dimensions)
    prepared.n_documents = len(seen)
    prepared.n_embedded = len(with_vector)
    prepared.embedding_mean = vector_sum / len(with_vector) if with_vector else None
    prepared.fingerprint = _fingerprint(seen, with_vector)
    return prepared


def _fingerprint(papers: set[int], with_vector: set[int]) -> str:
    """A content hash of the distinct papers and of which have vectors, whatever their order."""
    digest = hashlib.blake2b(digest_size=16)
    for keys in (papers, with_vector):
        digest.update(len(keys).to_bytes(8, "little"))
        digest.update((sum(keys) % 2**64).to_bytes(8, "little"))
        digest.update(np.bitwise_xor.reduce(np.fromiter(keys, dtype=np.uint64, count=len(keys))).tobytes())
    return digest.hexdigest()


def _frame(entries: list[tuple[int, str, str, np.ndarray | None]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "title": [entry[1] for entry in entries],
            "abstract": [entry[2] for entry in entries],
            "embedding": pd.Series([entry[3] for entry in entries], dtype="object"),
        }
    )
