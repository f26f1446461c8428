"""Pairing: `papersieve pair`'s one-time code exchanged for the token at POST /api/v1/pair — once,
within 5 minutes, 5 wrong tries at most, and never for a web page on another origin."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
import time
import urllib.request

import pytest

from server.app import create_app, shutdown_app
from server.pairing import ALPHABET, PAIRING_FILE, new_pairing_code
from tests.server.conftest import TOKEN
from training.harness.server_process import REPO_ROOT, running_server

EXTENSION = {"Origin": "chrome-extension://" + "abcdefghijklmnopabcdefghijklmnop"}
FIREFOX = {"Origin": "moz-extension://0b6a3c1e-2f4d-4e8a-9c7b-5d1f3e2a4b6c"}


@pytest.fixture
def app(tmp_path):
    """The app without its embedding worker: pairing never needs the sentence encoder."""
    app = create_app({"DATA_DIR": tmp_path / "data", "TOKEN": TOKEN, "TESTING": True, "EMBEDDINGS": False})
    yield app
    shutdown_app(app)


@pytest.fixture
def data_dir(app):
    return app.config["DATA_DIR"]


def pair(api, code, headers=None):
    # no token: the page that pairs does not have one yet
    return api.client.post(
        "/api/v1/pair",
        json={"code": code},
        headers={"Host": "127.0.0.1:8417", **(headers or EXTENSION)},
    )


def test_a_code_is_short_unambiguous_and_kept_only_as_a_private_hash(data_dir):
    code = new_pairing_code(data_dir)
    assert re.fullmatch(f"[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}", code.code)
    assert not set("0O1IL2Z5S8B") & set(ALPHABET)
    path = data_dir / PAIRING_FILE
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    stored = path.read_text()
    assert code.code.replace("-", "") not in stored and code.code not in stored
    assert 290 < code.expires_at - time.time() <= 300


def test_the_code_gives_the_token_once(api, data_dir):
    code = new_pairing_code(data_dir).code
    reply = pair(api, code)
    assert reply.status_code == 200 and reply.json == {"token": TOKEN}
    again = pair(api, code)
    assert again.status_code == 410 and "papersieve pair" in again.json["error"]
    assert not (data_dir / PAIRING_FILE).exists()


def test_typed_in_lower_case_without_the_dash_from_firefox_or_curl(api, data_dir):
    code = new_pairing_code(data_dir).code
    assert pair(api, code.lower().replace("-", " "), FIREFOX).status_code == 200
    code = new_pairing_code(data_dir).code
    assert pair(api, code, {}).status_code == 200  # no Origin: curl, the CLI


def test_an_expired_code_is_refused_and_forgotten(api, data_dir):
    code = new_pairing_code(data_dir, now=time.time() - 301).code
    reply = pair(api, code)
    assert reply.status_code == 410 and "expired" in reply.json["error"]
    assert not (data_dir / PAIRING_FILE).exists()


def test_five_wrong_codes_void_the_code(api, data_dir):
    code = new_pairing_code(data_dir).code
    wrong = "".join(ALPHABET[(ALPHABET.index(c) + 1) % len(ALPHABET)] if c != "-" else c for c in code)
    for left in (4, 3, 2, 1):
        reply = pair(api, wrong)
        assert reply.status_code == 403 and f"({left} tr" in reply.json["error"]
    reply = pair(api, wrong)
    assert reply.status_code == 403 and "void" in reply.json["error"]
    assert pair(api, code).status_code == 410  # the right code no longer works either


def test_a_page_on_another_origin_cannot_pair_nor_use_up_the_code(api, data_dir):
    code = new_pairing_code(data_dir).code
    for origin in ("https://evil.example", "http://127.0.0.1:8417", "null", "chrome-extension://short"):
        reply = pair(api, code, {"Origin": origin})
        assert reply.status_code == 403 and "token" not in reply.json
    rebinding = api.client.post(
        "/api/v1/pair", json={"code": code}, headers={"Host": "evil.example", **EXTENSION}
    )
    assert rebinding.status_code == 403
    assert json.loads((data_dir / PAIRING_FILE).read_text())["tries_left"] == 5  # not consumed
    assert pair(api, code).json == {"token": TOKEN}


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        ('{"code": 5}', "application/json", 400),
        ('{"code": ""}', "application/json", 400),
        ("[]", "application/json", 400),
        ('{"code": "ABCD-EFGH"}', "text/plain", 415),
        ("{", "application/json", 400),
    ],
)
def test_malformed_pairing_requests(api, data_dir, body, content_type, status):
    new_pairing_code(data_dir)
    reply = api.client.post(
        "/api/v1/pair", data=body, content_type=content_type, headers={"Host": "127.0.0.1"}
    )
    assert reply.status_code == status and reply.json["error"]
    assert json.loads((data_dir / PAIRING_FILE).read_text())["tries_left"] == 5


def test_pairing_needs_no_token_but_everything_else_still_does(api):
    assert api.client.get("/api/v1/profiles", headers={"Host": "127.0.0.1", **EXTENSION}).status_code == 401
    assert pair(api, "ABCD-EFGH").status_code == 410  # no code waiting


def test_the_cli_pairs_a_running_server_from_another_process(tmp_path):
    data_dir = tmp_path / "data"
    with running_server(data_dir) as server:
        made = subprocess.run(
            [sys.executable, "-m", "server.cli", "pair", "--data-dir", str(data_dir)],
            capture_output=True,
            text=True,
            cwd=REPO_ROOT,
            timeout=60,
            check=True,
        )
        code = made.stdout.strip()
        assert re.fullmatch(f"[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}", code)
        assert "5 minutes" in made.stderr and "once" in made.stderr
        request = urllib.request.Request(
            f"{server.url}/api/v1/pair",
            data=json.dumps({"code": code}).encode(),
            method="POST",
            headers={"Content-Type": "application/json", **EXTENSION},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            token = json.loads(response.read())["token"]
        assert token == server.token
        assert server.request("GET", "/profiles", headers={"Authorization": f"Bearer {token}"})[0] == 200
