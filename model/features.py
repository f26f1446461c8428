"""Text features: a term space and a latent (LSA) space fitted once on the unlabelled corpus.

A paper is title + abstract as one text. Terms are words and word pairs (stop-words removed;
in a corpus of 200+ papers, terms in fewer than 2 or more than MAX_DF of them dropped), weighted
by sublinear tf x idf**IDF_POWER and L2-normalised: an idf power above 1 favours the specific
words that tell a reader's papers apart from their field's (measured on citeulike-t and
expertise-dev, see model/README.md). The latent space is a
truncated SVD of the corpus's term rows (the TERM_LIMIT most frequent terms), L2-normalised:
it lets two papers that share no word but share a topic look alike. Each paper's term row is then
expanded with the rows of its nearest corpus papers (model/neighbours.py); the scored rows are the
expanded ones, and the paper's own share of them is kept apart for its reasons.

`prepare_corpus(frame)` is the expensive step. The resulting `PreparedCorpus` is immutable from
the outside, shared rather than copied by `copy.deepcopy` / `sklearn.base.clone`, and pickles
without its corpus rows (a fitted classifier that refers to it stays small).
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.preprocessing import normalize

from model.embedding_space import embedding_rows
from model.neighbours import NeighbourIndex, fit_neighbour_index

TEXT_COLUMNS = ("title", "abstract")
IDF_POWER = 2.5
MAX_DF = 0.1
LATENT_DIMENSIONS = 128
LATENT_MIN_DOCUMENTS = 20
TERM_LIMIT = 10_000
EXACT_SVD_MAX_DOCUMENTS = 1_500
SEED = 0
CALIBRATION_SAMPLE_SIZE = 500

# Words that say nothing about a paper's topic in an abstract; dropped like stop-words.
ACADEMIC_STOP_WORDS = frozenset(
    [
        "abstract", "paper", "papers", "propose", "proposed", "proposes", "present", "presents",
        "presented", "introduce", "introduces", "introduced", "show", "shows", "shown",
        "demonstrate", "demonstrates", "demonstrated", "study", "studies", "studied", "approach",
        "approaches", "method", "methods", "result", "results", "use", "uses", "used", "using",
        "based", "new", "novel", "work", "works", "existing", "significant", "significantly",
        "achieve", "achieves", "achieved", "furthermore", "moreover", "additionally", "finally",
        "respectively", "various", "different", "important", "including", "include", "includes",
        "provide", "provides", "provided", "et", "al", "e.g", "i.e", "via", "thus", "hence",
        "therefore", "also", "however", "although", "whereas", "while", "way", "ways", "make",
        "makes", "making", "made", "effective", "effectively", "recent", "recently", "allow",
        "allows", "enable", "enables", "extensive", "experiment", "experiments", "experimental",
        "outperform", "outperforms", "state", "art", "code", "available", "github", "com", "https",
        "http", "www"
    ]
)
STOP_WORDS = frozenset(ENGLISH_STOP_WORDS) | ACADEMIC_STOP_WORDS

# A token starts with a letter and has at least two more word characters: no numbers, no fragments.
TOKEN_PATTERN = r"(?u)\b[^\W\d_][\w\-]*[^\W_]\b"
_LATEX_COMMAND = re.compile(r"\\[A-Za-z]+\*?")
_LATEX_SYMBOLS = re.compile(r"[$^_{}\\~]")
_URL = re.compile(r"https?://\S+|www\.\S+")
_ROW_CACHE_SIZE = 20_000

PaperKey = tuple[str, str]


def clean_text(text: str) -> str:
    """Lower-case text with URLs, LaTeX commands and math punctuation removed."""
    text = _URL.sub(" ", text)
    text = _LATEX_COMMAND.sub(" ", text)
    text = _LATEX_SYMBOLS.sub(" ", text)
    return text.lower()


def paper_texts(frame: pd.DataFrame) -> tuple[list[str], list[str]]:
    """The title and abstract columns as lists of str (missing values become "")."""
    missing = [column for column in TEXT_COLUMNS if column not in frame.columns]
    if missing:
        raise ValueError(f"papers need the columns {TEXT_COLUMNS}; missing {missing}")
    titles = frame["title"].fillna("").astype(str).tolist()
    abstracts = frame["abstract"].fillna("").astype(str).tolist()
    return titles, abstracts


def fingerprint(frame: pd.DataFrame, vectors: tuple[np.ndarray, np.ndarray] | None = None) -> str:
    """A content hash of a papers frame (titles, abstracts and any vectors, in order); `vectors` is
    the frame's embedding_rows when the caller has them already."""
    titles, abstracts = paper_texts(frame)
    texts = pd.DataFrame({"title": titles, "abstract": abstracts})
    hashes = pd.util.hash_pandas_object(texts, index=False).to_numpy()
    digest = hashlib.blake2b(hashes.tobytes(), digest_size=16)
    digest.update(str(len(titles)).encode())
    matrix, present = vectors if vectors is not None else embedding_rows(frame)
    if present.any():  # the same texts with (more) vectors are another corpus
        digest.update(np.packbits(present).tobytes())
        digest.update(matrix.sum(axis=0).tobytes())
    return digest.hexdigest()


def _document(title: str, abstract: str) -> str:
    return f"{title}\n{abstract}"


def _is_readable(term: str) -> bool:
    """A term a reader understands as a reason: words of 3+ characters, no stop-words."""
    return all(len(word) >= 3 and word not in STOP_WORDS for word in term.split())


class TermSpace:
    """Vectoriser of papers into L2-normalised rows of sublinear tf x idf**idf_power."""

    def __init__(self, vectorizer: TfidfVectorizer, idf_power: float = IDF_POWER) -> None:
        self.vectorizer = vectorizer
        self.feature_names = vectorizer.get_feature_names_out()
        self.column_weights = vectorizer.idf_ ** (idf_power - 1.0)
        self.readable = np.array([_is_readable(term) for term in self.feature_names], dtype=bool)

    @property
    def n_features(self) -> int:
        return len(self.feature_names)

    def encode(self, titles: list[str], abstracts: list[str]) -> sp.csr_matrix:
        documents = [_document(t, a) for t, a in zip(titles, abstracts, strict=True)]
        rows = self.vectorizer.transform(documents)
        return normalize(rows @ sp.diags(self.column_weights)).tocsr()


def fit_term_space(documents: list[str], idf_power: float = IDF_POWER, max_df: float = MAX_DF) -> TermSpace:
    large = len(documents) >= 200
    vectorizer = TfidfVectorizer(
        preprocessor=clean_text, token_pattern=TOKEN_PATTERN, stop_words=sorted(STOP_WORDS),
        strip_accents="unicode", ngram_range=(1, 2), sublinear_tf=True, norm=None, dtype=np.float64,
        min_df=2 if large else 1, max_df=max_df if large else 1.0,
    )
    try:
        vectorizer.fit(documents)
    except ValueError:
        # Every paper empty or made only of stop-words: an unfiltered vocabulary with one dummy word.
        vectorizer = TfidfVectorizer(preprocessor=clean_text, token_pattern=r"(?u)\b\w+\b", norm=None)
        vectorizer.fit([*documents, "paper"])
    return TermSpace(vectorizer, idf_power)


@dataclass(frozen=True)
class LatentSpace:
    """Projection of term rows (restricted to `columns`) onto the corpus's top singular directions."""

    columns: np.ndarray  # term columns the SVD was fitted on
    components: np.ndarray  # (k, len(columns)), orthonormal rows; float32 holding float16 values

    def __getstate__(self) -> dict:
        # The components are rounded to float16 when fitted, so storing them as float16 is lossless
        # and halves the size of saved models.
        return {"columns": self.columns, "components": self.components.astype(np.float16)}

    def __setstate__(self, state: dict) -> None:
        object.__setattr__(self, "columns", state["columns"])
        object.__setattr__(self, "components", state["components"].astype(np.float32))

    @property
    def dimensions(self) -> int:
        return self.components.shape[0]

    def project(self, rows: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
        """L2-normalised latent vectors (zero for papers with none of the columns) and their norms
        before normalisation."""
        raw = np.asarray(rows[:, self.columns] @ self.components.T, dtype=np.float64)
        norms = np.linalg.norm(raw, axis=1)
        inverse = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
        return raw * inverse[:, None], norms


def fit_latent_space(matrix: sp.csr_matrix, dimensions: int = LATENT_DIMENSIONS) -> LatentSpace | None:
    n_documents, n_terms = matrix.shape
    if n_documents < LATENT_MIN_DOCUMENTS or n_terms < 3:
        return None
    document_frequency = np.bincount(matrix.indices, minlength=n_terms)
    columns = np.sort(np.argsort(-document_frequency, kind="stable")[:TERM_LIMIT])
    dimensions = min(dimensions, n_documents - 1, len(columns) - 1)
    if n_documents <= EXACT_SVD_MAX_DOCUMENTS:
        components = _exact_right_singular_vectors(matrix[:, columns], dimensions)
    else:
        svd = TruncatedSVD(dimensions, algorithm="randomized", n_iter=4, random_state=SEED)
        components = svd.fit(matrix[:, columns]).components_
    return LatentSpace(columns=columns, components=components.astype(np.float16).astype(np.float32))


def _exact_right_singular_vectors(matrix: sp.csr_matrix, dimensions: int) -> np.ndarray:
    """The top right singular vectors of a matrix with few rows, through its small Gram matrix.

    For a few hundred papers this is exact and far faster than the randomized SVD, whose QR
    steps work on a (terms x dimensions) block."""
    gram = (matrix @ matrix.T).toarray()
    eigenvalues, eigenvectors = np.linalg.eigh(gram)
    top = np.argsort(-eigenvalues, kind="stable")[:dimensions]
    singular = np.sqrt(np.clip(eigenvalues[top], 0.0, None))
    keep = singular > 1e-10 * max(singular.max(initial=0.0), 1e-300)
    vectors = np.asarray(matrix.T @ eigenvectors[:, top[keep]]).T / singular[keep, None]
    if keep.sum() < dimensions:  # rank-deficient corpus: pad with zero components
        vectors = np.vstack([vectors, np.zeros((dimensions - keep.sum(), matrix.shape[1]))])
    signs = np.sign(vectors[np.arange(len(vectors)), np.abs(vectors).argmax(axis=1)])
    return vectors * np.where(signs == 0, 1.0, signs)[:, None]


@dataclass(frozen=True)
class Encoded:
    """Papers in both spaces: expanded term rows (csr, L2), the paper's own terms' part of them
    (csr, same scale), latent rows of the expanded rows (dense; zero columns without a latent space),
    the latent rows' norms before normalisation (for exact explanations), and each paper's corpus
    neighbours with their weights in the expanded row (zero columns without a neighbour index)."""

    terms: sp.csr_matrix
    own: sp.csr_matrix
    latent: np.ndarray
    latent_norms: np.ndarray
    neighbour_ids: np.ndarray
    neighbour_weights: np.ndarray

    def __len__(self) -> int:
        return self.terms.shape[0]


def expand_rows(rows: sp.csr_matrix, latent: LatentSpace | None, index: NeighbourIndex | None) -> Encoded:
    """Encoded papers from their own L2 term rows: expanded with their corpus neighbours, then projected."""
    n = rows.shape[0]
    if index is None:
        terms, own = rows, rows
        ids, weights = np.zeros((n, 0), dtype=np.int32), np.zeros((n, 0), dtype=np.float32)
    else:
        ids, weights = index.nearest(rows)
        combined = (rows + index.context(ids, weights)).tocsr()
        norms = sp.linalg.norm(combined, axis=1)
        scale = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
        terms, own = (sp.diags(scale) @ combined).tocsr(), (sp.diags(scale) @ rows).tocsr()
        weights = (weights * scale[:, None]).astype(np.float32)
    if latent is None:
        return Encoded(terms, own, np.zeros((n, 0)), np.zeros(n), ids, weights)
    return Encoded(terms, own, *latent.project(terms), ids, weights)


class PreparedCorpus:
    """The fitted feature spaces, the corpus means (weak negatives), and cached encodings.

    `encode(frame)` looks corpus papers (and up to `_ROW_CACHE_SIZE` papers encoded since) up
    instead of re-tokenising them, so refits and rescoring of seen papers are cheap.
    """

    def __init__(self, terms: TermSpace, latent: LatentSpace | None, neighbours: NeighbourIndex | None,
                 corpus: Encoded, keys: list[PaperKey], corpus_fingerprint: str,
                 embeddings: np.ndarray | None = None, embedded: np.ndarray | None = None) -> None:
        self.terms = terms
        self.latent = latent
        self.neighbours = neighbours
        self.fingerprint = corpus_fingerprint
        self.n_documents = len(corpus)
        self._set_embedding_summary(keys, embeddings, embedded)
        self.term_mean = np.asarray(corpus.terms.mean(axis=0)).ravel() if len(corpus) else np.zeros(
            terms.n_features)
        self.latent_mean = corpus.latent.mean(axis=0) if len(corpus) else np.zeros(corpus.latent.shape[1])
        self._init_cache()
        for index, key in enumerate(keys[:_ROW_CACHE_SIZE]):
            self._cache[key] = self._entry(corpus, index)

    def _set_embedding_summary(self, keys: list[PaperKey], embeddings: np.ndarray | None,
                               embedded: np.ndarray | None) -> None:
        """The corpus's mean sentence embedding (None when no corpus paper has one) and a fixed
        sample of corpus papers, with their vectors, on which a fit measures how its decision values
        spread over the papers a reader sees (the calibration's unit)."""
        self.n_embedded = 0 if embedded is None else int(embedded.sum())
        self.embedding_mean: np.ndarray | None = None
        if self.n_embedded:
            assert embeddings is not None and embedded is not None  # n_embedded counts embedded rows
            self.embedding_mean = embeddings[embedded].mean(axis=0)
        rng = np.random.default_rng(SEED)
        chosen = np.sort(rng.permutation(len(keys))[:CALIBRATION_SAMPLE_SIZE])
        self.sample_frame = pd.DataFrame({"title": [keys[i][0] for i in chosen],
                                          "abstract": [keys[i][1] for i in chosen]})
        if embeddings is not None and embedded is not None and self.n_embedded:
            sample = embeddings[chosen].astype(np.float32)
            self.sample_frame["embedding"] = [row if embedded[i] else None
                                              for row, i in zip(sample, chosen, strict=True)]

    def _init_cache(self) -> None:
        self._cache: OrderedDict[PaperKey, tuple] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def _entry(encoded: Encoded, index: int) -> tuple:
        """What the cache keeps of one paper: its own terms, its neighbours, its latent row."""
        start, end = encoded.own.indptr[index], encoded.own.indptr[index + 1]
        return (encoded.own.indices[start:end], encoded.own.data[start:end], encoded.latent[index],
                encoded.latent_norms[index], encoded.neighbour_ids[index], encoded.neighbour_weights[index])

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
            fresh = encode_with(self.terms, self.latent, self.neighbours, [titles[i] for i in missing],
                                [abstracts[i] for i in missing])
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
        latent = np.empty((n, self.latent_dimensions))
        norms = np.empty(n)
        k = 0 if self.neighbours is None else self.neighbours.neighbours
        ids, weights = np.zeros((n, k), dtype=np.int32), np.zeros((n, k), dtype=np.float32)
        for i, entry in enumerate(entries):
            latent[i], norms[i], ids[i], weights[i] = entry[2], entry[3], entry[4], entry[5]
        terms = own if self.neighbours is None else (own + self.neighbours.context(ids, weights)).tocsr()
        return Encoded(terms, own, latent, norms, ids, weights)

    def __deepcopy__(self, memo: dict) -> PreparedCorpus:
        # Immutable after construction: clone() and deepcopy share it instead of copying it.
        return self

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        del state["_cache"], state["_lock"]
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._init_cache()


def encode_with(terms: TermSpace, latent: LatentSpace | None, neighbours: NeighbourIndex | None,
                titles: list[str], abstracts: list[str]) -> Encoded:
    return expand_rows(terms.encode(titles, abstracts), latent, neighbours)


def prepare_corpus(corpus: pd.DataFrame, idf_power: float = IDF_POWER, max_df: float = MAX_DF,
                   latent_dimensions: int = LATENT_DIMENSIONS, expand: bool = True) -> PreparedCorpus:
    """Fit the term and latent spaces and the neighbour index on every corpus paper (labelled or
    not) and encode them.

    latent_dimensions=0 turns the latent space off, expand=False the document expansion."""
    titles, abstracts = paper_texts(corpus)
    first_of = dict.fromkeys(zip(titles, abstracts, strict=True))
    keys = list(first_of)
    terms = fit_term_space([_document(t, a) for t, a in keys], idf_power, max_df)
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
    return PreparedCorpus(terms, latent, neighbours, encoded, keys, fingerprint(corpus, (vectors, present)),
                          vectors[order] if len(keys) else None, present[order] if len(keys) else None)
