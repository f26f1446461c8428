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
