"""`papersieve eval --profile NAME`: cross-validate a reader's own stored ratings.

Stratified k-fold (k = min(5, thumbs-ups, thumbs-downs), shuffled with the seed): each fold's model is
fitted on the other folds (ours with the profile's seen papers as corpus=), and the held-out ratings
are scored. Reported: AUC and average precision of the pooled out-of-fold scores, precision@5 (share
of thumbs-ups among the 5 top-scored ratings), beside Rocchio (cosine to the mean thumbs-up TF-IDF
vector, vectorizer fitted on the profile's papers) and the base rate. Nothing is written to disk.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import rankdata
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.model_selection import StratifiedKFold

from server.profile_quality import QUALITY_MIN_PER_CLASS
from training.protocols.scorers import classifier_builder, load_factory, positive_proba
from training.protocols.summary_tables import markdown_table

MIN_PER_CLASS = QUALITY_MIN_PER_CLASS  # the server's: one threshold for "cross-validated"
MAX_FOLDS = 5


class NotEnoughLabels(ValueError):
    """Too few ratings of one kind to cross-validate."""


@dataclass(frozen=True)
class ProfileLabels:
    name: str
    labelled: pd.DataFrame  # id, title, abstract, label
    corpus: pd.DataFrame  # id, title, abstract: every paper the profile has seen or rated


def read_profile(data_dir: Path, profile: str) -> ProfileLabels:
    """The profile's ratings and seen papers from the store (never creates a data directory)."""
    from server.datadir import DATABASE_NAME
    from server.store import Store, UnknownProfile

    if not (Path(data_dir) / DATABASE_NAME).exists():
        raise FileNotFoundError(f"no papersieve database in {data_dir} (is --data-dir right?)")
    with Store.open(data_dir) as store:
        try:
            labelled, corpus = store.labelled_papers(profile), store.corpus(profile)
        except UnknownProfile:
            names = ", ".join(p.name for p in store.list_profiles())
            raise ValueError(f"no profile named {profile!r} (profiles: {names})") from None
    return ProfileLabels(profile, labelled, corpus)


def text_frame(papers: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "title": papers["title"].fillna("").astype(str).to_numpy(),
            "abstract": papers["abstract"].fillna("").astype(str).to_numpy(),
        }
    )


def check_enough(labels: np.ndarray, name: str) -> int:
    """The number of folds, or NotEnoughLabels with what is missing."""
    ups, downs = int((labels == 1).sum()), int((labels == 0).sum())
    if min(ups, downs) < MIN_PER_CLASS:
        raise NotEnoughLabels(
            f"profile {name!r} has {ups} 👍 and {downs} 👎; cross-validation needs at least "
            f"{MIN_PER_CLASS} of each (rate {max(0, MIN_PER_CLASS - ups)} more 👍 and "
            f"{max(0, MIN_PER_CLASS - downs)} more 👎)"
        )
    return min(MAX_FOLDS, ups, downs)


def rocchio_scores(
    train: pd.DataFrame, y: np.ndarray, test: pd.DataFrame, corpus: pd.DataFrame
) -> np.ndarray:
    def joined(frame: pd.DataFrame) -> list[str]:
        return (frame["title"] + " " + frame["abstract"]).tolist()

    vectorizer = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit(joined(corpus))
    centroid = np.asarray(vectorizer.transform(joined(train))[y == 1].mean(axis=0)).ravel()
    return vectorizer.transform(joined(test)) @ centroid


def top_precision(labels: np.ndarray, scores: np.ndarray, k: int = 5) -> float:
    return float(labels[np.argsort(-scores, kind="stable")][:k].mean())


def cross_validate(profile: ProfileLabels, classifier: str, seed: int) -> pd.DataFrame:
    """Out-of-fold scores per rating for ours and Rocchio: columns label, fold, ours, rocchio."""
    labels = profile.labelled["label"].to_numpy(dtype=int)
    folds = check_enough(labels, profile.name)
    texts, corpus = text_frame(profile.labelled), text_frame(profile.corpus)
    make = classifier_builder(load_factory(classifier), corpus.reset_index(drop=True))
    out = pd.DataFrame({"label": labels, "fold": -1, "ours": np.nan, "rocchio": np.nan})
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for fold, (train, test) in enumerate(splitter.split(np.zeros(len(labels)), labels)):
        clf = make().fit(texts.iloc[train].reset_index(drop=True), labels[train])
        out.loc[test, "fold"] = fold
        out.loc[test, "ours"] = positive_proba(clf, texts.iloc[test])
        out.loc[test, "rocchio"] = rocchio_scores(texts.iloc[train], labels[train], texts.iloc[test], corpus)
    return out


def rank_auc(labels: np.ndarray, scores: np.ndarray) -> float:
    """AUC from average ranks (Mann-Whitney; ties count half), as roc_auc_score but fast in a loop."""
    ranks = rankdata(scores)
    ups = labels == 1
    n_up, n_down = int(ups.sum()), int((~ups).sum())
    return float((ranks[ups].sum() - n_up * (n_up + 1) / 2) / (n_up * n_down))


def auc_interval(
    labels: np.ndarray, scores: np.ndarray, seed: int, resamples: int = 1000
) -> tuple[float, float]:
    """95% percentile bootstrap interval of the AUC, resampling thumbs-ups and thumbs-downs separately."""
    rng = np.random.default_rng(seed)
    ups, downs = np.flatnonzero(labels == 1), np.flatnonzero(labels == 0)
    values = []
    for _ in range(resamples):
        rows = np.concatenate([rng.choice(ups, len(ups)), rng.choice(downs, len(downs))])
        values.append(rank_auc(labels[rows], scores[rows]))
    lo, hi = np.percentile(values, [2.5, 97.5])
    return float(lo), float(hi)


def profile_report(profile: ProfileLabels, scores: pd.DataFrame, seed: int = 0) -> str:
    labels = scores["label"].to_numpy()
    folds = int(scores["fold"].max()) + 1
    rows = {}
    for method in ("ours", "rocchio"):
        s = scores[method].to_numpy(dtype=float)
        lo, hi = auc_interval(labels, s, seed)
        rows[method] = {
            "AUC [95% CI]": f"{roc_auc_score(labels, s):.3f} [{lo:.3f}, {hi:.3f}]",
            "average precision": f"{average_precision_score(labels, s):.3f}",
            "precision@5": f"{top_precision(labels, s):.2f}",
        }
    rows["random (expected)"] = {
        "AUC [95% CI]": "0.500",
        "average precision": f"{labels.mean():.3f}",
        "precision@5": f"{labels.mean():.2f}",
    }
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "method"
    return (
        f"Profile {profile.name!r}: {int(labels.sum())} 👍, {int((labels == 0).sum())} 👎; "
        f"{folds}-fold stratified cross-validation, out-of-fold scores pooled; the interval "
        "resamples the ratings (1,000 times).\n\n" + markdown_table(table)
    )


def profile_command(data_dir: Path | None, name: str, classifier: str, seed: int) -> int:
    """`papersieve eval --profile NAME`: print the report; exit code 1 for too few ratings, 2 for
    an unknown profile or data directory (one line on stderr each)."""
    from server.config import resolve_data_dir

    try:
        profile = read_profile(resolve_data_dir(data_dir), name)
        scores = cross_validate(profile, classifier, seed)
    except NotEnoughLabels as error:
        print(f"papersieve eval: {error}", file=sys.stderr)
        return 1
    except (FileNotFoundError, ValueError) as error:
        print(f"papersieve eval: {error}", file=sys.stderr)
        return 2
    print(profile_report(profile, scores, seed))
    return 0
