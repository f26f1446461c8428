import sqlite3

import numpy as np
import pytest

from server.migrations import MIGRATIONS, applied_migrations, migrate
from server.store import (
    DEFAULT_PROFILE,
    EMBEDDING_DIMENSIONS,
    EncoderKey,
    Paper,
    ProfileExists,
    RatedPaper,
    Store,
    StoreError,
    UnknownProfile,
    UnknownRating,
    current_encoder_key,
)


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path) as opened:
        yield opened


def paper(number: int, **fields) -> Paper:
    return Paper(id=f"2401.{number:05d}", title=f"Paper {number}", abstract=f"Abstract {number}", **fields)


def test_migrations_apply_in_order_from_a_blank_database_and_only_once(tmp_path):
    db = sqlite3.connect(tmp_path / "blank.sqlite3")
    assert migrate(db) == [name for name, _ in MIGRATIONS]
    assert applied_migrations(db) == [name for name, _ in MIGRATIONS]
    assert migrate(db) == []
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"profiles", "papers", "seen", "ratings", "migrations"} <= tables
    assert "revision" in {row[1] for row in db.execute("PRAGMA table_info(profiles)")}


def test_a_failing_migration_leaves_no_trace(tmp_path, monkeypatch):
    db = sqlite3.connect(tmp_path / "x.sqlite3")
    migrate(db)

    def broken(connection):
        connection.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("boom")

    monkeypatch.setattr("server.migrations.MIGRATIONS", [*MIGRATIONS, ("m999_broken", broken)])
    with pytest.raises(RuntimeError):
        migrate(db)
    assert "m999_broken" not in applied_migrations(db)
    assert db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'half_done'").fetchone() == (0,)


def test_database_uses_wal_and_foreign_keys(store):
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_default_profile_exists_and_profiles_can_be_created_and_deleted(store):
    assert [p.name for p in store.list_profiles()] == [DEFAULT_PROFILE]
    store.create_profile("reading-group")
    with pytest.raises(ProfileExists):
        store.create_profile("reading-group")
    store.set_rating("reading-group", paper(1), 1)
    store.delete_profile("reading-group")
    with pytest.raises(UnknownProfile):
        store.profile("reading-group")
    assert store.db.execute("SELECT count(*) FROM ratings").fetchone() == (0,)


def test_seen_papers_are_kept_once_and_gain_text_later(store):
    store.record_seen(DEFAULT_PROFILE, [Paper("2401.00001", "Title", "", "")])
    store.record_seen(
        DEFAULT_PROFILE, [Paper("2401.00001", "", "Now with an abstract", "https://arxiv.org/abs/2401.00001")]
    )
    assert store.paper("2401.00001") == Paper(
        "2401.00001", "Title", "Now with an abstract", "https://arxiv.org/abs/2401.00001"
    )
    assert store.profile(DEFAULT_PROFILE).papers_seen == 1
    assert store.corpus(DEFAULT_PROFILE)["id"].tolist() == ["2401.00001"]


def test_a_new_rating_replaces_the_old_and_undo_deletes_it(store):
    before = store.revision(DEFAULT_PROFILE)
    store.set_rating(DEFAULT_PROFILE, paper(1), 1)
    store.set_rating(DEFAULT_PROFILE, paper(1), -1)
    assert store.label_counts(DEFAULT_PROFILE).as_dict() == {"up": 0, "down": 1}
    assert store.labelled_papers(DEFAULT_PROFILE)[["id", "label"]].values.tolist() == [["2401.00001", 0]]
    store.delete_rating(DEFAULT_PROFILE, "2401.00001")
    assert store.label_counts(DEFAULT_PROFILE).as_dict() == {"up": 0, "down": 0}
    assert store.revision(DEFAULT_PROFILE) == before + 3
    with pytest.raises(UnknownRating):
        store.delete_rating(DEFAULT_PROFILE, "2401.00001")


def test_ratings_are_listed_newest_first_and_paged(store):
    for number in range(5):
        store.set_rating(DEFAULT_PROFILE, paper(number), 1 if number % 2 else -1)
    newest_first = [item.paper.id for item in store.ratings(DEFAULT_PROFILE)]
    assert newest_first == [f"2401.{n:05d}" for n in reversed(range(5))]
    assert [item.paper.id for item in store.ratings(DEFAULT_PROFILE, limit=2, offset=1)] == newest_first[1:3]
    assert store.ratings_of(DEFAULT_PROFILE, ["2401.00001", "2401.00002", "nope"]) == {
        "2401.00001": 1,
        "2401.00002": -1,
    }


def test_unrated_seen_papers_leave_out_rated_ones(store):
    store.record_seen(DEFAULT_PROFILE, [paper(n) for n in range(4)])
    store.set_rating(DEFAULT_PROFILE, paper(2), 1)
    assert sorted(store.unrated_seen(DEFAULT_PROFILE, 10)["id"]) == ["2401.00000", "2401.00001", "2401.00003"]


def test_a_bad_import_stores_nothing(store):
    good = RatedPaper(paper(1), 1, "2026-01-01T00:00:00+00:00")
    bad = RatedPaper(paper(2), 5, "2026-01-01T00:00:00+00:00")
    with pytest.raises(StoreError):
        store.import_ratings(DEFAULT_PROFILE, [good, bad])
    assert store.label_counts(DEFAULT_PROFILE).as_dict() == {"up": 0, "down": 0}


def test_unknown_profile_is_an_error_everywhere(store):
    for call in (
        lambda: store.record_seen("ghost", []),
        lambda: store.label_counts("ghost"),
        lambda: store.set_rating("ghost", paper(1), 1),
        lambda: store.labelled_papers("ghost"),
    ):
        with pytest.raises(UnknownProfile):
            call()


# --- embeddings ---------------------------------------------------------------------------------

KEY = EncoderKey("test-encoder", "1")
NEW_KEY = EncoderKey("test-encoder", "2")


def unit_vector(seed: int) -> np.ndarray:
    vector = np.random.default_rng(seed).standard_normal(EMBEDDING_DIMENSIONS).astype(np.float32)
    return vector / np.linalg.norm(vector)


@pytest.fixture
def keyed(tmp_path):
    with Store.open(tmp_path, encoder=KEY) as opened:
        yield opened


def test_embeddings_table_is_created_from_a_blank_database(tmp_path):
    db = sqlite3.connect(tmp_path / "blank.sqlite3")
    migrate(db)
    assert "m004_embeddings" in applied_migrations(db)
    sql = db.execute("SELECT sql FROM sqlite_master WHERE name = 'embeddings'").fetchone()[0]
    assert "WITHOUT ROWID" in sql and "PRIMARY KEY (paper_id, encoder, version)" in sql
    assert "ON DELETE CASCADE" in sql


def test_a_database_at_m003_migrates_to_embeddings_keeping_its_data(tmp_path, monkeypatch):
    path = tmp_path / "old"
    up_to_m003 = MIGRATIONS[: [name for name, _ in MIGRATIONS].index("m003_profile_revision") + 1]
    assert [name for name, _ in up_to_m003][-1] == "m003_profile_revision"
    monkeypatch.setattr("server.migrations.MIGRATIONS", up_to_m003)
    with Store.open(path, encoder=KEY) as old:
        old.set_rating(DEFAULT_PROFILE, paper(1), 1)
        assert "embeddings" not in {r[0] for r in old.db.execute("SELECT name FROM sqlite_master")}
    monkeypatch.undo()

    db = sqlite3.connect(path / "papersieve.sqlite3")
    assert migrate(db) == ["m004_embeddings", "m005_rules"]
    db.close()
    with Store.open(path, encoder=KEY) as store:
        assert store.labelled_papers(DEFAULT_PROFILE)["id"].tolist() == ["2401.00001"]
        assert store.labelled_papers(DEFAULT_PROFILE)["embedding"].tolist() == [None]
        assert store.save_embeddings(KEY, [(paper(1), unit_vector(1))]) == 1
        assert store.embedding_count() == 1


def test_vectors_round_trip_as_float16(keyed):
    keyed.record_seen(DEFAULT_PROFILE, [paper(n) for n in range(3)])
    vectors = {paper(n).id: unit_vector(n) for n in range(2)}
    assert keyed.save_embeddings(KEY, [(paper(n), vectors[paper(n).id]) for n in range(2)]) == 2
    blob = keyed.db.execute("SELECT vector FROM embeddings LIMIT 1").fetchone()[0]
    assert len(blob) == EMBEDDING_DIMENSIONS * 2
    found = keyed.embeddings_for([paper(n).id for n in range(3)] + ["2401.99999"])
    assert set(found) == set(vectors)  # missing papers are absent
    for paper_id, vector in found.items():
        assert vector.dtype == np.float32 and vector.shape == (EMBEDDING_DIMENSIONS,)
        np.testing.assert_allclose(vector, vectors[paper_id], atol=1e-3)
        assert abs(np.linalg.norm(vector) - 1) < 1e-3
    assert keyed.embedding_count() == 2
    assert keyed.corpus_counts(DEFAULT_PROFILE) == (3, 2)


def test_frames_for_the_model_carry_the_embedding_column(keyed):
    keyed.record_seen(DEFAULT_PROFILE, [paper(n) for n in range(3)])
    keyed.set_rating(DEFAULT_PROFILE, paper(0), 1)
    keyed.set_rating(DEFAULT_PROFILE, paper(1), -1)
    keyed.save_embeddings(KEY, [(paper(0), unit_vector(0)), (paper(2), unit_vector(2))])
    corpus = keyed.corpus(DEFAULT_PROFILE).set_index("id")["embedding"]
    assert corpus[paper(0).id].dtype == np.float32 and corpus[paper(1).id] is None
    assert corpus[paper(2).id].shape == (EMBEDDING_DIMENSIONS,)
    labelled = keyed.labelled_papers(DEFAULT_PROFILE)
    assert [v is None for v in labelled["embedding"]] == [False, True]
    assert keyed.labelled_embedding_count(DEFAULT_PROFILE) == 1
    unrated = keyed.unrated_seen(DEFAULT_PROFILE, 10).set_index("id")["embedding"]
    assert unrated[paper(2).id] is not None
    empty = keyed.corpus("default").iloc[:0]
    assert list(empty.columns) == ["id", "title", "abstract", "embedding"]


def test_labelled_papers_read_only_the_vectors_a_caller_lacks(keyed):
    for n in range(3):
        keyed.set_rating(DEFAULT_PROFILE, paper(n), 1 if n % 2 else -1)
    keyed.save_embeddings(KEY, [(paper(0), unit_vector(0)), (paper(1), unit_vector(1))])
    full = keyed.labelled_papers(DEFAULT_PROFILE)
    fresh = keyed.labelled_papers(DEFAULT_PROFILE, known_vectors={})
    assert fresh[["id", "title", "abstract", "label"]].equals(full[["id", "title", "abstract", "label"]])
    assert fresh["label"].dtype == full["label"].dtype == np.int64
    for left, right in zip(fresh["embedding"], full["embedding"], strict=True):
        assert (left is None and right is None) or np.array_equal(left, right)
    # A known vector is taken as given (not read again), keyed by the text it was computed from.
    marker = np.full(EMBEDDING_DIMENSIONS, 0.5, dtype=np.float32)
    known = {(paper(0).id, paper(0).title, paper(0).abstract): marker}
    reused = keyed.labelled_papers(DEFAULT_PROFILE, known_vectors=known).set_index("id")["embedding"]
    assert reused[paper(0).id] is marker and reused[paper(2).id] is None
    np.testing.assert_array_equal(reused[paper(1).id], full.set_index("id")["embedding"][paper(1).id])
    # Once the paper's text changed, the known vector no longer matches: the stored one is read.
    stale = {(paper(1).id, "an older title", paper(1).abstract): marker}
    again = keyed.labelled_papers(DEFAULT_PROFILE, known_vectors=stale).set_index("id")["embedding"]
    assert again[paper(1).id] is not marker


def test_backlog_lists_papers_without_a_vector_newest_first(keyed):
    for n in range(4):
        keyed.record_seen(DEFAULT_PROFILE, [paper(n)])
    keyed.save_embeddings(KEY, [(paper(1), unit_vector(1))])
    backlog = keyed.papers_without_embeddings(KEY, limit=10)
    assert [p.id for p in backlog] == [paper(n).id for n in (3, 2, 0)]
    assert [p.id for p in keyed.papers_without_embeddings(KEY, limit=1)] == [paper(3).id]
    among = keyed.papers_without_embeddings(KEY, limit=10, among=[paper(1).id, paper(2).id])
    assert [p.id for p in among] == [paper(2).id]
    assert backlog[0] == paper(3)  # with its text, ready to embed


def test_a_paper_whose_text_changes_loses_its_vector_and_stale_vectors_are_not_saved(keyed):
    title_only = Paper(paper(1).id, "Paper 1", "", "")
    keyed.record_seen(DEFAULT_PROFILE, [title_only])
    keyed.save_embeddings(KEY, [(title_only, unit_vector(1))])
    keyed.record_seen(DEFAULT_PROFILE, [title_only])  # same text: the vector stays
    assert keyed.embedding_count() == 1
    keyed.record_seen(DEFAULT_PROFILE, [paper(1)])  # now with its abstract
    assert keyed.embedding_count() == 0
    assert keyed.save_embeddings(KEY, [(title_only, unit_vector(1))]) == 0  # computed from old text
    assert keyed.save_embeddings(KEY, [(paper(1), unit_vector(1))]) == 1


def test_a_new_encoder_key_ignores_old_vectors_which_can_be_deleted(tmp_path, keyed):
    keyed.record_seen(DEFAULT_PROFILE, [paper(1)])
    keyed.save_embeddings(KEY, [(paper(1), unit_vector(1))])
    with Store.open(tmp_path, setup=False, encoder=NEW_KEY) as newer:
        assert newer.embeddings_for([paper(1).id]) == {}
        assert newer.corpus(DEFAULT_PROFILE)["embedding"].tolist() == [None]
        assert [p.id for p in newer.papers_without_embeddings(NEW_KEY, 10)] == [paper(1).id]
        assert newer.delete_embeddings_except(NEW_KEY) == 1
    assert keyed.embedding_count() == 0


def test_without_an_encoder_no_vectors_are_read(tmp_path, keyed):
    keyed.record_seen(DEFAULT_PROFILE, [paper(1)])
    keyed.save_embeddings(KEY, [(paper(1), unit_vector(1))])
    with Store.open(tmp_path, setup=False, encoder=None) as blind:
        assert blind.embeddings_for([paper(1).id]) == {}
        assert blind.corpus(DEFAULT_PROFILE)["embedding"].tolist() == [None]
        assert blind.corpus_counts(DEFAULT_PROFILE) == (1, 0)


def test_the_default_key_is_the_shipped_encoders():
    from model.embedding import ENCODER_NAME, ENCODER_VERSION

    assert current_encoder_key() == EncoderKey(ENCODER_NAME, ENCODER_VERSION)


def test_a_wrong_vector_is_refused(keyed):
    keyed.record_seen(DEFAULT_PROFILE, [paper(1)])
    with pytest.raises(StoreError):
        keyed.save_embeddings(KEY, [(paper(1), np.zeros(10, dtype=np.float32))])
