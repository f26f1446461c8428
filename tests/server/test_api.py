"""The HTTP API through Flask's test client, on a real SQLite file and the real classifier."""

from __future__ import annotations

import pytest

from tests.server.conftest import rate


def test_health_needs_no_token(api):
    response = api.get("/health", headers={"Authorization": ""})
    assert response.status_code == 200
    assert response.json["status"] == "ok"
    assert response.json["version"]


def test_score_before_any_rating_is_not_ready_but_keeps_the_papers(api, hf_papers):
    response = api.post("/score", json={"profile": "default", "papers": hf_papers})
    assert response.status_code == 200
    body = response.json
    assert body["ready"] is False
    assert body["labels"] == {"up": 0, "down": 0}
    assert body["needed"] == 2
    assert [s["id"] for s in body["scores"]] == [p["id"] for p in hf_papers]
    assert all(s["score"] is None and s["rating"] is None for s in body["scores"])
    assert api.get("/profiles/default").json["papers_seen"] == len(hf_papers)


def test_one_rating_of_each_kind_makes_the_model_ready(api, hf_papers):
    api.post("/score", json={"papers": hf_papers})
    assert rate(api, hf_papers[0], 1) == {"ready": False, "labels": {"up": 1, "down": 0}, "needed": 1}
    assert rate(api, hf_papers[1], -1)["ready"] is True
    body = api.post("/score", json={"papers": hf_papers}).json
    assert body["ready"] is True
    scores = {s["id"]: s for s in body["scores"]}
    assert all(0.0 <= s["score"] <= 1.0 for s in scores.values())
    assert scores[hf_papers[0]["id"]]["rating"] == 1
    assert scores[hf_papers[1]["id"]]["rating"] == -1
    assert scores[hf_papers[0]["id"]]["score"] > scores[hf_papers[1]["id"]]["score"]
    assert all(isinstance(term, str) for s in scores.values() for term in s["reasons"] + s["reasons_against"])
    assert all(0.0 <= s["words_share"] <= 1.0 for s in scores.values())  # how much of it words carry


def _find(hf_papers, word):
    return [p for p in hf_papers if word in (p["title"] + " " + p["abstract"]).lower()]


def test_feedback_is_reflected_in_the_very_next_score(api, hf_papers):
    api.post("/score", json={"papers": hf_papers})
    video = _find(hf_papers, "video")
    others = [p for p in hf_papers if p not in video]
    rate(api, video[0], 1)
    rate(api, others[0], -1)
    first = {s["id"]: s["score"] for s in api.post("/score", json={"papers": hf_papers}).json["scores"]}
    target = video[1]
    rate(api, target, -1)
    second = {s["id"]: s["score"] for s in api.post("/score", json={"papers": hf_papers}).json["scores"]}
    assert second[target["id"]] < first[target["id"]]


def test_undo_deletes_the_rating(api, hf_papers):
    rate(api, hf_papers[0], 1)
    response = api.delete(f"/feedback/default/{hf_papers[0]['id']}")
    assert response.status_code == 200
    assert response.json["labels"] == {"up": 0, "down": 0}
    again = api.delete(f"/feedback/default/{hf_papers[0]['id']}")
    assert again.status_code == 404
    assert "no rating" in again.json["error"]


def test_a_new_rating_replaces_the_old(api, hf_papers):
    rate(api, hf_papers[0], 1)
    assert rate(api, hf_papers[0], -1)["labels"] == {"up": 0, "down": 1}


def test_profiles_are_created_listed_shown_and_deleted(api, hf_papers):
    assert api.post("/profiles", json={"name": "robotics"}).status_code == 201
    assert api.post("/profiles", json={"name": "robotics"}).status_code == 409
    names = [p["name"] for p in api.get("/profiles").json["profiles"]]
    assert names == ["default", "robotics"]
    for i, paper in enumerate(hf_papers[:12]):
        rate(api, paper, 1 if i % 2 else -1, profile="robotics")
    shown = api.get("/profiles/robotics").json
    assert shown["labels"] == {"up": 6, "down": 6}
    assert shown["model"]["ready"] is True
    assert shown["model"]["trained_at"]
    assert shown["model"]["corpus_features"] == {"papers": 12, "updating": False}
    assert shown["model"]["quality"]["folds"] == 5
    assert 0.0 <= shown["model"]["quality"]["mean"] <= 1.0
    assert shown["top_terms"]["for"] and shown["top_terms"]["against"]
    assert api.delete("/profiles/robotics").status_code == 200
    assert api.get("/profiles/robotics").status_code == 404
    assert api.delete("/profiles/default").status_code == 400


def test_ratings_are_paged_newest_first(api, hf_papers):
    for paper in hf_papers[:5]:
        rate(api, paper, 1)
    body = api.get("/profiles/default/ratings?limit=2&offset=1").json
    assert body["total"] == 5
    assert [r["paper"]["id"] for r in body["ratings"]] == [hf_papers[3]["id"], hf_papers[2]["id"]]
    assert body["ratings"][0]["paper"]["title"] == hf_papers[3]["title"]


def test_suggest_returns_seen_unrated_papers(api, hf_papers):
    assert api.get("/profiles/default/suggest").json == {"ready": False, "papers": []}
    api.post("/score", json={"papers": hf_papers})
    rate(api, hf_papers[0], 1)
    rate(api, hf_papers[1], -1)
    body = api.get("/profiles/default/suggest?limit=5").json
    assert body["ready"] is True
    ids = [item["paper"]["id"] for item in body["papers"]]
    assert len(ids) == 5 and len(set(ids)) == 5
    assert not {hf_papers[0]["id"], hf_papers[1]["id"]} & set(ids)


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_export_then_import_into_another_profile_round_trips(api, hf_papers, fmt):
    for i, paper in enumerate(hf_papers[:6]):
        rate(api, paper, 1 if i % 2 else -1)
    exported = api.get(f"/profiles/default/export?format={fmt}")
    assert exported.status_code == 200
    api.post("/profiles", json={"name": "copy"})
    content_type = "application/json" if fmt == "json" else "text/csv"
    imported = api.post("/profiles/copy/import", data=exported.data, headers={"Content-Type": content_type})
    assert imported.status_code == 200, imported.json
    assert imported.json["imported"] == 6
    original = api.get("/profiles/default/ratings").json["ratings"]
    copied = api.get("/profiles/copy/ratings").json["ratings"]
    assert copied == original


def test_import_of_arxiv_ids_and_bibtex(api):
    ids = api.post("/profiles/default/import", data="2401.00001\n2401.00002v3\n", content_type="text/plain")
    assert ids.status_code == 200 and ids.json["labels"] == {"up": 2, "down": 0}
    bib = "@article{k, title={Graph Neural Networks}, eprint={2401.00003}}"
    assert (
        api.post("/profiles/default/import?format=bibtex", data=bib, content_type="text/plain").json[
            "imported"
        ]
        == 1
    )
