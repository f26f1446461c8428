"""The corpus's feature spaces, fitted once on the unlabelled corpus, and papers encoded in them.

A paper is title + abstract as one text (model/text.py). `prepare_corpus` fits the term space
(model/term_space.py) and the latent space (model/latent_space.py) on the corpus, and a neighbour
index over its term rows (model/neighbours.py): each paper's term row is expanded with the rows of
its nearest corpus papers; the scored rows are the expanded ones, and the paper's own share of them
is kept apart for its reasons (model/encoded.py). It also keeps the corpus means (weak negatives),
the mean sentence vector, the sentence vectors' own neighbourhood (model/embedding_neighbours.py: a
fixed 5,000-paper sample every centred vector is expanded with, from 1,000 embedded papers), a
fixed 500-paper sample for the calibration's unit, and the centred (and expanded) vectors of a
fixed 2,000-paper sample the prior's pseudo-relevance feedback searches (model/prior.py).

`prepare_corpus(frame)` is the expensive step. The resulting `PreparedCorpus` is immutable from
the outside, shared rather than copied by `copy.deepcopy` / `sklearn.base.clone`, and pickles
without its corpus rows (a fitted classifier that refers to it stays small).
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np
import pandas as pd
import scipy.sparse as sp

from model.embedding_neighbours import EmbeddingNeighbours, fit_embedding_neighbours
from model.embedding_space import embedding_rows
from model.encoded import Encoded, encode_with, expand_rows
from model.latent_space import LATENT_DIMENSIONS, LatentSpace, fit_latent_space
from model.neighbours import NeighbourIndex, fit_neighbour_index
from model.term_space import IDF_POWER, MAX_DF, TermSpace, fit_term_space
from model.text import document, fingerprint, paper_texts

SEED = 0
CALIBRATION_SAMPLE_SIZE = 500
FEEDBACK_SAMPLE_SIZE = 2_000
_ROW_CACHE_SIZE = 20_000

PaperKey = tuple[str, str]


class PreparedCorpus:
    """The fitted feature spaces, the corpus means (weak negatives), and cached encodings.

    `encode(frame)` looks corpus papers (and up to `_ROW_CACHE_SIZE` papers encoded since) up
    instead of re-tokenising them, so refits and rescoring of seen papers are cheap.
    """

    def __init__(
        self,
        terms: TermSpace,
        latent: LatentSpace | None,
        neighbours: NeighbourIndex | None,
        corpus: Encoded,
        keys: list[PaperKey],
        corpus_fingerprint: str,
        embeddings: np.ndarray | None = None,
        embedded: np.ndarray | None = None,
        expand_embeddings: bool = True,
    ) -> None:
        self.terms = terms
        self.latent = latent
        self.neighbours = neighbours
        self.fingerprint = corpus_fingerprint
        self.n_documents = len(corpus)
        self._set_embedding_summary(keys, embeddings, embedded, expand_embeddings)
        self.term_mean = (
            np.asarray(corpus.terms.mean(axis=0)).ravel() if len(corpus) else np.zeros(terms.n_features)
        )
        self.latent_mean = corpus.latent.mean(axis=0) if len(corpus) else np.zeros(corpus.latent.shape[1])
        self._init_cache()
        for index, key in enumerate(keys[:_ROW_CACHE_SIZE]):
            self._cache[key] = self._entry(corpus, index)

    def _set_embedding_summary(
        self,
        keys: list[PaperKey],
        embeddings: np.ndarray | None,
        embedded: np.ndarray | None,
        expand_embeddings: bool,
    ) -> None:
        """The corpus's mean sentence embedding (None when no corpus paper has one), the samples
        the prior's feedback and the embedding expansion search, and a fixed sample of corpus papers,
        with their vectors, on which a fit measures how its decision values spread over the papers a
        reader sees (the calibration's unit)."""
        self.n_embedded = 0 if embedded is None else int(embedded.sum())
        self.embedding_mean: np.ndarray | None = None
        self.feedback_vectors: np.ndarray | None = None
        self.embedding_neighbours: EmbeddingNeighbours | None = None
        self.feedback_expanded: np.ndarray | None = None  # feedback_vectors expanded (float32)
        rng = np.random.default_rng(SEED)
        if self.n_embedded:
            assert embeddings is not None and embedded is not None  # n_embedded counts embedded rows
            self.embedding_mean = embeddings[embedded].mean(axis=0)
            rows = np.flatnonzero(embedded)
            feedback_rng = np.random.default_rng([SEED, 1])  # own draws: the calibration's stays as it was
            picked = np.sort(feedback_rng.permutation(len(rows))[:FEEDBACK_SAMPLE_SIZE])
            self.feedback_vectors = (embeddings[rows[picked]] - self.embedding_mean).astype(np.float16)
            if expand_embeddings:
                self.embedding_neighbours = fit_embedding_neighbours(
                    embeddings, rows, self.embedding_mean, np.random.default_rng([SEED, 2])
                )
            if self.embedding_neighbours is not None:  # expanded here, where the corpus is prepared
                feedback = self.feedback_vectors.astype(np.float64)
                expanded = self.expanded_embeddings(feedback, remember=False)
                self.feedback_expanded = expanded.astype(np.float32)
        chosen = np.sort(rng.permutation(len(keys))[:CALIBRATION_SAMPLE_SIZE])
        self.sample_frame = pd.DataFrame(
            {"title": [keys[i][0] for i in chosen], "abstract": [keys[i][1] for i in chosen]}
        )
        if embeddings is not None and embedded is not None and self.n_embedded:
            sample = embeddings[chosen].astype(np.float32)
            self.sample_frame["embedding"] = [
                row if embedded[i] else None for row, i in zip(sample, chosen, strict=True)
            ]

    def _init_cache(self) -> None:
        self._cache: OrderedDict[PaperKey, tuple] = OrderedDict()
        self._lock = threading.Lock()
        self._sample: tuple[Encoded, np.ndarray, np.ndarray] | None = None

    def sample_encoding(self) -> tuple[Encoded, np.ndarray, np.ndarray]:
        """The calibration sample encoded, with its embedding rows and their mask: every fit on these
        features reads them, so they are computed once (two threads may both compute them first)."""
        if self._sample is None:
            self._sample = (self.encode(self.sample_frame), *embedding_rows(self.sample_frame))
        return self._sample

    def feedback_matrix(self) -> np.ndarray | None:
        """The feedback sample's vectors, expanded as every paper's vector is, as float64: widened
        for each fit (a fraction of a millisecond) rather than kept twice."""
        if self.feedback_vectors is None:
            return None
        vectors = self.feedback_vectors if self.feedback_expanded is None else self.feedback_expanded
        return vectors.astype(np.float64)

    def expanded_embeddings(self, centred: np.ndarray, remember: bool = True) -> np.ndarray:
        """Centred sentence vectors expanded with their corpus neighbours
        (model/embedding_neighbours.py); unchanged without a neighbourhood."""
        if self.embedding_neighbours is None:
            return centred
        return self.embedding_neighbours.expand(centred, remember=remember)

    @staticmethod
    def _entry(encoded: Encoded, index: int) -> tuple:
        """What the cache keeps of one paper: its own terms, its neighbours, its latent row."""
        start, end = encoded.own.indptr[index], encoded.own.indptr[index + 1]
        return (
            encoded.own.indices[start:end],
            encoded.own.data[start:end],
            encoded.latent[index],
            encoded.latent_norms[index],
            encoded.neighbour_ids[index],
            encoded.neighbour_weights[index],
        )

    @property
    def n_features(self) -> int:
        return self.terms.n_features

    @property
    def latent_dimensions(self) -> int:
        return 0 if self.latent is None else self.latent.dimensions

    @property
    def feature_names(self) -> np.ndarray:
        return self.terms.feature_names

    @property
    def readable(self) -> np.ndarray:
        return self.terms.readable

    def encode(self, frame: pd.DataFrame) -> Encoded:
        """Both encodings of the papers in `frame`, in order."""
        titles, abstracts = paper_texts(frame)
        keys = list(zip(titles, abstracts, strict=True))
        entries: list[tuple | None] = [None] * len(keys)
        with self._lock:
            for i, key in enumerate(keys):
                entry = self._cache.get(key)
                if entry is not None:
                    self._cache.move_to_end(key)
                    entries[i] = entry
        missing = [i for i, entry in enumerate(entries) if entry is None]
        if missing:
            fresh = encode_with(
                self.terms,
                self.latent,
                self.neighbours,
                [titles[i] for i in missing],
                [abstracts[i] for i in missing],
            )
            with self._lock:
                for position, i in enumerate(missing):
                    entries[i] = fresh_entry = self._entry(fresh, position)
                    self._cache[keys[i]] = fresh_entry
                while len(self._cache) > _ROW_CACHE_SIZE:
                    self._cache.popitem(last=False)
        return self._stack(entries)

    def _stack(self, entries: list) -> Encoded:
        n = len(entries)
        lengths = np.fromiter((len(entry[0]) for entry in entries), dtype=np.int64, count=n)
        indptr = np.concatenate([[0], np.cumsum(lengths)])
        if n:
            indices = np.concatenate([entry[0] for entry in entries])
            data = np.concatenate([entry[1] for entry in entries])
        else:
            indices, data = np.zeros(0, dtype=np.int32), np.zeros(0)
        own = sp.csr_matrix((data, indices, indptr), shape=(n, self.n_features))
        k = 0 if self.neighbours is None else self.neighbours.neighbours
        if n:
            latent = np.array([entry[2] for entry in entries], dtype=np.float64).reshape(
                n, self.latent_dimensions
            )
            norms = np.fromiter((entry[3] for entry in entries), dtype=np.float64, count=n)
            ids = np.array([entry[4] for entry in entries], dtype=np.int32).reshape(n, k)
            weights = np.array([entry[5] for entry in entries], dtype=np.float32).reshape(n, k)
        else:
            latent, norms = np.empty((0, self.latent_dimensions)), np.empty(0)
            ids, weights = np.zeros((0, k), dtype=np.int32), np.zeros((0, k), dtype=np.float32)
        terms = own if self.neighbours is None else (own + self.neighbours.context(ids, weights)).tocsr()
        return Encoded(terms, own, latent, norms, ids, weights)

    def __deepcopy__(self, memo: dict) -> PreparedCorpus:
        # Immutable after construction: clone() and deepcopy share it instead of copying it.
        return self

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        del state["_cache"], state["_lock"], state["_sample"]
        return state

    def __setstate__(self, state: dict) -> None:
        state.setdefault("feedback_vectors", None)  # features saved before pseudo-relevance feedback
        state.setdefault("embedding_neighbours", None)  # ... before the embedding expansion
        state.setdefault("feedback_expanded", None)
        self.__dict__.update(state)
        self._init_cache()


def prepare_corpus(
    corpus: pd.DataFrame,
    idf_power: float = IDF_POWER,
    max_df: float = MAX_DF,
    latent_dimensions: int = LATENT_DIMENSIONS,
    expand: bool = True,
    expand_embeddings: bool = True,
) -> PreparedCorpus:
    """Fit the term and latent spaces and the neighbour indexes on every corpus paper (labelled or
    not) and encode them.

    latent_dimensions=0 turns the latent space off, expand=False the term rows' document expansion,
    expand_embeddings=False the sentence vectors'."""
    titles, abstracts = paper_texts(corpus)
    first_of = dict.fromkeys(zip(titles, abstracts, strict=True))
    keys = list(first_of)
    terms = fit_term_space([document(t, a) for t, a in keys], idf_power, max_df)
    rows = terms.encode([t for t, _ in keys], [a for _, a in keys])
    latent = fit_latent_space(rows, latent_dimensions) if latent_dimensions > 0 else None
    neighbours = fit_neighbour_index(rows) if expand else None
    encoded = expand_rows(rows, latent, neighbours)
    vectors, present = embedding_rows(corpus)
    position: dict[tuple[str, str], int] = {}
    # each distinct paper's first row that has a vector (else its first row)
    for i, key in enumerate(zip(titles, abstracts, strict=True)):
        if key not in position or (present[i] and not present[position[key]]):
            position[key] = i
    order = np.array([position[key] for key in keys], dtype=int)
    return PreparedCorpus(
        terms,
        latent,
        neighbours,
        encoded,
        keys,
        fingerprint(corpus, (vectors, present)),
        vectors[order] if len(keys) else None,
        present[order] if len(keys) else None,
        expand_embeddings,
    )
