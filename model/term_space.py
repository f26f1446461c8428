"""The term space: words and word pairs of title + abstract, weighted by sublinear tf x idf**IDF_POWER
and L2-normalised; fitted once on the unlabelled corpus (see model/features.py)."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from model.text import STOP_WORDS, TOKEN_PATTERN, clean_text, document, is_readable

IDF_POWER = 2.5
MAX_DF = 0.1


class TermSpace:
    """Vectoriser of papers into L2-normalised rows of sublinear tf x idf**idf_power."""

    def __init__(self, vectorizer: TfidfVectorizer, idf_power: float = IDF_POWER) -> None:
        self.vectorizer = vectorizer
        self.feature_names = vectorizer.get_feature_names_out()
        self.column_weights = vectorizer.idf_ ** (idf_power - 1.0)
        self.readable = np.array([is_readable(term) for term in self.feature_names], dtype=bool)

    @property
    def n_features(self) -> int:
        return len(self.feature_names)

    def encode(self, titles: list[str], abstracts: list[str]) -> sp.csr_matrix:
        documents = [document(t, a) for t, a in zip(titles, abstracts, strict=True)]
        rows = self.vectorizer.transform(documents)
        return normalize(rows @ sp.diags(self.column_weights)).tocsr()


def fit_term_space(documents: list[str], idf_power: float = IDF_POWER, max_df: float = MAX_DF) -> TermSpace:
    large = len(documents) >= 200
    vectorizer = TfidfVectorizer(
        preprocessor=clean_text,
        token_pattern=TOKEN_PATTERN,
        stop_words=sorted(STOP_WORDS),
        strip_accents="unicode",
        ngram_range=(1, 2),
        sublinear_tf=True,
        norm=None,
        dtype=np.float64,
        min_df=2 if large else 1,
        max_df=max_df if large else 1.0,
    )
    try:
        vectorizer.fit(documents)
    except ValueError:
        # Every paper empty or made only of stop-words: an unfiltered vocabulary with one dummy word.
        vectorizer = TfidfVectorizer(preprocessor=clean_text, token_pattern=r"(?u)\b\w+\b", norm=None)
        vectorizer.fit([*documents, "paper"])
    return TermSpace(vectorizer, idf_power)
