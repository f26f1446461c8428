"""The dashboard's server side: label counts by day, the learning curve, ratings searched and
filtered, and renaming a profile (server/dashboard_data.py and its routes)."""

from __future__ import annotations

import pandas as pd

from server.dashboard_data import CURVE_MAX_TRAIN, curve_sizes, learning_curve
from server.store import Paper, RatedPaper, Store
from tests.server.conftest import rate


def import_rated(api, papers, profile="default", day_of=lambda i: "2026-11-0" + str(1 + i % 3)):
    """Ratings alternating 👍/👎, spread over three days."""
    records = [
        {**paper, "rating": 1 if i % 2 else -1, "rated_at": f"{day_of(i)}T10:00:00+00:00"}
        for i, paper in enumerate(papers)
    ]
    response = api.post(f"/profiles/{profile}/import", json=records)
    assert response.status_code == 200, response.json
    return records


def test_history_counts_ratings_by_day_with_running_totals(api, hf_papers):
    records = import_rated(api, hf_papers[:30])
    reply = api.get("/profiles/default/history").json
    days = reply["days"]
    assert [d["day"] for d in days] == ["2026-11-01", "2026-11-02", "2026-11-03"]
    for day in days:
        made = [r for r in records if r["rated_at"].startswith(day["day"])]
        assert day["up"] == sum(r["rating"] == 1 for r in made)
        assert day["down"] == sum(r["rating"] == -1 for r in made)
    assert days[-1]["total_up"] == reply["labels"]["up"] == 15
    assert days[-1]["total_down"] == reply["labels"]["down"] == 15
    assert reply["quality"]["metric"] == "roc_auc"
    curve = reply["learning_curve"]
    assert len(curve) >= 2
    assert [p["labels"] for p in curve] == sorted(p["labels"] for p in curve)
    assert all(0 <= p["auc"] <= 1 for p in curve)
    assert api.get("/profiles/default/history").json["learning_curve"] == curve  # cached, same answer
    quick = api.get("/profiles/default/history?curve=false").json
    assert quick["days"] == days and quick["quality"] is None and quick["learning_curve"] == []
    assert api.get("/profiles/default/history?curve=maybe").status_code == 400


def test_history_of_an_empty_and_a_two_rating_profile(api, hf_papers):
    empty = api.get("/profiles/default/history").json
    assert empty["days"] == [] and empty["quality"] is None and empty["learning_curve"] == []
    rate(api, hf_papers[0], 1)
    rate(api, hf_papers[1], -1)
    two = api.get("/profiles/default/history").json
    assert two["days"][-1]["total_up"] == 1 and two["days"][-1]["total_down"] == 1
    assert two["quality"] is None and two["learning_curve"] == []  # too few for a held-out score
    assert api.get("/profiles/nobody/history").status_code == 404


def test_curve_sizes_grow_and_stop_at_the_cap():
    assert curve_sizes(0) == []
    assert curve_sizes(4) == [4]
    sizes = curve_sizes(10_000)
    assert sizes[0] == 10 and sizes[-1] == CURVE_MAX_TRAIN and sizes == sorted(set(sizes))


def test_learning_curve_points_each_train_on_both_classes(hf_papers):
    from model import make_classifier

    frame = pd.DataFrame(
        [
            {"title": p["title"], "abstract": p["abstract"], "label": i % 2}
            for i, p in enumerate(hf_papers[:40])
        ]
    )
    curve = learning_curve(make_classifier(), frame)
    assert curve and curve[-1]["labels"] <= 30
    assert learning_curve(make_classifier(), frame.iloc[:8]) == []  # 4 of each: too few


def test_ratings_are_searched_by_title_and_filtered_by_rating(api, hf_papers):
    records = import_rated(api, hf_papers[:40])
    word = hf_papers[3]["title"].split()[0].upper()
    matching = [r for r in records if word.lower() in r["title"].lower()]
    found = api.get(f"/profiles/default/ratings?q={word}&limit=200").json
    assert found["total"] == len(matching) >= 1
    assert {r["paper"]["id"] for r in found["ratings"]} == {r["id"] for r in matching}
    downs = api.get("/profiles/default/ratings?rating=-1&limit=200").json
    assert downs["total"] == 20 and all(r["rating"] == -1 for r in downs["ratings"])
    paged = api.get("/profiles/default/ratings?rating=1&limit=7&offset=14").json
    assert paged["total"] == 20 and len(paged["ratings"]) == 6
    assert api.get("/profiles/default/ratings?q=%25").json["total"] == 0  # % is text, not a wildcard
    assert api.get("/profiles/default/ratings?rating=2").status_code == 400
    assert api.get("/profiles/default/ratings?q=" + "x" * 201).status_code == 400


def test_rename_keeps_ratings_and_refuses_clashes(api, hf_papers, app):
    assert api.post("/profiles", json={"name": "work"}).status_code == 201
    assert api.post("/profiles", json={"name": "home"}).status_code == 201
    rate(api, hf_papers[0], 1, "work")
    rate(api, hf_papers[1], -1, "work")
    renamed = api.post("/profiles/work/rename", json={"name": "job"})
    assert renamed.status_code == 200
    assert renamed.json == {"name": "job", "renamed_from": "work", "labels": {"up": 1, "down": 1}}
    names = [p["name"] for p in api.get("/profiles").json["profiles"]]
    assert "job" in names and "work" not in names
    assert api.get("/profiles/job/ratings").json["total"] == 2
    assert api.post("/profiles/job/rename", json={"name": "home"}).status_code == 409
    assert api.post("/profiles/default/rename", json={"name": "other"}).status_code == 400
    assert api.post("/profiles/job/rename", json={"name": "default"}).status_code == 400
    assert api.post("/profiles/job/rename", json={"name": "bad name"}).status_code == 400
    assert api.post("/profiles/nobody/rename", json={"name": "other"}).status_code == 404
    with Store.open(app.config["DATA_DIR"]) as store:
        assert store.label_counts("job").up == 1


def test_store_rename_profile(tmp_path):
    with Store.open(tmp_path / "data") as store:
        store.create_profile("a")
        store.import_ratings("a", [RatedPaper(Paper("2401.00001", "T", "", ""), 1, "2026-01-01T00:00:00")])
        assert store.rename_profile("a", "b").labels.up == 1
        assert [p.name for p in store.list_profiles()] == ["b", "default"]
