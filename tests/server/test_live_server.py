"""The real server process (waitress) on a free port, over real HTTP."""

from __future__ import annotations

import http.client
import time
from contextlib import closing

import pytest

from training.harness.server_process import ServerProcess


@pytest.fixture
def live(tmp_path):
    server = ServerProcess(tmp_path / "data").start()
    yield server
    server.stop()


def test_real_server_scores_learns_and_stops_cleanly(live, hf_papers):
    assert live.request("GET", "/health", headers={"Authorization": ""})[0] == 200
    status, body = live.request("POST", "/score", {"papers": hf_papers})
    assert status == 200 and body["ready"] is False
    live.request("POST", "/feedback", {"paper": hf_papers[0], "rating": 1})
    live.request("POST", "/feedback", {"paper": hf_papers[1], "rating": -1})
    status, body = live.request("POST", "/score", {"papers": hf_papers})
    assert status == 200 and body["ready"] is True
    assert len(body["scores"]) == len(hf_papers)
    assert live.stop() == 0  # SIGTERM
    assert "papersieve stopped" in live.output
    assert "Traceback" not in live.output


def test_real_server_refuses_foreign_host_and_origin(live):
    assert live.request("GET", "/profiles", headers={"Origin": "https://evil.example"})[0] == 403
    with closing(http.client.HTTPConnection("127.0.0.1", live.port, timeout=10)) as connection:
        connection.request("GET", "/api/v1/health", headers={"Host": "evil.example"})
        response = connection.getresponse()
        assert response.status == 403
        assert b"Host" in response.read()


def test_real_server_rejects_a_huge_body_with_json(live):
    body = b"{" + b" " * (3 * 1024 * 1024)
    headers = {"Authorization": f"Bearer {live.token}", "Content-Type": "application/json"}
    with closing(http.client.HTTPConnection("127.0.0.1", live.port, timeout=10)) as connection:
        connection.request("POST", "/api/v1/score", body=body, headers=headers)
        response = connection.getresponse()
        assert response.status == 413
        assert b"2 MiB" in response.read()


def wait_for_vectors(server, timeout: float = 120) -> None:
    """Until every paper the server has seen has its sentence vector (scores no longer move)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = server.request("GET", "/profiles/default")[1]["embeddings"]
        if state["papers_with_vectors"] == state["papers"] and state["queue"] == 0:
            return
        time.sleep(0.1)
    pytest.fail(f"the papers were not embedded within {timeout} s: {state}")


def test_saved_model_is_reused_after_restart_and_a_corrupt_one_is_rebuilt(tmp_path, hf_papers):
    data_dir = tmp_path / "data"
    server = ServerProcess(data_dir).start()
    server.request("POST", "/score", {"papers": hf_papers[:20]})
    wait_for_vectors(server)  # so that the models compared below are fitted on the same vectors
    server.request("POST", "/feedback", {"paper": hf_papers[0], "rating": 1})
    server.request("POST", "/feedback", {"paper": hf_papers[1], "rating": -1})
    before = server.request("POST", "/score", {"papers": hf_papers[:10]})[1]["scores"]
    assert server.stop() == 0
    model_file = data_dir / "models" / "default.joblib"
    assert model_file.exists()

    server = ServerProcess(data_dir).start()
    assert server.request("POST", "/score", {"papers": hf_papers[:10]})[1]["scores"] == before
    server.stop()

    model_file.write_bytes(b"not a model at all")
    server = ServerProcess(data_dir).start()
    status, body = server.request("POST", "/score", {"papers": hf_papers[:10]})
    server.stop()
    assert status == 200
    assert [s["score"] for s in body["scores"]] == pytest.approx([s["score"] for s in before], abs=1e-3)
    assert "rebuilding the model" in server.output
