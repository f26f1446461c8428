r"""Digest-replay episodes on citeulike-t: one page of 100 papers per sampled user.

"random" pages follow citeulike-t/README.md and evaluate_reference.py exactly: users with at least
held_out + max(budgets) library items, ``default_rng(seed).choice(eligible, users, replace=False)``,
and per user ``default_rng([seed, user])``: shuffle the library (first 5 = held-out relevant items,
next 20 = the thumbs-up order), draw 135 non-library pool items (first 95 = page negatives, other
40 = the thumbs-down order), shuffle the 100-paper page.

"same-field" pages are harder: the page negatives and the thumbs-down order come from the reader's
own field instead of all sciences. The field of user u is the NEIGHBOURHOOD_SIZE (2,000, about 8% of
the pool) non-library pool items whose CiteULike tags are most similar to those of u's whole library:
items are tag vectors (each tag one token, TfidfVectorizer(token_pattern=r"\S+", lowercase=False)
with its defaults: smoothed idf, L2 rows, fitted on all 25,975 items), the library's profile is the
mean of its items' rows, similarity is the dot product (ties broken by lower item id). Candidates
that are near-duplicates of a library item (word TF-IDF cosine >= 0.9 with any of them, the README's
"same paper saved twice" threshold; 27 of the 19,000 page negatives otherwise) are left out first,
since they are the reader's papers under another id. The 135 items
are then drawn uniformly without replacement from the field with the same per-user generator, after
the same library shuffle, so the held-out items and the thumbs-ups are the random variant's and only
the negatives change. Tags only BUILD the pages; no method sees them. Tags rather than the words
define the field so that the page is not built against one text representation: with the nearest
1,000 items by word TF-IDF cosine, Rocchio's AUC fell below 0.5 (the negatives were closer to the
centroid than the reader's own papers), which measures the page construction, not the reader.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from training.datasets.citeulike import CiteULike

VARIANTS = ("random", "same-field")
NEIGHBOURHOOD_SIZE = 2000
DUPLICATE_COSINE = 0.9


@dataclass(frozen=True)
class ReplaySettings:
    users: int = 200
    budgets: tuple[int, ...] = (2, 5, 10, 20)
    page_size: int = 100
    held_out: int = 5
    seed: int = 0
    min_library: int | None = None  # eligible readers' library size; None: held_out + max(budgets)


@dataclass(frozen=True)
class Episode:
    user: int
    page: np.ndarray  # item ids, shuffled
    relevant: np.ndarray  # bool per page position
    ups: np.ndarray  # thumbs-up order (item ids)
    downs: np.ndarray  # thumbs-down order (item ids)


def eligible_users(data: CiteULike, settings: ReplaySettings) -> list[int]:
    min_library = settings.min_library or settings.held_out + max(settings.budgets)
    return [u for u, lib in enumerate(data.libraries) if len(lib) >= min_library]


def sampled_users(data: CiteULike, settings: ReplaySettings) -> np.ndarray:
    eligible = eligible_users(data, settings)
    rng = np.random.default_rng(settings.seed)
    return np.sort(rng.choice(eligible, size=min(settings.users, len(eligible)), replace=False))


def tag_vectors(tags: pd.Series) -> sp.csr_matrix:
    """One L2-normalised tf-idf row of CiteULike tags per item (page construction only)."""
    return TfidfVectorizer(token_pattern=r"\S+", lowercase=False).fit_transform(tags).tocsr()


def same_field_neighbourhood(
    tag_rows: sp.csr_matrix,
    tfidf: sp.csr_matrix,
    pool: np.ndarray,
    library: np.ndarray,
    size: int = NEIGHBOURHOOD_SIZE,
) -> np.ndarray:
    """The `size` non-library pool items whose tags are nearest the library's tag profile, sorted by id.

    Near-duplicates of library items (word TF-IDF cosine >= DUPLICATE_COSINE) are left out first."""
    candidates = np.setdiff1d(pool, library)
    twin = (tfidf[candidates] @ tfidf[library].T).max(axis=1).toarray().ravel() >= DUPLICATE_COSINE
    candidates = candidates[~twin]
    profile = np.asarray(tag_rows[library].mean(axis=0)).ravel()
    similarity = tag_rows[candidates] @ profile
    nearest = np.lexsort((candidates, -similarity))[:size]  # highest cosine first, then lowest id
    return np.sort(candidates[nearest])


def make_episodes(data: CiteULike, settings: ReplaySettings, variant: str = "random") -> list[Episode]:
    """One page per sampled user, shared by every budget and every method (paired comparisons)."""
    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}; choose one of {', '.join(VARIANTS)}")
    max_n = max(settings.budgets)
    n_page_neg = settings.page_size - settings.held_out
    tag_rows = tag_vectors(data.items["tags"]) if variant == "same-field" else None
    episodes = []
    for u in sampled_users(data, settings):
        urng = np.random.default_rng([settings.seed, u])
        lib = urng.permutation(data.libraries[u])
        if variant == "random":
            negatives_from = np.setdiff1d(data.pool, lib)
        else:
            negatives_from = same_field_neighbourhood(tag_rows, data.tfidf, data.pool, lib)
        others = urng.choice(negatives_from, size=n_page_neg + 2 * max_n, replace=False)
        page = np.concatenate([lib[: settings.held_out], others[:n_page_neg]])
        relevant = np.arange(settings.page_size) < settings.held_out
        order = urng.permutation(settings.page_size)  # shuffled page: ties cannot favour the relevant items
        ups = lib[settings.held_out : settings.held_out + max_n]
        episodes.append(
            Episode(
                user=int(u), page=page[order], relevant=relevant[order], ups=ups, downs=others[n_page_neg:]
            )
        )
    return episodes
