"""The reference baselines' text features: arxiv-sanity-lite's TF-IDF vectorizer (its compute.py)."""

from __future__ import annotations

from sklearn.feature_extraction.text import TfidfVectorizer


def arxiv_sanity_vectorizer(min_df: int = 5) -> TfidfVectorizer:
    """The vectorizer of citeulike-t's evaluate_reference.py, unfitted (min_df 5 there)."""
    return TfidfVectorizer(
        strip_accents="unicode",
        lowercase=True,
        stop_words="english",
        token_pattern=r"(?u)\b[a-zA-Z_][a-zA-Z0-9_]+\b",
        ngram_range=(1, 2),
        max_features=20000,
        sublinear_tf=True,
        max_df=0.1,
        min_df=min_df,
    )


def plain_vectorizer() -> TfidfVectorizer:
    """scikit-learn's TF-IDF with sublinear tf, English stop words and word pairs, no document-frequency cut.

    On expertise-dev's 695 papers this is the vectorizer behind the issue's "TF-IDF cosine-to-mean
    0.219" (Rocchio on it reproduces that loss exactly); arxiv-sanity-lite's min_df 5 and max_df 0.1
    suit a corpus of tens of thousands of papers, not a few hundred."""
    return TfidfVectorizer(sublinear_tf=True, stop_words="english", ngram_range=(1, 2))
