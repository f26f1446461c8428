"""A profile's corpus features: fitted on everything the profile has seen or rated, in the server
for a small corpus and in a child process for a large one, and when to fit them again."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from threadpoolctl import threadpool_limits

from model import prepare_corpus
from model.corpus_sample import FIT_SAMPLE_SIZE, prepare_corpus_sampled
from model.text import TEXT_COLUMNS
from server.child_process import run_in_child
from server.store import Store

MODEL_COLUMNS = [*TEXT_COLUMNS, "embedding"]  # embedding: float32 (384,) vector or None (provisional)
CORPUS_REFRESH_GROWTH = 1.25  # refit corpus features once the corpus is a quarter larger
CORPUS_REFRESH_MIN_NEW = 50
IN_PROCESS_MAX_PAPERS = 2_000


@dataclass(frozen=True)
class CorpusFeatures:
    """Corpus-level features fitted on `size` papers of a profile's corpus, `embedded` of which had
    a sentence vector then."""

    features: Any
    size: int
    embedded: int = 0

    def outgrown_by(self, size: int, embedded: int = 0) -> bool:
        """Refit once the corpus has grown by a quarter, or once a quarter of it has gained vectors."""
        grown = size >= self.size * CORPUS_REFRESH_GROWTH and size - self.size >= CORPUS_REFRESH_MIN_NEW
        new_vectors = embedded - self.embedded
        vectors_arrived = new_vectors >= max(CORPUS_REFRESH_MIN_NEW, (CORPUS_REFRESH_GROWTH - 1) * self.size)
        return grown or vectors_arrived


def prepare_profile_corpus(data_dir: Path, profile: str) -> CorpusFeatures | None:
    """Fit corpus features on everything a profile has seen or rated; None for an empty corpus.

    A large corpus is read and fitted in a child process, so that neither the corpus's text nor the
    fit's memory peak (the whole word-pair vocabulary before pruning, hundreds of MB for 20,000
    papers) ever lands in the server's heap; only the fitted features come back."""
    with Store.open(data_dir, setup=False) as store:
        size = store.corpus_size(profile)
        if size <= IN_PROCESS_MAX_PAPERS:
            return _prepare_from_store(store, profile)
    return run_in_child(_prepare_in_child, data_dir, profile)  # ends with the server, killed or not


def _prepare_from_store(store: Store, profile: str) -> CorpusFeatures | None:
    corpus = store.corpus(profile)
    if not len(corpus):
        return None
    embedded = int(corpus["embedding"].map(lambda v: v is not None).sum())
    return CorpusFeatures(prepare_corpus(corpus[MODEL_COLUMNS]), len(corpus), embedded)


def _prepare_in_child(data_dir: Path, profile: str) -> CorpusFeatures | None:
    """In the child process: one BLAS thread, to leave the other cores to the server. A corpus
    beyond FIT_SAMPLE_SIZE papers is streamed from the store, and its features are fitted on a
    bounded sample of it (model/corpus_sample.py): the child's memory and time stop growing there."""
    with threadpool_limits(limits=1), Store.open(data_dir, setup=False) as store:
        size, embedded = store.corpus_counts(profile)
        if size <= FIT_SAMPLE_SIZE:
            return _prepare_from_store(store, profile)
        features = prepare_corpus_sampled(store.corpus_chunks(profile), FIT_SAMPLE_SIZE)
        return None if features is None else CorpusFeatures(features, size, embedded)
