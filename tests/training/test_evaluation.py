"""The evaluation harness on the real shared data: metrics by hand, the reference protocol, a tiny run."""

from __future__ import annotations

import importlib.util
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from training import evaluate
from training.datasets.citeulike import CiteULike, citeulike_dir, load_citeulike
from training.datasets.citeulike_a import load_citeulike_a
from training.protocols import citeulike_a_replay
from training.protocols.bootstrap import mean_interval, resample_indices
from training.protocols.calibration import brier_score, reliability_bins
from training.protocols.citeulike_replay import readers_subset, run_variant
from training.protocols.episodes import ReplaySettings, eligible_users, make_episodes, sampled_users
from training.protocols.expertise import (
    VERSIONS,
    expertise_tasks,
    load_expertise,
    paired_loss_difference,
    pooled_loss,
    run_expertise,
)
from training.protocols.profile_cv import rank_auc
from training.protocols.ranking_metrics import page_metrics, pair_costs
from training.protocols.reference_check import reference_tables
from training.protocols.replay import episode_task, run_replay
from training.protocols.scorers import OURS, RANDOM, TFIDF_ROCCHIO, classifier_builder, reference_baselines
from training.protocols.summary_tables import paired_differences
from training.reports.results import write_section

TINY = ReplaySettings(users=6, budgets=(2, 5))


@pytest.fixture(scope="module")
def citeulike() -> CiteULike:
    return load_citeulike()


@pytest.fixture(scope="module")
def reference_module():
    """citeulike-t's own evaluate_reference.py, imported from the shared data folder."""
    path = citeulike_dir() / "evaluate_reference.py"
    spec = importlib.util.spec_from_file_location("evaluate_reference", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_page_metrics_perfect_reversed_and_tied():
    relevant = np.arange(100) < 5
    perfect = page_metrics(np.where(relevant, 1.0, 0.0) + np.linspace(0, 0.1, 100), relevant)
    assert perfect == {"auc": 1.0, "p@5": 1.0, "ndcg@10": pytest.approx(1.0)}
    reversed_ = page_metrics(np.where(relevant, 0.0, 1.0), relevant)
    assert reversed_["auc"] == 0.0 and reversed_["p@5"] == 0.0 and reversed_["ndcg@10"] == 0.0
    tied = page_metrics(np.zeros(100), relevant)  # stable sort: page order decides, ties count half in AUC
    assert tied["auc"] == 0.5 and tied["p@5"] == 1.0
    # relevant at ranks 1 and 3 of 5 relevant: DCG = 1 + 1/2, ideal DCG = sum of 1/log2(r + 1), r = 1..5
    scores = -np.arange(100, dtype=float)
    rel = np.zeros(100, bool)
    rel[[0, 2, 50, 60, 70]] = True
    ideal = sum(1 / np.log2(r + 1) for r in range(1, 6))
    assert page_metrics(scores, rel)["ndcg@10"] == pytest.approx((1 + 1 / np.log2(4)) / ideal)
    assert page_metrics(scores, rel)["p@5"] == pytest.approx(0.4)


def test_pair_costs_follow_the_readme_formula():
    assert pair_costs([5, 3, 1], [3, 2, 1]) == (0.0, 8.0)  # weights 2 + 4 + 2, all ordered right
    assert pair_costs([5, 3, 1], [1, 2, 3]) == (8.0, 8.0)  # all reversed
    assert pair_costs([5, 3, 1], [7, 7, 7]) == (4.0, 8.0)  # ties cost half
    assert pair_costs([5, 1, 3], [1, 2, 3]) == (6.0, 8.0)  # (5,1) w4 wrong, (5,3) w2 wrong, (1,3) right
    assert pair_costs([2, 2, 4], [0, 1, 2]) == (0.0, 4.0)  # equal ratings carry no weight
    # pooled over participants and versions, not a mean of per-participant losses
    costs, weights = np.array([[6.0, 0.0]]), np.array([[8.0, 2.0]])
    assert float(pooled_loss(costs, weights)) == pytest.approx(0.6)


def test_bootstrap_intervals_use_fixed_resamples():
    first, second = resample_indices(10, 50, seed=0), resample_indices(10, 50, seed=0)
    assert np.array_equal(first, second) and first.shape == (50, 10)
    assert mean_interval(np.full(10, 0.3), first) == pytest.approx((0.3, 0.3, 0.3))


def test_random_pages_are_exactly_the_reference_episodes(citeulike, reference_module):
    class Args:
        users, budgets, page_size, held_out, seed = TINY.users, list(TINY.budgets), 100, 5, 0

    ours = make_episodes(citeulike, TINY, "random")
    theirs, _, _ = reference_module.make_episodes(citeulike.pool, citeulike.libraries, Args)
    assert [e.user for e in ours] == [int(e["user"]) for e in theirs]
    for mine, ref in zip(ours, theirs, strict=True):
        for field in ("page", "relevant", "ups", "downs"):
            assert np.array_equal(getattr(mine, field), ref[field])


def test_baselines_score_like_the_reference_and_are_deterministic(citeulike, reference_module):
    episodes = make_episodes(citeulike, TINY, "random")
    scorers = reference_baselines(citeulike.tfidf, seed=0)
    ref_random = reference_module.random_scorer(0)
    ref_rocchio = reference_module.rocchio_scorer(citeulike.tfidf)
    for episode in episodes[:3]:
        task = episode_task(episode, 5)
        as_dict = {"user": episode.user, "page": episode.page}
        assert np.array_equal(scorers["random"](task), ref_random(as_dict, task.positives, task.negatives))
        reference = ref_rocchio(as_dict, task.positives, task.negatives)
        assert np.allclose(scorers["rocchio-tfidf"](task), reference)
    first, _ = run_replay(episodes, scorers, TINY.budgets, log=lambda _: None)
    fresh = reference_baselines(citeulike.tfidf, seed=0)
    second, _ = run_replay(episodes, fresh, TINY.budgets, log=lambda _: None)
    pd.testing.assert_frame_equal(first, second)
    assert set(first["method"]) == set(scorers) and len(first) == len(scorers) * len(episodes) * 2


def test_same_field_pages_keep_the_reader_and_change_only_the_negatives(citeulike):
    plain = make_episodes(citeulike, TINY, "random")
    field = make_episodes(citeulike, TINY, "same-field")
    again = make_episodes(citeulike, TINY, "same-field")
    assert all(
        np.array_equal(a.page, b.page) and np.array_equal(a.downs, b.downs)
        for a, b in zip(field, again, strict=True)
    )
    for a, b in zip(plain, field, strict=True):
        assert a.user == b.user and np.array_equal(a.ups, b.ups)
        assert set(a.page[a.relevant]) == set(b.page[b.relevant])
        library = set(citeulike.libraries[b.user])
        negatives = set(b.page[~b.relevant]) | set(b.downs)
        assert not negatives & library and len(negatives) == 95 + 2 * max(TINY.budgets)
        rows = np.array(sorted(negatives))
        twins = (citeulike.tfidf[rows] @ citeulike.tfidf[np.array(sorted(library))].T).max()
        assert twins < 0.9  # no near-duplicate of the reader's own papers counts as a negative


def test_paired_difference_against_itself_is_zero(citeulike):
    episodes = make_episodes(citeulike, TINY, "random")
    baselines = reference_baselines(citeulike.tfidf, seed=0)
    scorers = {
        "ours": baselines["rocchio-tfidf"],
        "random": baselines["random"],
        "rocchio-tfidf": baselines["rocchio-tfidf"],
    }
    results, _ = run_replay(episodes, scorers, (2,), log=lambda _: None)
    diffs = paired_differences(results, ("auc", "ndcg@10"), resample_indices(len(episodes), 20, 0))
    assert (diffs["best baseline"] == "rocchio-tfidf").all()  # random never counts as the best baseline
    assert (diffs[["mean", "lo", "hi"]].to_numpy() == 0).all()


def test_reference_tables_parse_from_the_readme():
    tables = reference_tables(citeulike_dir() / "README.md")
    assert set(tables) == {"auc", "p@5", "ndcg@10"}
    assert tables["auc"].loc["rocchio-tfidf", "n=2"] == "0.743 [0.722, 0.765]"
    assert tables["ndcg@10"].shape == (4, 4)


def test_expertise_protocol_and_baselines():
    data = load_expertise()
    assert len(data.participants) == 29 and len(data.texts) == 695
    tasks = expertise_tasks(data, version=1, seed=0)
    for task, person in zip(tasks, data.participants, strict=True):
        assert len(task.negatives) == 2 * len(task.positives)
        assert not set(task.negatives) & (set(person.rated) | set(task.positives))
    small = replace(data, participants=data.participants[:8])
    scorers = reference_baselines(small.tfidf, seed=0)
    result = run_expertise(small, scorers, seed=0, bootstrap=50, log=lambda _: None)
    fresh = reference_baselines(small.tfidf, seed=0)
    again = run_expertise(small, fresh, seed=0, bootstrap=50, log=lambda _: None)
    for method in scorers:
        assert np.array_equal(result.costs[method], again.costs[method])
        assert 0 <= float(pooled_loss(result.costs[method], result.weights)) <= 1
    assert result.weights.shape == (len(VERSIONS), 8)
    assert paired_loss_difference(result, "rocchio-tfidf", "rocchio-tfidf") == (0.0, 0.0, 0.0)


def test_calibration_measures():
    assert brier_score(np.array([1.0, 0.0]), np.array([1.0, 0.0])) == 0.0
    assert brier_score(np.array([0.5, 0.5]), np.array([1.0, 0.0])) == 0.25
    bins = reliability_bins(np.array([0.05, 0.05, 0.95, 1.0]), np.array([0.0, 1.0, 1.0, 1.0]))
    assert bins["count"].tolist() == [2, 2] and bins["observed"].tolist() == [0.5, 1.0]


CORPUS_FREE_FACTORY = """
from model import make_classifier


def make_without_corpus():
    return make_classifier()
"""


def test_classifier_builder_passes_corpus_only_when_the_factory_takes_it():
    corpus = pd.DataFrame({"title": ["a"], "abstract": ["b"]})

    def with_corpus(corpus=None):
        return ("given", corpus)

    def without_corpus():
        return "plain"

    assert classifier_builder(with_corpus, corpus)() == ("given", corpus)
    assert classifier_builder(with_corpus, corpus, prepare=len)() == ("given", 1)
    assert classifier_builder(without_corpus, corpus)() == "plain"


def test_tiny_full_run_writes_sections_and_plots(
    citeulike, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
):
    """The whole citeulike-t pipeline with our real classifier; its corpus-level features are left out
    here (the model's prepare_corpus on 26,000 papers takes longer than this test should)."""
    (tmp_path / "corpus_free_factory.py").write_text(CORPUS_FREE_FACTORY, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(evaluate, "load_citeulike", lambda folder: citeulike)  # loaded once per module
    tiny = ReplaySettings(users=4, budgets=(2,))
    monkeypatch.setattr(evaluate, "with_embeddings", episode_embeddings(tiny))
    results_md = tmp_path / "RESULTS.md"
    monkeypatch.setattr(evaluate, "write_section", lambda name, md: write_section(name, md, path=results_md))
    code = evaluate.main(
        [
            "--dataset",
            "citeulike",
            "--users",
            "4",
            "--budgets",
            "2",
            "--bootstrap",
            "20",
            "--active-learning-users",
            "2",
            "--out-dir",
            str(tmp_path / "plots"),
            "--classifier",
            "corpus_free_factory:make_without_corpus",
            "--per-user",
            str(tmp_path / "per_user.csv"),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "| ours |" in out and "| rocchio-tfidf |" in out and "ours − best" in out
    assert "| rocchio-embedding |" in out and "| terms-only model |" in out
    assert "Against each Rocchio" in out and "ours − rocchio-embedding" in out
    text = results_md.read_text(encoding="utf-8")
    for section in (
        "evaluate-summary",
        "citeulike-random",
        "citeulike-same-field",
        "citeulike-calibration",
        "citeulike-active-learning",
    ):
        assert f"<!-- begin {section} -->" in text
    assert "python -m training.evaluate --dataset citeulike --users 4" in text
    per_user = pd.read_csv(tmp_path / "per_user.csv")
    assert len(per_user) == 2 * 7 * 4 and set(per_user["variant"]) == {"random", "same-field"}
    pngs = sorted(p.name for p in (tmp_path / "plots").glob("*.png"))
    assert pngs == [
        "active-learning.png",
        "learning-curves-random.png",
        "learning-curves-same-field.png",
        "reliability-random.png",
        "reliability-same-field.png",
    ]


def episode_embeddings(settings: ReplaySettings, variants: tuple[str, ...] = ("random", "same-field")):
    """A stand-in for with_embeddings that embeds, with the real encoder, only the items the tiny run's
    episodes use (the page, the first n thumbs-ups and 2n thumbs-downs); other rows stay zero. Embedding
    all 26,000 items would take the test a quarter of an hour."""

    def attach(data: CiteULike, name: str) -> CiteULike:
        from model.embedding import DIMENSIONS, shared_encoder

        n = max(settings.budgets)
        used = sorted(
            {
                int(i)
                for variant in variants
                for episode in make_episodes(data, settings, variant)
                for i in (*episode.page, *episode.ups[:n], *episode.downs[: 2 * n])
            }
        )
        vectors = np.zeros((len(data.texts), DIMENSIONS), dtype=np.float32)
        chosen = data.texts.iloc[used]
        vectors[used] = shared_encoder(2).encode(chosen["title"].tolist(), chosen["abstract"].tolist())
        return replace(data, texts=data.texts.assign(embedding=list(vectors)), embeddings=vectors)

    return attach


def test_tiny_citeulike_a_run_compares_ours_with_both_rocchios(tmp_path: Path, monkeypatch, capsys):
    """citeulike-a's replay with our real classifier (corpus features left out, as above) beside
    TF-IDF Rocchio, embedding Rocchio and the terms-only model."""
    (tmp_path / "corpus_free_factory.py").write_text(CORPUS_FREE_FACTORY, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    settings = ReplaySettings(users=3, budgets=(2,), min_library=30)
    monkeypatch.setattr(citeulike_a_replay, "with_embeddings", episode_embeddings(settings, ("random",)))
    code = evaluate.main(
        [
            "--dataset",
            "citeulike-a",
            "--citeulike-a-users",
            "3",
            "--no-citeulike-a-all",
            "--budgets",
            "2",
            "--bootstrap",
            "20",
            "--classifier",
            "corpus_free_factory:make_without_corpus",
            "--no-write",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    for method in ("ours", "terms-only model", "rocchio-embedding", "rocchio-tfidf", "random"):
        assert f"| {method} |" in out
    assert "citeulike-a digest replay" in out and "3 readers" in out
    assert "every eligible reader" not in out


def test_every_reader_run_gives_the_readme_draw_exactly():
    """One replay over every eligible citeulike-a reader, cut down to the README's draw, reproduces a
    replay of the draw alone: the same per-user rows, the same resamples, the same paired intervals
    (so `papersieve eval` reports both from one run)."""
    data = load_citeulike_a()
    drawn = ReplaySettings(users=20, budgets=(2,), min_library=30)
    everyone = replace(drawn, users=len(data.libraries))
    baselines = reference_baselines(data.tfidf, 0)  # cheap stand-ins for ours, the same machinery
    scorers = {
        OURS: baselines["logreg-tfidf"],
        TFIDF_ROCCHIO: baselines[TFIDF_ROCCHIO],
        RANDOM: baselines[RANDOM],
    }
    alone = run_variant(data, drawn, "random", scorers, bootstrap=50, log=lambda _: None)
    whole = run_variant(data, everyone, "random", scorers, bootstrap=50, log=lambda _: None)
    assert len(whole.episodes) == len(eligible_users(data, drawn)) == 961
    cut = readers_subset(whole, sampled_users(data, drawn), bootstrap=50, seed=0)
    assert [e.user for e in cut.episodes] == [e.user for e in alone.episodes]
    pd.testing.assert_frame_equal(cut.results, alone.results)
    np.testing.assert_array_equal(cut.resamples, alone.resamples)
    pd.testing.assert_frame_equal(cut.differences, alone.differences)
    pd.testing.assert_frame_equal(cut.rocchio_differences, alone.rocchio_differences)
    assert cut.our_scores.keys() == alone.our_scores.keys()
    with pytest.raises(ValueError, match="did not run"):
        readers_subset(alone, np.array([-1]), bootstrap=50, seed=0)


def test_missing_shared_data_is_a_clear_error(tmp_path: Path, capsys):
    code = evaluate.main(["--dataset", "expertise", "--shared-data", str(tmp_path), "--no-write"])
    assert code == 2 and "expertise-dev file missing" in capsys.readouterr().err


def _profile_store(data_dir: Path, papers: list[dict], ups: int, downs: int) -> None:
    from server.store import Paper, Store

    with Store.open(data_dir) as store:
        for i, paper in enumerate(papers[: ups + downs]):
            rating = 1 if i < ups else -1
            stored = Paper(paper["id"], paper["title"], paper["abstract"], paper["url"])
            store.set_rating("default", stored, rating)


def test_profile_cross_validation(tmp_path: Path, hf_papers, capsys):
    _profile_store(tmp_path, hf_papers, ups=8, downs=12)
    code = evaluate.main(["--profile", "default", "--data-dir", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0 and "8 👍, 12 👎" in out and "5-fold" in out
    assert "| ours |" in out and "AUC [95% CI]" in out


def test_rank_auc_equals_sklearn_with_ties():
    rng = np.random.default_rng(1)
    for _ in range(20):
        labels = np.r_[0, 1, rng.integers(0, 2, 28)]
        scores = rng.integers(0, 5, 30).astype(float)
        assert rank_auc(labels, scores) == pytest.approx(roc_auc_score(labels, scores))


def test_profile_with_too_few_labels_or_unknown_is_a_clear_error(tmp_path: Path, hf_papers, capsys):
    _profile_store(tmp_path, hf_papers, ups=4, downs=6)
    assert evaluate.main(["--profile", "default", "--data-dir", str(tmp_path)]) == 1
    assert "needs at least 5 of each (rate 1 more 👍" in capsys.readouterr().err
    assert evaluate.main(["--profile", "nobody", "--data-dir", str(tmp_path)]) == 2
    assert "no profile named 'nobody'" in capsys.readouterr().err
    assert evaluate.main(["--profile", "default", "--data-dir", str(tmp_path / "empty")]) == 2
    assert "no papersieve database" in capsys.readouterr().err


def test_plain_tfidf_rocchio_reproduces_the_issue_number():
    """The issue quotes "TF-IDF cosine-to-mean 0.219" on expertise-dev: Rocchio on the plain vectorizer."""
    data = load_expertise()
    scorers = {"rocchio": reference_baselines(data.plain_tfidf, seed=0)["rocchio-tfidf"]}
    result = run_expertise(data, scorers, seed=0, bootstrap=10, log=lambda _: None)
    assert round(float(pooled_loss(result.costs["rocchio"], result.weights)), 3) == 0.219


def test_field_corpus_replay_fits_every_method_on_the_readers_field(citeulike):
    from training.protocols import field_corpus

    results = field_corpus.run(citeulike, users=2, budgets=(2,), seed=0, log=lambda _: None)
    methods = [
        OURS,
        field_corpus.OURS_NO_CUT,
        "rocchio-tfidf",
        "svm-tfidf (arxiv-sanity-lite)",
        "logreg-tfidf",
    ]
    assert sorted(results["method"].unique()) == sorted(methods)
    assert len(results) == len(methods) * 2 and results[["auc", "p@5", "ndcg@10"]].notna().all().all()
    # The same pages as the eval's same-field variant: the same users, ranked by every method.
    eval_users = [e.user for e in make_episodes(citeulike, ReplaySettings(users=2), "same-field")]
    assert sorted(results["user"].unique()) == sorted(eval_users)
    markdown = field_corpus.report(results, resample_indices(2, 20, 0), 1.0, "cmd", 0)
    assert "ours − best baseline" in markdown and "no cut − max_df 0.1" in markdown


def test_every_reader_replay_gives_each_user_the_200_draws_page(
    citeulike, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """`papersieve eval` replays every eligible reader (1,127); each of the README's 200 gets its page."""
    from training.protocols.citeulike_replay import our_classifier, replay_scorers, run_variant
    from training.protocols.episodes import eligible_users

    eligible = len(eligible_users(citeulike, ReplaySettings()))
    everyone = make_episodes(citeulike, ReplaySettings(users=eligible), "random")
    assert len(everyone) == 1127
    by_user = {e.user: e for e in everyone}
    for episode in make_episodes(citeulike, ReplaySettings(), "random"):  # the eval's 200 users
        assert (by_user[episode.user].page == episode.page).all()
        assert (by_user[episode.user].ups == episode.ups).all()
    (tmp_path / "corpus_free_factory.py").write_text(CORPUS_FREE_FACTORY, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    make = our_classifier(citeulike, "corpus_free_factory:make_without_corpus")
    scorers = replay_scorers(citeulike, make, seed=0)
    results = {"random": run_variant(citeulike, ReplaySettings(users=3, seed=0), "random", scorers, 20)}
    assert "random, n=2" in evaluate.headline_markdown(results)
