"""The per-profile model cache: refit on rating changes, saved in the background, rebuilt when a
saved model cannot be loaded."""

from __future__ import annotations

import pandas as pd
import pytest

from model import load_model, make_classifier
from server.model_saver import ModelSaver
from server.profile_models import ProfileModels
from server.store import DEFAULT_PROFILE, Paper, Store


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "data") as opened:
        yield opened


def as_paper(record: dict) -> Paper:
    return Paper(record["id"], record["title"], record["abstract"], record["url"])


def fitted(hf_papers):
    frame = pd.DataFrame(hf_papers[:4])[["title", "abstract"]]
    return make_classifier().fit(frame, [1, 0, 1, 0])


def test_saver_writes_only_the_newest_model_of_a_burst(tmp_path, hf_papers):
    saver = ModelSaver(delay=0.2)
    path = tmp_path / "m.joblib"
    classifier = fitted(hf_papers)
    for revision in range(5):
        saver.schedule(path, classifier, {"revision": revision})
    saver.flush()
    assert load_model(path)[1]["revision"] == 4


def test_saver_survives_a_failed_save(tmp_path, hf_papers):
    saver = ModelSaver(delay=0)
    saver.schedule(tmp_path / "missing-dir" / "sub" / "m.joblib", object(), {})
    saver.flush()
    saver.schedule(tmp_path / "ok.joblib", fitted(hf_papers), {"revision": 1})
    saver.flush()
    assert (tmp_path / "ok.joblib").exists()


def test_model_follows_the_ratings_revision(tmp_path, store, hf_papers):
    models = ProfileModels(tmp_path / "data")
    store.record_seen(DEFAULT_PROFILE, [as_paper(p) for p in hf_papers])
    assert models.current(store, DEFAULT_PROFILE) is None
    store.set_rating(DEFAULT_PROFILE, as_paper(hf_papers[0]), 1)
    store.set_rating(DEFAULT_PROFILE, as_paper(hf_papers[1]), -1)
    first = models.current(store, DEFAULT_PROFILE)
    assert first is not None and first.n_labels == 2
    assert models.current(store, DEFAULT_PROFILE) is first  # cached while nothing changes
    store.set_rating(DEFAULT_PROFILE, as_paper(hf_papers[2]), 1)
    second = models.current(store, DEFAULT_PROFILE)
    assert second is not first and second.n_labels == 3


@pytest.mark.parametrize("damage", [b"", b"garbage", b"\x80\x04K\x01."])
def test_unloadable_saved_model_is_rebuilt_from_ratings(tmp_path, store, hf_papers, damage):
    store.set_rating(DEFAULT_PROFILE, as_paper(hf_papers[0]), 1)
    store.set_rating(DEFAULT_PROFILE, as_paper(hf_papers[1]), -1)
    models = ProfileModels(tmp_path / "data")
    assert models.current(store, DEFAULT_PROFILE) is not None
    models.saver.flush()
    models.model_path(DEFAULT_PROFILE).write_bytes(damage)
    fresh = ProfileModels(tmp_path / "data")
    rebuilt = fresh.current(store, DEFAULT_PROFILE)
    assert rebuilt is not None and rebuilt.n_labels == 2
    fresh.saver.flush()
    assert load_model(fresh.model_path(DEFAULT_PROFILE))[1]["revision"] == store.revision(DEFAULT_PROFILE)


def test_grown_corpus_is_refitted_in_the_background_while_the_old_one_serves(tmp_path, store, hf_papers):
    import time

    models = ProfileModels(tmp_path / "data", corpus_check_seconds=0)
    store.record_seen(DEFAULT_PROFILE, [as_paper(p) for p in hf_papers[:10]])
    store.set_rating(DEFAULT_PROFILE, as_paper(hf_papers[0]), 1)
    store.set_rating(DEFAULT_PROFILE, as_paper(hf_papers[1]), -1)
    first = models.current(store, DEFAULT_PROFILE)
    assert first.corpus.size == 10

    store.record_seen(DEFAULT_PROFILE, [as_paper(p) for p in hf_papers])
    served = models.current(store, DEFAULT_PROFILE)  # starts the refresh, answers at once
    assert served.corpus.size in (10, len(hf_papers))
    deadline = time.monotonic() + 60
    while models._slot(DEFAULT_PROFILE).refreshing and time.monotonic() < deadline:
        time.sleep(0.05)
    refreshed = models.current(store, DEFAULT_PROFILE)
    assert refreshed.corpus.size == len(hf_papers)
    assert refreshed is not first and refreshed.revision == first.revision


def test_a_restarted_server_reuses_saved_corpus_features_even_for_new_ratings(tmp_path, store, hf_papers):
    models = ProfileModels(tmp_path / "data")
    store.record_seen(DEFAULT_PROFILE, [as_paper(p) for p in hf_papers])
    store.set_rating(DEFAULT_PROFILE, as_paper(hf_papers[0]), 1)
    store.set_rating(DEFAULT_PROFILE, as_paper(hf_papers[1]), -1)
    models.current(store, DEFAULT_PROFILE)
    models.saver.flush()
    store.set_rating(DEFAULT_PROFILE, as_paper(hf_papers[2]), 1)  # made while no server ran

    restarted = ProfileModels(tmp_path / "data")
    model = restarted.current(store, DEFAULT_PROFILE)
    assert model.n_labels == 3
    assert model.corpus.size == len(hf_papers)


def test_a_large_corpus_is_prepared_in_a_child_process_with_the_same_result(
    tmp_path, store, hf_papers, monkeypatch
):
    import server.profile_corpus as profile_corpus

    store.record_seen(DEFAULT_PROFILE, [as_paper(p) for p in hf_papers])
    data_dir = tmp_path / "data"
    in_process = profile_corpus.prepare_profile_corpus(data_dir, DEFAULT_PROFILE)
    monkeypatch.setattr(profile_corpus, "IN_PROCESS_MAX_PAPERS", 10)
    in_child = profile_corpus.prepare_profile_corpus(data_dir, DEFAULT_PROFILE)
    assert in_process.size == in_child.size == len(hf_papers)
    corpus = pd.DataFrame(hf_papers)[["title", "abstract"]]
    scores = [
        make_classifier(corpus=prepared.features)
        .fit(corpus.iloc[:12], [1, 0] * 6)
        .predict_proba(corpus)[:, 1]
        for prepared in (in_process, in_child)
    ]
    assert scores[0] == pytest.approx(scores[1], abs=1e-9)


def test_a_large_first_corpus_is_prepared_in_the_background(tmp_path, store, hf_papers, monkeypatch):
    import time

    import server.profile_corpus as profile_corpus

    monkeypatch.setattr(profile_corpus, "IN_PROCESS_MAX_PAPERS", 10)
    models = ProfileModels(tmp_path / "data", corpus_check_seconds=0)
    store.record_seen(DEFAULT_PROFILE, [as_paper(p) for p in hf_papers])
    store.set_rating(DEFAULT_PROFILE, as_paper(hf_papers[0]), 1)
    store.set_rating(DEFAULT_PROFILE, as_paper(hf_papers[1]), -1)
    first = models.current(store, DEFAULT_PROFILE)  # answers at once, from the rated papers alone
    assert first is not None
    deadline = time.monotonic() + 120
    while models._slot(DEFAULT_PROFILE).refreshing and time.monotonic() < deadline:
        time.sleep(0.05)
    ready = models.current(store, DEFAULT_PROFILE)
    assert ready.corpus is not None and ready.corpus.size == len(hf_papers)
