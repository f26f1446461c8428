"""The citeulike-t digest replay for ours and the reference baselines, on one page variant."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from training.datasets.citeulike import CiteULike, corpus_frame
from training.protocols.bootstrap import resample_indices
from training.protocols.episodes import NEIGHBOURHOOD_SIZE, Episode, ReplaySettings, make_episodes
from training.protocols.ranking_metrics import PAGE_METRICS
from training.protocols.replay import run_replay
from training.protocols.scorers import (
    EMBEDDING_ROCCHIO,
    OURS,
    RANDOM,
    TERMS_ONLY,
    TFIDF_ROCCHIO,
    Scorer,
    classifier_builder,
    classifier_scorer,
    corpus_preparer,
    embedding_rocchio_scorer,
    load_factory,
    reference_baselines,
    terms_only_maker,
)
from training.protocols.summary_tables import (
    differences_markdown,
    markdown_table,
    metric_table,
    paired_differences,
)

# How each replay builds its pages, in words: printed above its tables in RESULTS.md.
CITEULIKE_A_DESCRIPTION = (
    "citeulike-a/README.md's protocol: readers with 30+ library items (961), 200 drawn with seed 0; page = "
    "5 held-out library items + 95 random non-library items; thumbs-downs random non-library items; "
    "text = real title (+ abstract for the 11% that have one). rocchio-tfidf is the README's "
    "(sublinear tf, English stop words, word pairs, min_df 2, on every item)."
)
PAGE_DESCRIPTIONS = {
    "random": "page = 5 held-out library items + 95 uniformly random non-library items (all sciences); "
    "thumbs-downs likewise; exactly citeulike-t/README.md's protocol.",
    "same-field": "page = the same 5 held-out items + 95 items drawn uniformly (same per-user generator) "
    f"from the reader's field: the {NEIGHBOURHOOD_SIZE:,} non-library pool items (of 25,944) "
    "whose CiteULike tags are closest to the reader's whole library (each item a tf-idf "
    "vector of its tags, smoothed idf, L2 rows; the library's profile is the mean of its "
    "rows; dot product, ties to the lower id; near-duplicates of library items, word "
    "TF-IDF cosine ≥ 0.9, left out); the 40 thumbs-downs come from the same field, "
    "the users, held-out items and thumbs-ups are the random variant's. Tags build the page "
    "only: no method sees them (training/protocols/episodes.py).",
}


@dataclass
class VariantResult:
    variant: str
    episodes: list[Episode]
    results: pd.DataFrame  # method, n, user, auc, p@5, ndcg@10
    our_scores: dict[tuple[str, int, int], np.ndarray]  # (OURS, n, user) -> page probabilities
    differences: pd.DataFrame
    resamples: np.ndarray
    seconds: float
    rocchio_differences: pd.DataFrame | None = None  # ours − each Rocchio baseline, per cell


def our_classifier(data: CiteULike, classifier: str) -> Callable[[], Any]:
    """Maker of fresh estimators from `module:function`, given the citeulike-t corpus (prepared once)."""
    return classifier_builder(load_factory(classifier), corpus_frame(data), corpus_preparer(classifier))


def replay_scorers(
    data: CiteULike, make: Callable[[], Any], seed: int, reference: bool = True
) -> dict[str, Scorer]:
    """Ours first; with embeddings, the terms-only previous model and embedding Rocchio; then the
    reference baselines (all four, or with reference=False only Rocchio on the data's TF-IDF)."""
    scorers = {OURS: classifier_scorer(make, data.texts)}
    if data.embeddings is not None:
        scorers[TERMS_ONLY] = classifier_scorer(terms_only_maker(make), data.texts)
        scorers[EMBEDDING_ROCCHIO] = embedding_rocchio_scorer(data.embeddings)
    baselines = reference_baselines(data.tfidf, seed)
    if not reference:
        baselines = {name: baselines[name] for name in (RANDOM, TFIDF_ROCCHIO)}
    return {**scorers, **baselines}


def run_variant(
    data: CiteULike,
    settings: ReplaySettings,
    variant: str,
    scorers: dict[str, Scorer],
    bootstrap: int,
    log: Callable[[str], None] = print,
    dataset: str = "citeulike-t",
) -> VariantResult:
    start = time.perf_counter()
    episodes = make_episodes(data, settings, variant)
    log(f"{dataset}, {variant} pages: {len(episodes)} users, budgets {list(settings.budgets)}")
    results, kept = run_replay(episodes, scorers, settings.budgets, keep_scores=(OURS,), log=log)
    return summarised(variant, episodes, results, kept, bootstrap, settings.seed, time.perf_counter() - start)


def summarised(
    variant: str,
    episodes: list[Episode],
    results: pd.DataFrame,
    kept: dict[tuple[str, int, int], np.ndarray],
    bootstrap: int,
    seed: int,
    seconds: float,
) -> VariantResult:
    """The per-user results with their resamples and paired differences (ours − the best other
    method, ours − each Rocchio)."""
    methods = set(results["method"])
    resamples = resample_indices(len(episodes), bootstrap, seed)
    differences = paired_differences(results, PAGE_METRICS, resamples) if OURS in methods else pd.DataFrame()
    rocchios = [name for name in (TFIDF_ROCCHIO, EMBEDDING_ROCCHIO) if name in methods and OURS in methods]
    against = (
        pd.concat([paired_differences(results, PAGE_METRICS, resamples, against=name) for name in rocchios])
        if rocchios
        else None
    )
    return VariantResult(variant, episodes, results, kept, differences, resamples, seconds, against)


def readers_subset(result: VariantResult, users: np.ndarray, bootstrap: int, seed: int) -> VariantResult:
    """The result restricted to some of its readers, as if the replay had drawn only them: each
    reader's page and ratings depend on the reader alone (default_rng([seed, user])), and the
    resamples are drawn afresh for the subset, so a run over every eligible reader gives the
    README's 200-reader draw exactly."""
    chosen = set(int(u) for u in users)
    episodes = [e for e in result.episodes if e.user in chosen]
    if len(episodes) != len(chosen):
        raise ValueError("the subset names readers the replay did not run")
    results = result.results[result.results["user"].isin(chosen)].reset_index(drop=True)
    kept = {key: scores for key, scores in result.our_scores.items() if key[2] in chosen}
    share = len(episodes) / max(len(result.episodes), 1)
    return summarised(result.variant, episodes, results, kept, bootstrap, seed, result.seconds * share)


def variant_markdown(result: VariantResult) -> str:
    """Side-by-side tables (one per metric) and the paired differences of ours minus the best baseline."""
    parts = []
    for metric in PAGE_METRICS:
        parts.append(
            f"**{metric}** (mean over {len(result.episodes)} users, 95% bootstrap interval, "
            f"{len(result.resamples)} resamples)\n\n"
            + markdown_table(metric_table(result.results, metric, result.resamples))
        )
    if not result.differences.empty:
        parts.append(
            "**Paired per-user differences, ours − best baseline of each cell** (same resamples)\n\n"
            + differences_markdown(result.differences)
        )
    return "\n\n".join(parts)


def headline_markdown(results: dict[str, VariantResult]) -> str:
    """Per variant and budget, ours − the best baseline of each metric, marked ✔/✘ when separable."""
    rows = []
    for variant, result in results.items():
        for n, group in result.differences.groupby("n", sort=True):
            row = {"pages, budget": f"{variant}, n={n}"}
            for _, d in group.iterrows():
                mark = " ✔" if d["lo"] > 0 else (" ✘" if d["hi"] < 0 else "")
                row[d["metric"]] = (
                    f"{d['mean']:+.3f} [{d['lo']:+.3f}, {d['hi']:+.3f}] vs {short(d['best baseline'])}{mark}"
                )
            rows.append(row)
    table = pd.DataFrame(rows).set_index("pages, budget")
    return (
        "Mean over users of (ours − the best other method of that cell) with its 95% paired bootstrap "
        "interval (same resamples as the tables). The best other method is picked per cell after the "
        "fact (highest mean among every other method run: the terms-only model, both Rocchios and, "
        "where run, arxiv-sanity-lite's SVM and logistic regression), which favours them. ✔ = interval "
        "above zero, ✘ = below zero.\n\n" + markdown_table(table) + rocchio_markdown(results)
    )


def rocchio_markdown(results: dict[str, VariantResult]) -> str:
    """Ours − TF-IDF Rocchio and ours − embedding Rocchio per cell: the issue's target is ✔ in both."""
    rows = []
    for variant, result in results.items():
        if result.rocchio_differences is None:
            continue
        for (n, metric), group in result.rocchio_differences.groupby(["n", "metric"], sort=False):
            row = {"pages, budget, metric": f"{variant}, n={n}, {metric}"}
            for _, d in group.iterrows():
                mark = " ✔" if d["lo"] > 0 else (" ✘" if d["hi"] < 0 else "")
                interval = f"{d['mean']:+.3f} [{d['lo']:+.3f}, {d['hi']:+.3f}]{mark}"
                row[f"ours − {d['best baseline']}"] = interval
            rows.append(row)
    if not rows:
        return ""
    table = pd.DataFrame(rows).set_index("pages, budget, metric")
    return "\n\nAgainst each Rocchio (the target: ✔ in both columns at every budget):\n\n" + markdown_table(
        table
    )


def short(method: str) -> str:
    """A baseline's name without its parenthesis, e.g. svm-tfidf."""
    return method.split(" ")[0]
