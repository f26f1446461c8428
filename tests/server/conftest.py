from __future__ import annotations

import pytest

from server.app import create_app, shutdown_app

TOKEN = "test-token-" + "x" * 40


@pytest.fixture
def app(tmp_path):
    app = create_app({"DATA_DIR": tmp_path / "data", "TOKEN": TOKEN, "TESTING": True})
    yield app
    shutdown_app(app)
    assert not app.extensions["papersieve_embeddings"].running


class ApiClient:
    """Flask's test client with the token, a loopback Host and JSON by default."""

    def __init__(self, client) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {TOKEN}", "Host": "127.0.0.1:8417"}

    def call(self, method: str, path: str, **kwargs):
        headers = {**self.headers, **kwargs.pop("headers", {})}
        return self.client.open(f"/api/v1{path}", method=method, headers=headers, **kwargs)

    def get(self, path, **kwargs):
        return self.call("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self.call("POST", path, **kwargs)

    def delete(self, path, **kwargs):
        return self.call("DELETE", path, **kwargs)


@pytest.fixture
def api(app) -> ApiClient:
    return ApiClient(app.test_client())


def rate(api: ApiClient, paper: dict, rating: int, profile: str = "default"):
    response = api.post("/feedback", json={"profile": profile, "paper": paper, "rating": rating})
    assert response.status_code == 200, response.json
    return response.json
