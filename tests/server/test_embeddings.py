"""Sentence embeddings in the server: the background worker, provisional scores, the model cache.

Real SQLite in temporary folders and the real encoder (it loads in ~0.3 s; a paper with its abstract
takes ~0.1 s, so each test embeds a handful of the 104 real papers only)."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

import server.embedding_worker as embedding_worker
from model.embedding import ENCODER_NAME, EncoderUnavailable, shared_encoder
from server.app import create_app, shutdown_app
from server.embedding_pace import FIRST_SECONDS_PER_PAPER
from server.embedding_queue import EmbeddingQueue
from server.embedding_worker import EmbeddingWorker
from server.profile_corpus import CorpusFeatures
from server.profile_models import ProfileModels
from server.store import DEFAULT_PROFILE, EMBEDDING_DIMENSIONS, EncoderKey, Paper, Store, current_encoder_key
from tests.server.conftest import TOKEN, ApiClient, rate

WAIT_SECONDS = 60


def as_paper(record: dict) -> Paper:
    return Paper(record["id"], record["title"], record["abstract"], record["url"])


def poll(condition, timeout: float = WAIT_SECONDS, interval: float = 0.05):
    """condition()'s first truthy value, or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"not true within {timeout} s: {condition}")


class RecordingEncoder:
    """The real encoder, remembering which texts it embedded, in order; optionally held at a gate."""

    def __init__(self, gate: threading.Event | None = None) -> None:
        self.real = shared_encoder(1)
        self.titles: list[str] = []
        self.gate = gate

    def encode(self, titles, abstracts):
        if self.gate is not None:
            self.gate.wait(WAIT_SECONDS)
        self.titles.extend(titles)
        return self.real.encode(titles, abstracts)


@pytest.fixture
def recorder(monkeypatch):
    encoder = RecordingEncoder()
    monkeypatch.setattr(embedding_worker, "load_encoder", lambda threads: encoder)
    return encoder


@pytest.fixture
def data_dir(tmp_path):
    path = tmp_path / "data"
    Store.open(path).close()
    return path


def make_app(data_dir, **config):
    return create_app({"DATA_DIR": data_dir, "TOKEN": TOKEN, "TESTING": True, **config})


@pytest.fixture
def make_api():
    apps = []

    def build(data_dir, **config):
        app = make_app(data_dir, **config)
        apps.append(app)
        return app, ApiClient(app.test_client())

    yield build
    for app in apps:
        shutdown_app(app)


# --- the worker ----------------------------------------------------------------------------------


def test_the_worker_embeds_the_pages_being_scored_before_the_backlog_newest_request_first(
    data_dir, hf_papers, recorder
):
    page_a, page_b, backlog = hf_papers[:3], hf_papers[3:6], hf_papers[6:12]
    with Store.open(data_dir, setup=False) as store:
        # The pages' papers are the oldest in the store: the backlog alone would embed them last.
        store.record_seen(DEFAULT_PROFILE, [as_paper(p) for p in page_a + page_b])
        time.sleep(0.002)
        store.record_seen(DEFAULT_PROFILE, [as_paper(p) for p in backlog])
    worker = EmbeddingWorker(data_dir, batch_size=2)
    worker.enqueue([p["id"] for p in page_a])
    worker.enqueue([p["id"] for p in page_b])
    assert worker.pending() == [p["id"] for p in page_b + page_a]
    worker.start()
    try:
        assert worker.wait_idle(WAIT_SECONDS)
    finally:
        assert worker.stop()
    assert recorder.titles[:6] == [p["title"] for p in page_b + page_a]
    assert sorted(recorder.titles[6:]) == sorted(p["title"] for p in backlog)
    with Store.open(data_dir, setup=False) as store:
        vectors = store.embeddings_for([p["id"] for p in hf_papers[:12]])
    assert len(vectors) == 12
    expected = shared_encoder(1).encode([page_a[0]["title"]], [page_a[0]["abstract"]])[0]
    np.testing.assert_allclose(vectors[page_a[0]["id"]], expected, atol=2e-3)  # float16 of the real vector


def test_a_full_queue_drops_the_oldest_requests_papers(data_dir):
    worker = EmbeddingWorker(data_dir, queue_max=5)  # never started: only the queue is tested
    worker.enqueue(["a", "b", "c"])
    worker.enqueue(["d", "e", "f"])
    assert worker.pending() == ["d", "e", "f", "a", "b"]
    worker.enqueue(["b", "g"])  # asked again: moves to the front, no duplicate
    assert worker.pending() == ["b", "g", "d", "e", "f"]
    assert worker.queue_length() == 5 and worker.dropped == 2


def test_the_queue_drops_the_backlog_before_page_papers_and_counts_papers_ahead():
    queue = EmbeddingQueue(max_papers=6)
    queue.backlog[:] = ["x", "y", "z"]
    assert queue.push_front(["a", "b", "c", "d"]) == 1  # the backlog's last paper goes first
    assert queue.order() == ["a", "b", "c", "d", "x", "y"]
    assert queue.papers_through(["b", "x"]) == 5 and queue.papers_through(["q"]) == 0
    assert queue.pop_batch(3) == ["a", "b", "c"] and queue.pop_batch(3) == ["d"]
    assert queue.pop_batch(3) == ["x", "y"] and len(queue) == 0


def test_a_new_encoder_version_re_embeds_everything_and_forgets_the_old_vectors(
    data_dir, hf_papers, recorder
):
    old_key = EncoderKey(ENCODER_NAME, "0-old")
    papers = [as_paper(p) for p in hf_papers[:3]]
    with Store.open(data_dir, setup=False, encoder=old_key) as store:
        store.record_seen(DEFAULT_PROFILE, papers)
        unit = np.full(EMBEDDING_DIMENSIONS, EMBEDDING_DIMENSIONS**-0.5, dtype=np.float32)
        store.save_embeddings(old_key, [(p, unit) for p in papers])
    worker = EmbeddingWorker(data_dir).start()
    try:
        assert worker.wait_idle(WAIT_SECONDS)
    finally:
        worker.stop()
    with Store.open(data_dir, setup=False) as store:
        assert store.embedding_count(old_key) == 0
        assert store.embedding_count() == 3
    assert sorted(recorder.titles) == sorted(p.title for p in papers)


def test_the_worker_thread_stops_at_shutdown_even_mid_backlog(data_dir, hf_papers, recorder):
    with Store.open(data_dir, setup=False) as store:
        store.record_seen(DEFAULT_PROFILE, [as_paper(p) for p in hf_papers])
    app = make_app(data_dir)
    worker = app.extensions["papersieve_embeddings"]
    poll(lambda: worker.embedded > 0)
    started = time.monotonic()
    shutdown_app(app)
    assert not worker.running and worker.state == "stopped"
    assert time.monotonic() - started < 10
    assert worker.embedded < len(hf_papers)  # it did not finish the backlog first
    worker.enqueue(["2501.10000"])  # a late request after shutdown is ignored, not an error
    assert worker.queue_length() == 0


def test_embeddings_off_by_config_start_no_thread(data_dir, make_api, hf_papers):
    app, api = make_api(data_dir, EMBEDDINGS=False)
    worker = app.extensions["papersieve_embeddings"]
    assert not worker.running
    body = api.post("/score", json={"papers": hf_papers[:3]}).json
    assert all(s["provisional"] for s in body["scores"])
    state = api.get("/profiles/default").json["embeddings"]
    assert state["available"] is False and state["state"] == "disabled" and state["queue"] == 0


# --- the API -------------------------------------------------------------------------------------


def test_score_marks_unembedded_papers_provisional_until_the_worker_has_run(data_dir, make_api, hf_papers):
    page = hf_papers[:8]
    _, api = make_api(data_dir)
    rate(api, hf_papers[0], 1)
    rate(api, hf_papers[1], -1)
    first = api.post("/score", json={"papers": page}).json
    assert first["ready"] is True
    assert [s["id"] for s in first["scores"]] == [p["id"] for p in page]
    assert all(0 <= s["score"] <= 1 for s in first["scores"])
    assert all(s["provisional"] is True for s in first["scores"][2:])  # new papers: no vector yet

    def settled():
        body = api.post("/score", json={"papers": page}).json
        return body if not any(s["provisional"] for s in body["scores"]) else None

    later = poll(settled)
    assert all(s["provisional"] is False and 0 <= s["score"] <= 1 for s in later["scores"])
    # final means final: the model no longer changes under these scores
    assert api.post("/score", json={"papers": page}).json["scores"] == later["scores"]
    state = api.get("/profiles/default").json["embeddings"]
    assert state["encoder"] == ENCODER_NAME and state["version"] == current_encoder_key().version
    assert state["available"] is True and state["state"] == "ready"
    assert state["papers"] == state["papers_with_vectors"] == len(page)


def test_feedback_embeds_the_rated_paper_first(data_dir, make_api, hf_papers, monkeypatch):
    gate = threading.Event()
    encoder = RecordingEncoder()

    def held_loader(threads):  # the encoder "loads" until the test lets it
        gate.wait(WAIT_SECONDS)
        return encoder

    monkeypatch.setattr(embedding_worker, "load_encoder", held_loader)
    app, api = make_api(data_dir)
    worker = app.extensions["papersieve_embeddings"]
    page = [{**p, "abstract": ""} for p in hf_papers[:20]]  # a title-only page: quick to embed
    body = api.post("/score", json={"papers": page}).json  # answered while the encoder loads
    assert all(s["provisional"] for s in body["scores"])
    rated = hf_papers[40]
    rate(api, rated, 1)
    assert worker.pending() == [rated["id"]] + [p["id"] for p in page]
    state = api.get("/profiles/default").json["embeddings"]
    assert state["queue"] == 21 and state["available"] is None and state["state"] == "loading"
    gate.set()
    assert worker.wait_idle(WAIT_SECONDS)
    assert encoder.titles[0] == rated["title"]
    assert encoder.titles[1:] == [p["title"] for p in page]


def test_a_server_without_an_encoder_still_scores_provisionally(data_dir, make_api, hf_papers, monkeypatch):
    def broken(threads):
        raise EncoderUnavailable("embedding model missing or damaged: /nowhere/model.onnx")

    monkeypatch.setattr(embedding_worker, "load_encoder", broken)
    app, api = make_api(data_dir)
    worker = app.extensions["papersieve_embeddings"]
    poll(lambda: worker.state == "unavailable")
    rate(api, hf_papers[0], 1)
    rate(api, hf_papers[1], -1)
    body = api.post("/score", json={"papers": hf_papers}).json
    assert body["ready"] is True and len(body["scores"]) == len(hf_papers)
    assert all(s["provisional"] is True and 0 <= s["score"] <= 1 for s in body["scores"])
    state = api.get("/profiles/default").json["embeddings"]
    assert state["available"] is False and state["state"] == "unavailable"
    assert "missing or damaged" in state["error"]
    assert state["papers_with_vectors"] == 0 and state["queue"] == 0


def test_score_reads_all_vectors_of_a_page_in_one_query(data_dir, make_api, hf_papers, monkeypatch):
    import server.api

    _, api = make_api(data_dir, EMBEDDINGS=False)
    rate(api, hf_papers[0], 1)
    rate(api, hf_papers[1], -1)
    api.post("/score", json={"papers": hf_papers})  # the first fit reads the corpus
    statements: list[str] = []
    original = server.api.get_store

    def traced():
        store = original()
        store.db.set_trace_callback(statements.append)
        return store

    monkeypatch.setattr(server.api, "get_store", traced)
    with Store.open(data_dir, setup=False) as other:  # a commit: the page is read afresh (page_reads.py)
        other.ensure_profile("other")
    body = api.post("/score", json={"papers": hf_papers}).json
    assert len(body["scores"]) == len(hf_papers)
    vector_reads = [sql for sql in statements if "vector FROM embeddings" in sql]
    assert len(vector_reads) == 1


# --- the model cache -----------------------------------------------------------------------------


def random_unit(seed: int) -> np.ndarray:
    vector = np.random.default_rng(seed).standard_normal(EMBEDDING_DIMENSIONS).astype(np.float32)
    return vector / np.linalg.norm(vector)


def test_the_model_refits_when_its_rated_papers_gain_vectors(data_dir, hf_papers):
    models = ProfileModels(data_dir)
    with Store.open(data_dir, setup=False) as store:
        rated = [as_paper(p) for p in hf_papers[:2]]
        store.set_rating(DEFAULT_PROFILE, rated[0], 1)
        store.set_rating(DEFAULT_PROFILE, rated[1], -1)
        first = models.current(store, DEFAULT_PROFILE)
        assert first.embedded_labels == 0
        assert models.current(store, DEFAULT_PROFILE) is first
        vectors = shared_encoder(1).encode([p.title for p in rated], [p.abstract for p in rated])
        store.save_embeddings(store.encoder, zip(rated, vectors, strict=True))
        second = models.current(store, DEFAULT_PROFILE)
        assert second is not first and second.embedded_labels == 2 and second.revision == first.revision
        assert models.current(store, DEFAULT_PROFILE) is second
    models.saver.flush()


def test_corpus_features_are_refitted_once_a_quarter_of_the_corpus_has_vectors(data_dir, hf_papers):
    assert not CorpusFeatures(None, 1000, 0).outgrown_by(1000, 200)
    assert CorpusFeatures(None, 1000, 0).outgrown_by(1000, 250)
    assert not CorpusFeatures(None, 100, 0).outgrown_by(100, 40)  # at least 50 new vectors
    assert CorpusFeatures(None, 100, 30).outgrown_by(100, 100)

    models = ProfileModels(data_dir, corpus_check_seconds=0)
    papers = [as_paper(p) for p in hf_papers]
    with Store.open(data_dir, setup=False) as store:
        store.record_seen(DEFAULT_PROFILE, papers)
        store.set_rating(DEFAULT_PROFILE, papers[0], 1)
        store.set_rating(DEFAULT_PROFILE, papers[1], -1)
        first = models.current(store, DEFAULT_PROFILE)
        assert (first.corpus.size, first.corpus.embedded) == (len(papers), 0)
        # The cache mechanism is under test here, not the encoder: stand-in unit vectors.
        store.save_embeddings(store.encoder, [(p, random_unit(i)) for i, p in enumerate(papers[2:80])])
        models.current(store, DEFAULT_PROFILE)  # starts the corpus refit in the background
        poll(lambda: not models._slot(DEFAULT_PROFILE).refreshing)
        refreshed = models.current(store, DEFAULT_PROFILE)
        assert refreshed.corpus.embedded == 78 and refreshed is not first
    models.saver.flush()


def test_without_the_embedding_packages_the_worker_reports_unavailable(data_dir, monkeypatch):
    monkeypatch.setattr(embedding_worker, "current_encoder_key", lambda: None)  # model.embedding unimportable
    worker = EmbeddingWorker(data_dir).start()
    assert not worker.running and worker.available is False
    assert worker.status()["encoder"] is None and "not installed" in worker.status()["error"]
    worker.enqueue(["2501.10000"])
    assert worker.queue_length() == 0


def test_a_page_is_final_only_once_all_its_papers_and_the_rated_ones_have(data_dir, make_api, hf_papers):
    """The model refits as vectors arrive, so a paper with its own vector is still provisional while
    any other paper of its page (or a rated paper) has none: no card keeps a score the model dropped."""
    _, api = make_api(data_dir)
    rate(api, hf_papers[0], 1)
    rate(api, hf_papers[1], -1)

    def rated_ones_final() -> bool | None:
        scores = api.post("/score", json={"papers": hf_papers[:2]}).json["scores"]
        return None if any(s["provisional"] for s in scores) else True

    poll(rated_ones_final)
    mixed = api.post("/score", json={"papers": hf_papers[:2] + hf_papers[60:70]}).json["scores"]
    assert all(s["provisional"] for s in mixed)  # the two rated papers have vectors, the page not yet


def test_score_says_when_its_provisional_scores_will_be_final_newest_page_first(
    data_dir, make_api, hf_papers, monkeypatch
):
    """`refine_after_ms`: the papers queued up to the page's last one and the batch being embedded,
    at the worker's rate, plus the refit after them."""
    gate = threading.Event()
    gate.set()
    encoder = RecordingEncoder(gate)
    monkeypatch.setattr(embedding_worker, "load_encoder", lambda threads: encoder)
    app, api = make_api(data_dir)
    worker = app.extensions["papersieve_embeddings"]
    rate(api, hf_papers[0], 1)
    rate(api, hf_papers[1], -1)
    assert worker.wait_idle(WAIT_SECONDS)
    assert worker.pace.seconds_per_paper != FIRST_SECONDS_PER_PAPER  # timed batches
    gate.clear()  # from now on every batch is held until the test lets it go
    worker.pace.seconds_per_paper = 0.1
    page_a, page_b = hf_papers[10:50], hf_papers[50:60]
    first = api.post("/score", json={"papers": page_a}).json
    assert all(s["provisional"] for s in first["scores"])
    assert first["refine_after_ms"] == 40 * 100 + 300  # queued or in the batch being embedded
    poll(lambda: worker.queue_length() == 32)  # a batch of 8 is being embedded
    second = api.post("/score", json={"papers": page_b}).json
    assert second["refine_after_ms"] == (8 + 10) * 100 + 300  # the newest page goes first
    again = api.post("/score", json={"papers": page_a}).json  # and moves to the front again
    assert again["refine_after_ms"] == (8 + 40) * 100 + 300
    assert worker.pending()[:40] == [p["id"] for p in page_a]
    gate.set()
    assert worker.wait_idle(WAIT_SECONDS)
    poll(
        lambda: not any(s["provisional"] for s in api.post("/score", json={"papers": page_a}).json["scores"])
    )
    final = api.post("/score", json={"papers": page_a}).json
    assert "refine_after_ms" not in final


def test_without_a_working_encoder_score_gives_no_time_to_ask_again(
    data_dir, make_api, hf_papers, monkeypatch
):
    def broken(threads):
        raise EncoderUnavailable("embedding model missing or damaged: /nowhere/model.onnx")

    monkeypatch.setattr(embedding_worker, "load_encoder", broken)
    app, api = make_api(data_dir)
    poll(lambda: app.extensions["papersieve_embeddings"].state == "unavailable")
    rate(api, hf_papers[0], 1)
    rate(api, hf_papers[1], -1)
    body = api.post("/score", json={"papers": hf_papers[:5]}).json
    assert all(s["provisional"] for s in body["scores"]) and "refine_after_ms" not in body
