"""Text features: a TF-IDF space fitted once on the unlabelled corpus, shared by every fit.

`prepare_corpus(frame)` is the expensive step (it learns the vocabulary and IDF weights and
vectorises every corpus paper). The resulting `PreparedCorpus` is immutable from the outside,
picklable, and shared rather than copied by `copy.deepcopy` / `sklearn.base.clone`.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.preprocessing import normalize

TEXT_COLUMNS = ("title", "abstract")

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


def fingerprint(frame: pd.DataFrame) -> str:
    """A content hash of a papers frame (titles and abstracts, in order)."""
    titles, abstracts = paper_texts(frame)
    texts = pd.DataFrame({"title": titles, "abstract": abstracts})
    hashes = pd.util.hash_pandas_object(texts, index=False).to_numpy()
    digest = hashlib.blake2b(hashes.tobytes(), digest_size=16)
    digest.update(str(len(titles)).encode())
    return digest.hexdigest()


def _make_vectorizer(n_documents: int) -> TfidfVectorizer:
    large = n_documents >= 200
    return TfidfVectorizer(
        preprocessor=clean_text,
        token_pattern=TOKEN_PATTERN,
        stop_words=sorted(STOP_WORDS),
        strip_accents="unicode",
        ngram_range=(1, 2),
        sublinear_tf=True,
        min_df=2 if large else 1,
        max_df=0.5 if large else 1.0,
        dtype=np.float64,
    )


class PreparedCorpus:
    """A fitted TF-IDF space plus the vectorised corpus papers.

    `transform(frame)` maps papers to L2-normalised rows; the title counts `title_weight`
    times as much as the abstract. Rows of corpus papers, and of up to `_ROW_CACHE_SIZE`
    other papers transformed before, are looked up instead of re-tokenised.
    """

    def __init__(self, vectorizer: TfidfVectorizer, title_weight: float, matrix: sp.csr_matrix,
                 keys: list[tuple[str, str]], corpus_fingerprint: str) -> None:
        self.vectorizer = vectorizer
        self.title_weight = title_weight
        self.matrix = matrix
        self.fingerprint = corpus_fingerprint
        self.keys = keys
        self.feature_names = vectorizer.get_feature_names_out()
        self.readable = np.array([_is_readable(term) for term in self.feature_names], dtype=bool)
        self._init_caches()

    def _init_caches(self) -> None:
        self._corpus_index = {key: index for index, key in enumerate(self.keys)}
        self._recent: OrderedDict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def n_features(self) -> int:
        return len(self.feature_names)

    @property
    def n_documents(self) -> int:
        return self.matrix.shape[0]

    def transform(self, frame: pd.DataFrame) -> sp.csr_matrix:
        """L2-normalised TF-IDF rows for the papers in `frame`, in order."""
        titles, abstracts = paper_texts(frame)
        keys = list(zip(titles, abstracts, strict=True))
        indices: list[np.ndarray | None] = [None] * len(keys)
        values: list[np.ndarray | None] = [None] * len(keys)
        matrix = self.matrix
        missing = []
        with self._lock:
            for i, key in enumerate(keys):
                row = self._corpus_index.get(key)
                if row is not None:
                    start, end = matrix.indptr[row], matrix.indptr[row + 1]
                    indices[i], values[i] = matrix.indices[start:end], matrix.data[start:end]
                    continue
                cached = self._recent.get(key)
                if cached is None:
                    missing.append(i)
                else:
                    self._recent.move_to_end(key)
                    indices[i], values[i] = cached
        if missing:
            fresh = self._vectorize([titles[i] for i in missing], [abstracts[i] for i in missing])
            with self._lock:
                for position, i in enumerate(missing):
                    start, end = fresh.indptr[position], fresh.indptr[position + 1]
                    indices[i], values[i] = fresh.indices[start:end].copy(), fresh.data[start:end].copy()
                    self._recent[keys[i]] = (indices[i], values[i])
                while len(self._recent) > _ROW_CACHE_SIZE:
                    self._recent.popitem(last=False)
        return _stack_rows(indices, values, self.n_features)

    def _vectorize(self, titles: list[str], abstracts: list[str]) -> sp.csr_matrix:
        return vectorize(self.vectorizer, self.title_weight, titles, abstracts)

    def terms(self, indices: Iterable[int]) -> list[str]:
        return [str(self.feature_names[i]) for i in indices]

    def __deepcopy__(self, memo: dict) -> PreparedCorpus:
        # Immutable after construction: clone() and deepcopy share it instead of copying it.
        return self

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        for cache in ("_corpus_index", "_recent", "_lock"):
            del state[cache]
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._init_caches()


def _stack_rows(indices: list, values: list, n_features: int) -> sp.csr_matrix:
    lengths = np.fromiter((len(row) for row in indices), dtype=np.int64, count=len(indices))
    indptr = np.concatenate([[0], np.cumsum(lengths)])
    if len(indices) == 0:
        return sp.csr_matrix((0, n_features))
    return sp.csr_matrix((np.concatenate(values), np.concatenate(indices), indptr),
                         shape=(len(indices), n_features))


def vectorize(vectorizer: TfidfVectorizer, title_weight: float, titles: list[str],
              abstracts: list[str]) -> sp.csr_matrix:
    """Rows = normalised (title_weight * title tf-idf + abstract tf-idf)."""
    title_rows = normalize(vectorizer.transform(titles))
    abstract_rows = normalize(vectorizer.transform(abstracts))
    return normalize((title_weight * title_rows + abstract_rows).tocsr())


def _is_readable(term: str) -> bool:
    """A term a reader understands as a reason: words of 3+ characters, no stop-words."""
    words = term.split()
    return all(len(word) >= 3 and word not in STOP_WORDS for word in words)


def prepare_corpus(corpus: pd.DataFrame, title_weight: float = 1.0) -> PreparedCorpus:
    """Fit the TF-IDF space on every corpus paper (labelled or not) and vectorise them."""
    titles, abstracts = paper_texts(corpus)
    keys = list(zip(titles, abstracts, strict=True))
    unique_keys = list(dict.fromkeys(keys))
    documents = [f"{title} {abstract}" for title, abstract in unique_keys]
    vectorizer = _make_vectorizer(len(documents))
    try:
        vectorizer.fit(documents)
    except ValueError:
        # Every paper empty or made only of stop-words: fall back to an unfiltered vocabulary.
        vectorizer = TfidfVectorizer(preprocessor=clean_text, token_pattern=r"(?u)\b\w+\b")
        vectorizer.fit([*documents, "paper"])
    if unique_keys:
        matrix = vectorize(vectorizer, title_weight, [t for t, _ in unique_keys], [a for _, a in unique_keys])
    else:
        matrix = sp.csr_matrix((0, len(vectorizer.vocabulary_)))
    return PreparedCorpus(vectorizer, title_weight, matrix, unique_keys, fingerprint(corpus))
