"""Same-field pages where every method's corpus is the reader's field only, as on the server.

    .venv/bin/python -m training.protocols.field_corpus         # writes its section of RESULTS.md
    .venv/bin/python -m training.protocols.field_corpus --users 50 --no-write

`papersieve eval` fits every method's features on the whole citeulike-t corpus (25,944 papers of all
sciences). A server has only what its reader has seen: digest pages of one field and the rated
papers. Here each user's corpus is the 2,000-paper tag neighbourhood their same-field page is drawn
from, plus the page, the thumbs-ups and the thumbs-downs; ours (`model.make_classifier` with the
papers' sentence embeddings, as the server runs it), embedding Rocchio and the reference baselines are
fitted on it alone. It measures ours against the baselines in that setting, and whether the model's
document-frequency cut (`max_df`: words in more than that share of the corpus are dropped) removes
the field's own words a reader's taste is about. Users, pages and labels are the eval's.
"""

from __future__ import annotations

import sys
import time
from functools import partial

import numpy as np
import pandas as pd

from model import make_classifier, prepare_corpus
from model.term_space import MAX_DF
from training.datasets.citeulike import CiteULike, load_citeulike, with_embeddings
from training.datasets.tfidf import arxiv_sanity_vectorizer
from training.protocols.bootstrap import format_interval, mean_interval, resample_indices
from training.protocols.episodes import (
    Episode,
    ReplaySettings,
    make_episodes,
    same_field_neighbourhood,
    tag_vectors,
)
from training.protocols.ranking_metrics import PAGE_METRICS
from training.protocols.replay import replay_arguments, run_replay
from training.protocols.scorers import (
    EMBEDDING_ROCCHIO,
    OURS,
    RANDOM,
    Scorer,
    classifier_scorer,
    embedding_rocchio_scorer,
    reference_baselines,
)
from training.protocols.summary_tables import (
    differences_markdown,
    markdown_table,
    metric_table,
    paired_differences,
    user_matrix,
)
from training.reports.results import publish

SECTION = "citeulike-field-corpus"
OURS_NO_CUT = "ours, max_df 1 (no cut)"


def field_scorers(corpus: pd.DataFrame, seed: int) -> dict[str, Scorer]:
    """Ours (the model's max_df, and no cut), embedding Rocchio when the corpus has an `embedding`
    column, and the reference baselines, all fitted on this corpus."""
    scorers: dict[str, Scorer] = {}
    for name, max_df in ((OURS, MAX_DF), (OURS_NO_CUT, 1.0)):
        make = partial(make_classifier, corpus=prepare_corpus(corpus, max_df=max_df))
        scorers[name] = classifier_scorer(make, corpus)
    if "embedding" in corpus:
        scorers[EMBEDDING_ROCCHIO] = embedding_rocchio_scorer(np.stack(corpus["embedding"].to_numpy()))
    tfidf = arxiv_sanity_vectorizer().fit(corpus["abstract"]).transform(corpus["abstract"]).tocsr()
    baselines = reference_baselines(tfidf, seed)
    del baselines[RANDOM]
    return {**scorers, **baselines}


def run(data: CiteULike, users: int, budgets: tuple[int, ...], seed: int, log=print) -> pd.DataFrame:
    """Rows (method, n, user, metrics): every method fitted on the user's field corpus alone."""
    episodes = make_episodes(data, ReplaySettings(users=users, seed=seed), "same-field")
    tags = tag_vectors(data.items["tags"])
    frames = []
    for count, episode in enumerate(episodes, 1):
        field = same_field_neighbourhood(tags, data.tfidf, data.pool, data.libraries[episode.user])
        ids = np.unique(np.concatenate([field, episode.page, episode.ups, episode.downs]))
        local = pd.Series(np.arange(len(ids)), index=ids)  # item id -> row of the field corpus
        corpus = data.texts.iloc[ids].reset_index(drop=True)
        in_field = Episode(
            user=episode.user,
            page=local[episode.page].to_numpy(),
            relevant=episode.relevant,
            ups=local[episode.ups].to_numpy(),
            downs=local[episode.downs].to_numpy(),
        )
        results, _ = run_replay([in_field], field_scorers(corpus, seed), budgets, log=lambda _: None)
        frames.append(results)
        if count % 50 == 0:
            log(f"  {count}/{len(episodes)} users")
    return pd.concat(frames, ignore_index=True)


def report(results: pd.DataFrame, resamples: np.ndarray, seconds: float, command: str, seed: int) -> str:
    users = results["user"].nunique()
    tables = [
        f"**{metric}** (mean over users, 95% bootstrap interval)\n\n"
        + markdown_table(metric_table(results, metric, resamples))
        for metric in PAGE_METRICS
    ]
    baselines_only = results[results["method"] != OURS_NO_CUT]
    against_best = differences_markdown(paired_differences(baselines_only, PAGE_METRICS, resamples))
    no_cut = results[results["method"].isin([OURS, OURS_NO_CUT])].replace({OURS_NO_CUT: "no cut"})
    cut_rows, user_ids = [], no_cut["user"].unique()
    for n in sorted(results["n"].unique()):
        for metric in PAGE_METRICS:
            diff = user_matrix(no_cut, "no cut", n, metric, user_ids) - user_matrix(
                no_cut, OURS, n, metric, user_ids
            )
            cut_rows.append(
                {
                    "budget": f"n={n}",
                    "metric": metric,
                    f"no cut − max_df {MAX_DF:g}": format_interval(*mean_interval(diff, resamples)),
                }
            )
    return (
        "## citeulike-t same-field pages, every method's corpus = the reader's field\n\n"
        f"Command: `{command}`\n\n"
        "The eval's same-field episodes (same users, pages and labels), but every method's features are "
        "fitted per user on that user's field only: the 2,000-paper tag neighbourhood the page is drawn "
        "from, plus the page, the thumbs-ups and the thumbs-downs (about 2,100 papers), as a server sees "
        "one field's digest pages (the eval fits them on all 25,944 papers). Ours is `model.make_classifier` "
        "with the papers' sentence embeddings (the current model). The baselines use the "
        "reference TF-IDF (arxiv-sanity-lite's vectorizer) fitted on the same field corpus. "
        f"{users} users, seed {seed}; ran in {seconds:.0f}s.\n\n"
        + "\n\n".join(tables)
        + "\n\n**ours − best baseline of each cell, paired per user**\n\n"
        + against_best
        + f"\n\n**{OURS_NO_CUT} − ours (max_df {MAX_DF:g}), paired per user**: does the "
        "document-frequency cut drop the field words a reader's taste is about?\n\n"
        + markdown_table(pd.DataFrame(cut_rows).set_index("budget"))
    )


def main(argv: list[str] | None = None) -> int:
    args = replay_arguments(__doc__.splitlines()[0], [2, 5, 10], 0, argv)
    start = time.perf_counter()
    try:
        data = with_embeddings(load_citeulike(), "citeulike-t")
        results = run(data, args.users, tuple(args.budgets), args.seed)
    except FileNotFoundError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    resamples = resample_indices(results["user"].nunique(), 2000, args.seed)
    options = "" if args.users == 200 else f" --users {args.users}"
    options += "" if args.seed == 0 else f" --seed {args.seed}"
    command = "python -m training.protocols.field_corpus" + options
    markdown = report(results, resamples, time.perf_counter() - start, command, args.seed)
    publish(SECTION, markdown, write=not args.no_write)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
