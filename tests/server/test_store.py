import sqlite3

import pytest

from server.migrations import MIGRATIONS, applied_migrations, migrate
from server.store import (
    DEFAULT_PROFILE,
    Paper,
    ProfileExists,
    RatedPaper,
    Store,
    StoreError,
    UnknownProfile,
    UnknownRating,
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
