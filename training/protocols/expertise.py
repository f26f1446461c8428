"""expertise-dev (Stelmakh et al., 2023; dev half): rank each researcher's rated papers by expertise.

Protocol and metric of shared/data/expertise-dev/README.md. For each profile version x = 1..10 and
participant p: positives = p's profile papers (version x); negatives = 2 per positive drawn without
replacement by ``default_rng([seed, x, p's position in participants.jsonl])`` from the version-x
profile papers of the other participants of the half (ids sorted), leaving out p's version-x profile
and p's rated papers; fit a fresh classifier, score p's rated papers (ours: predict_proba[:, 1]; the
baselines: their ranking scores). Loss = pooled pair costs / pooled weights over participants, per
version, averaged over the 10 versions; 95% interval from 1,000 participant resamples
(``default_rng(seed).integers``), averaging the per-version losses of each resample.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

from training.datasets.shared_data import shared_data_dir
from training.datasets.tfidf import arxiv_sanity_vectorizer, plain_vectorizer
from training.protocols.bootstrap import format_interval, resample_indices
from training.protocols.ranking_metrics import pair_costs
from training.protocols.scorers import (
    EMBEDDING_ROCCHIO,
    OURS,
    RANDOM,
    TERMS_ONLY,
    RankingTask,
    Scorer,
    classifier_builder,
    classifier_scorer,
    corpus_preparer,
    embedding_rocchio_scorer,
    load_factory,
    reference_baselines,
    terms_only_maker,
)
from training.protocols.summary_tables import markdown_table

VERSIONS = tuple(range(1, 11))
NEGATIVES_PER_POSITIVE = 2
# Published losses on the paper's evaluation (Stelmakh et al. 2023, arXiv 2303.16750): not re-run here.
LITERATURE = {"SPECTER+MFR": 0.231, "TPMS": 0.229, "SPECTER": 0.276}


@dataclass(frozen=True)
class Participant:
    participant_id: str
    rated: np.ndarray  # paper rows
    expertise: np.ndarray  # 1..5, aligned with rated
    profiles: dict[int, np.ndarray]  # version -> profile paper rows


@dataclass(frozen=True)
class ExpertiseData:
    texts: pd.DataFrame  # title, abstract; one row per paper
    participants: list[Participant]
    tfidf: sp.csr_matrix  # arxiv-sanity-lite vectorizer fitted on every paper's title + abstract
    plain_tfidf: sp.csr_matrix  # training.datasets.tfidf.plain_vectorizer fitted likewise
    embeddings: np.ndarray | None = None  # sentence embeddings of every paper (with_embeddings)


@dataclass
class ExpertiseResult:
    costs: dict[str, np.ndarray]  # method -> (versions, participants) summed pair costs
    weights: np.ndarray  # (versions, participants) summed pair weights
    resamples: np.ndarray
    seconds: dict[str, float]


def expertise_dir() -> Path:
    return shared_data_dir() / "expertise-dev"


def _read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        raise FileNotFoundError(f"expertise-dev file missing: {path}")
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def load_expertise(folder: Path | None = None) -> ExpertiseData:
    folder = folder or expertise_dir()
    papers = _read_jsonl(folder / "papers.jsonl")
    row_of = {paper["paper_id"]: row for row, paper in enumerate(papers)}
    texts = pd.DataFrame(
        {"title": [p["title"] or "" for p in papers], "abstract": [p["abstract"] or "" for p in papers]}
    )
    participants = []
    for record in _read_jsonl(folder / "participants.jsonl"):
        ratings = record["ratings"]
        participants.append(
            Participant(
                participant_id=str(record["participant_id"]),
                rated=np.array([row_of[r["paper_id"]] for r in ratings], dtype=int),
                expertise=np.array([float(r["expertise"]) for r in ratings]),
                profiles={
                    int(v): np.array([row_of[i] for i in ids], dtype=int)
                    for v, ids in record["profiles"].items()
                },
            )
        )
    joined = (texts["title"] + " " + texts["abstract"]).tolist()
    tfidf = arxiv_sanity_vectorizer().fit_transform(joined).tocsr()
    plain = plain_vectorizer().fit_transform(joined).tocsr()
    return ExpertiseData(texts=texts, participants=participants, tfidf=tfidf, plain_tfidf=plain)


def with_embeddings(data: ExpertiseData) -> ExpertiseData:
    """The same data with every paper's sentence embedding (cached) in `embeddings` and as the texts'
    `embedding` column."""
    from training.datasets.embedding_cache import dataset_embeddings

    vectors = dataset_embeddings("expertise-dev", data.texts)
    return replace(data, texts=data.texts.assign(embedding=list(vectors)), embeddings=vectors)


def expertise_tasks(data: ExpertiseData, version: int, seed: int) -> list[RankingTask]:
    """One task per participant: their profile against sampled other profiles, scoring their rated papers."""
    tasks = []
    for index, person in enumerate(data.participants):
        positives = person.profiles[version]
        others = [p.profiles[version] for j, p in enumerate(data.participants) if j != index]
        excluded = np.union1d(positives, person.rated)
        candidates = np.setdiff1d(np.concatenate(others), excluded)
        size = min(NEGATIVES_PER_POSITIVE * len(positives), len(candidates))
        negatives = np.random.default_rng([seed, version, index]).choice(candidates, size=size, replace=False)
        tasks.append(
            RankingTask(
                positives=positives, negatives=negatives, page=person.rated, random_key=(version, index)
            )
        )
    return tasks


def expertise_scorers(data: ExpertiseData, classifier: str, seed: int) -> dict[str, Scorer]:
    """Ours, the reference baselines on arxiv-sanity-lite's TF-IDF, and the same three on the plain TF-IDF."""
    make = classifier_builder(load_factory(classifier), data.texts, corpus_preparer(classifier))
    plain = {
        f"{name.split(' (')[0]}, plain vectorizer": scorer
        for name, scorer in reference_baselines(data.plain_tfidf, seed).items()
        if name != RANDOM
    }
    scorers = {OURS: classifier_scorer(make, data.texts)}
    if data.embeddings is not None:
        scorers[TERMS_ONLY] = classifier_scorer(terms_only_maker(make), data.texts)
        scorers[EMBEDDING_ROCCHIO] = embedding_rocchio_scorer(data.embeddings)
    return {**scorers, **reference_baselines(data.tfidf, seed), **plain}


def run_expertise(
    data: ExpertiseData,
    scorers: dict[str, Scorer],
    seed: int,
    bootstrap: int = 1000,
    log: Callable[[str], None] = print,
) -> ExpertiseResult:
    shape = (len(VERSIONS), len(data.participants))
    weights = np.zeros(shape)
    costs = {method: np.zeros(shape) for method in scorers}
    tasks = {version: expertise_tasks(data, version, seed) for version in VERSIONS}
    seconds = {}
    for method, score in scorers.items():
        start = time.perf_counter()
        for v, version in enumerate(VERSIONS):
            for p, (task, person) in enumerate(zip(tasks[version], data.participants, strict=True)):
                costs[method][v, p], weights[v, p] = pair_costs(person.expertise, score(task))
        seconds[method] = time.perf_counter() - start
        log(
            f"  {method}: {seconds[method]:.1f}s "
            f"({len(data.participants)} participants x {len(VERSIONS)} versions)"
        )
    return ExpertiseResult(costs, weights, resample_indices(shape[1], bootstrap, seed), seconds)


def pooled_loss(costs: np.ndarray, weights: np.ndarray, resamples: np.ndarray | None = None) -> np.ndarray:
    """Mean over versions of pooled loss; one value, or one per resample of participants."""
    if resamples is None:
        return np.asarray((costs.sum(axis=1) / weights.sum(axis=1)).mean())
    return (costs[:, resamples].sum(axis=2) / weights[:, resamples].sum(axis=2)).mean(axis=0)


def loss_interval(result: ExpertiseResult, method: str) -> tuple[float, float, float]:
    boot = pooled_loss(result.costs[method], result.weights, result.resamples)
    lo, hi = np.percentile(boot, [2.5, 97.5])
    return float(pooled_loss(result.costs[method], result.weights)), float(lo), float(hi)


def paired_loss_difference(result: ExpertiseResult, ours: str, rival: str) -> tuple[float, float, float]:
    """Loss of ours minus the rival's (negative = ours better), bootstrapped on the same resamples."""
    boot = pooled_loss(result.costs[ours], result.weights, result.resamples) - pooled_loss(
        result.costs[rival], result.weights, result.resamples
    )
    lo, hi = np.percentile(boot, [2.5, 97.5])
    point = pooled_loss(result.costs[ours], result.weights) - pooled_loss(result.costs[rival], result.weights)
    return float(point), float(lo), float(hi)


def expertise_markdown(result: ExpertiseResult) -> str:
    methods = list(result.costs)
    rows = [[format_interval(*loss_interval(result, m)), "re-run here"] for m in methods]
    published = "published (paper's evaluation set), not re-run"
    rows += [[f"{value:.3f}", published] for value in LITERATURE.values()]
    table = pd.DataFrame(
        rows,
        columns=["loss [95% CI] (lower is better)", "source"],
        index=pd.Index(methods + list(LITERATURE), name="method"),
    )
    parts = [
        f"Loss over {result.weights.shape[1]} participants, mean of {len(VERSIONS)} profile versions, "
        f"{len(result.resamples)} participant resamples. The baselines run on two TF-IDFs fitted on "
        "all 695 papers: arxiv-sanity-lite's (citeulike-t's reference; min_df 5, max_df 0.1) and a "
        "plain one (sublinear tf, English stop words, word pairs, no document-frequency cut: "
        'training/datasets/tfidf.py), whose Rocchio is the issue\'s "TF-IDF cosine-to-mean".\n\n'
        + markdown_table(table)
    ]
    if OURS in result.costs:
        parts.append(
            "**Ours − each re-run baseline** (paired: same participant resamples; negative = ours "
            "better)\n\n" + markdown_table(paired_table(result))
        )
        parts.append(expertise_headline(result))
    return "\n\n".join(parts)


def paired_table(result: ExpertiseResult) -> pd.DataFrame:
    rivals = [m for m in result.costs if m not in (OURS, RANDOM)]
    rows = []
    for rival in rivals:
        point, lo, hi = paired_loss_difference(result, OURS, rival)
        verdict = "ours better" if hi < 0 else ("ours worse" if lo > 0 else "no clear difference")
        rows.append([format_interval(point, lo, hi), verdict])
    return pd.DataFrame(
        rows, columns=["ours − baseline [95% CI]", "verdict"], index=pd.Index(rivals, name="baseline")
    )


def expertise_headline(result: ExpertiseResult) -> str:
    """Ours beside the best re-run baseline, with the paired interval of the loss difference."""
    baselines = [m for m in result.costs if m not in (OURS, RANDOM)]
    best = min(baselines, key=lambda m: float(pooled_loss(result.costs[m], result.weights)))
    ours, theirs = (format_interval(*loss_interval(result, m)) for m in (OURS, best))
    diff = format_interval(*paired_loss_difference(result, OURS, best))
    return (
        f"Loss of ours {ours}, best baseline {best} {theirs}; paired difference ours − {best} = {diff} "
        "(negative = ours better; same participant resamples)."
    )
