"""A web page in the reader's own Chromium (papersieve's extension installed) attacks the running
server: `fetch()` with and without credentials, with a guessed, an empty and even the real token,
in `no-cors` mode, and `<form method=post>` posts (text/plain and urlencoded) to /feedback and
/score, and tries at the pairing code's exchange for the token. Every attempt fails: the server
answers 403 where the request reaches it, the page can read nothing, no rating is stored, no code
is used up. A DNS-rebinding page (its name now points at the server, so its requests are
same-origin) is refused for its Host."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from server.pairing import new_pairing_code
from training.harness.server_process import ServerProcess, free_port

PLANTED = {"id": "2401.09999", "title": "planted by a web page"}
# A text/plain form sends `name=value`: this name, with the value '"}', makes a JSON body.
FORM_JSON_NAME = json.dumps({"paper": PLANTED, "rating": 1, "padding": ""})[:-2]
# Each attempt's outcome as the page sees it: its type, status and body, or the error it threw.
RUN_ATTEMPTS = """  const runAttempts = async (attempts) => {
  const results = {};
  for (const [name, attempt] of Object.entries(attempts)) {
    try {
      const response = await attempt();
      results[name] = { type: response.type, status: response.status, body: await response.text() };
    } catch (error) {
      results[name] = { error: error.name };
    }
  }
  return results;
};
"""
ATTEMPTS = (
    """async ({ target, token, planted }) => {
"""
    + RUN_ATTEMPTS
    + """
  const feedback = JSON.stringify({ paper: planted, rating: 1 });
  const score = JSON.stringify({ papers: [planted] });
  const post = (path, init) => fetch(target + path, { method: "POST", ...init });
  const attempts = {
    text_plain: () => post("/api/v1/feedback", { body: feedback, headers: { "Content-Type": "text/plain" } }),
    json: () => post("/api/v1/feedback", { body: feedback, headers: { "Content-Type": "application/json" } }),
    with_credentials: () => post("/api/v1/feedback", { body: feedback, credentials: "include" }),
    guessed_token: () => post("/api/v1/feedback", {
      body: feedback, headers: { Authorization: "Bearer guess", "Content-Type": "application/json" } }),
    empty_authorization: () => post("/api/v1/feedback", { body: feedback, headers: { Authorization: "" } }),
    real_token: () => post("/api/v1/feedback", {
      body: feedback, headers: { Authorization: "Bearer " + token, "Content-Type": "application/json" } }),
    no_cors_feedback: () => post("/api/v1/feedback", { body: feedback, mode: "no-cors" }),
    no_cors_score: () => post("/api/v1/score", { body: score, mode: "no-cors", credentials: "include" }),
    read_ratings: () => fetch(target + "/api/v1/profiles/default/ratings", { credentials: "include" }),
    read_export_with_token: () => fetch(target + "/api/v1/profiles/default/export",
      { headers: { Authorization: "Bearer " + token } }),
  };
  return runAttempts(attempts);
}"""
)


READ_IFRAME = """(name) => {
  try {
    return document.querySelector(`iframe[name=${name}]`).contentWindow.document.body.innerText;
  } catch (error) {
    return error.name;
  }
}"""


def reply_shown_in(page, frame_name: str, server_url: str) -> None:
    """Until the iframe shows the server's reply: the response arrives before the frame commits
    to it, and until then the frame still holds its first, same-origin about:blank."""
    page.frame(name=frame_name).wait_for_url(f"{server_url}/**", wait_until="commit", timeout=60000)


def attacker_page(target: str) -> str:
    """A page with four forms aimed at the server, each posting into an iframe of its own."""
    forms = [
        ("feedback_text", "/api/v1/feedback", "text/plain", FORM_JSON_NAME, '"}'),
        ("score_text", "/api/v1/score", "text/plain", json.dumps({"papers": [PLANTED], "x": ""})[:-2], '"}'),
        ("feedback_urlencoded", "/api/v1/feedback", "application/x-www-form-urlencoded", "rating", "1"),
        ("score_urlencoded", "/api/v1/score", "application/x-www-form-urlencoded", "papers", "[]"),
    ]
    body = "".join(
        f"<iframe name='{name}'></iframe>"
        f"<form id='{name}' method='post' action='{target}{path}' enctype='{enctype}' target='{name}'>"
        f"<input name='{field}' value='{value}'></form>"
        for name, path, enctype, field, value in forms
    )
    return f"<!doctype html><title>a page on the web</title>{body}"


@contextmanager
def web_server(port: int, html: str) -> Iterator[str]:
    """A plain HTTP server on another port, as any page the reader opens; its origin."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            data = html.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    accepted: list[socket.socket] = []

    class Server(ThreadingHTTPServer):
        """Also drops the connections it accepted when it stops: Chromium may hold one it opened
        ahead of need, and would send the next request over it to this server, not to whatever
        listens on the port afterwards (as a rebound name leads to another machine's server)."""

        def process_request(self, request, client_address) -> None:  # type: ignore[no-untyped-def]
            accepted.append(request)
            super().process_request(request, client_address)

    server = Server(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        server.server_close()
        for connection in accepted:
            with suppress(OSError):  # closed already
                connection.shutdown(socket.SHUT_RDWR)
        thread.join()


def stored_state(server: ServerProcess) -> list:
    status, reply = server.request("GET", "/profiles")
    assert status == 200
    state = []
    for profile in reply["profiles"]:
        status, ratings = server.request("GET", f"/profiles/{profile['name']}/ratings?limit=200")
        state.append((profile["name"], profile["labels"], [r["paper"]["id"] for r in ratings["ratings"]]))
    return state


def test_a_page_on_another_origin_can_neither_write_nor_read(browser, server):
    before = stored_state(server)
    with web_server(free_port(), attacker_page(server.url)) as origin:
        page = browser.context.new_page()
        seen: list[tuple[str, int]] = []
        page.on("response", lambda r: r.url.startswith(server.url) and seen.append((r.url, r.status)))
        try:
            page.goto(origin + "/")
            results = page.evaluate(
                ATTEMPTS, {"target": server.url, "token": server.token, "planted": PLANTED}
            )
            for name in ("feedback_text", "score_text", "feedback_urlencoded", "score_urlencoded"):
                with page.expect_response(lambda r: r.url.startswith(server.url)) as answer:
                    page.evaluate("(name) => document.getElementById(name).submit()", name)
                assert answer.value.status == 403, name  # the server refused the post itself
                reply_shown_in(page, name, server.url)
                readable = page.evaluate(READ_IFRAME, name)
                assert readable == "SecurityError", (name, readable)  # the reply stays out of the page
        finally:
            page.close()
    for name, result in results.items():
        # A CORS fetch fails without a readable reply; a no-cors one gets an opaque, empty one.
        assert result in ({"error": "TypeError"}, {"type": "opaque", "status": 0, "body": ""}), (name, result)
    assert {name for name, r in results.items() if "type" in r} == {"no_cors_feedback", "no_cors_score"}
    assert seen and all(status == 403 for _url, status in seen), seen  # none got through to a 2xx
    assert stored_state(server) == before  # no rating stored, no page recorded as seen


REBIND_ATTEMPTS = """async ({ token, planted }) => {
  const results = {};
  const calls = {
    health: ["GET", "/api/v1/health", {}],
    profiles: ["GET", "/api/v1/profiles", { Authorization: "Bearer guess" }],
    export_with_token: ["GET", "/api/v1/profiles/default/export", { Authorization: "Bearer " + token }],
    feedback_with_token: ["POST", "/api/v1/feedback",
      { Authorization: "Bearer " + token, "Content-Type": "application/json" }],
  };
  for (const [name, [method, path, headers]] of Object.entries(calls)) {
    const body = method === "POST" ? JSON.stringify({ paper: planted, rating: 1 }) : undefined;
    const response = await fetch(path, { method, headers, body });
    results[name] = { status: response.status, body: await response.text() };
  }
  return results;
}"""


def test_a_dns_rebinding_page_is_refused_for_its_host(browser, tmp_path):
    """The attack: a page at attacker.example:P, whose name then resolves to 127.0.0.1 where
    papersieve listens on P, so its fetches are same-origin. Chromium resolves every *.localhost
    name to loopback itself: the page's name is rebind.localhost, first served by the attacker's
    server on P, then P is papersieve's. Even a page that knew the token gets nothing."""
    port = free_port()
    rebound = f"http://rebind.localhost:{port}"
    papersieve = ServerProcess(tmp_path / "data", port=port)
    page = browser.context.new_page()
    try:
        with web_server(port, "<!doctype html><title>nothing to see</title>"):
            page.goto(rebound + "/")
        papersieve.start()  # the name now leads to papersieve
        results = page.evaluate(REBIND_ATTEMPTS, {"token": papersieve.token, "planted": PLANTED})
        for name, result in results.items():
            assert result["status"] == 403, (name, result)
            assert json.loads(result["body"]) == {
                "error": "refused: the Host header must be 127.0.0.1, localhost or [::1]"
            }
        status, exported = papersieve.request("GET", "/profiles/default/export")
        assert status == 200 and exported["ratings"] == []
    finally:
        page.close()
        papersieve.stop()


PAIR_ATTEMPTS = (
    """async ({ target, code }) => {
"""
    + RUN_ATTEMPTS
    + """
  const body = JSON.stringify({ code });
  const post = (init) => fetch(target + "/api/v1/pair", { method: "POST", body, ...init });
  const attempts = {
    json: () => post({ headers: { "Content-Type": "application/json" } }),
    text_plain: () => post({ headers: { "Content-Type": "text/plain" } }),
    no_cors: () => post({ mode: "no-cors" }),
  };
  return runAttempts(attempts);
}"""
)


def test_a_page_on_another_origin_can_not_use_a_pairing_code(browser, tmp_path):
    """Even knowing the printed code, a web page neither gets the token nor uses the code up."""
    server = ServerProcess(tmp_path / "papersieve-data").start()
    try:
        code = new_pairing_code(server.data_dir).code
        with web_server(free_port(), "<!doctype html><title>a page on the web</title>") as origin:
            page = browser.context.new_page()
            seen: list[int] = []
            page.on("response", lambda r: r.url.startswith(server.url) and seen.append(r.status))
            try:
                page.goto(origin + "/")
                results = page.evaluate(PAIR_ATTEMPTS, {"target": server.url, "code": code})
                page.evaluate(
                    """([target, code]) => {
                      const form = document.createElement("form");
                      form.method = "post"; form.enctype = "text/plain";
                      form.action = target + "/api/v1/pair";
                      const input = document.createElement("input");
                      input.name = '{"code": "' + code + '", "x": "'; input.value = '"}';
                      const frame = document.createElement("iframe");
                      frame.name = "pair"; form.target = "pair";
                      form.append(input); document.body.append(frame, form);
                    }""",
                    [server.url, code],
                )
                with page.expect_response(lambda r: r.url.startswith(server.url)) as answer:
                    page.evaluate("() => document.forms[0].submit()")  # into its iframe, as above
                assert answer.value.status == 403
                reply_shown_in(page, "pair", server.url)
                assert page.evaluate(READ_IFRAME, "pair") == "SecurityError"
            finally:
                page.close()
        for name, result in results.items():
            assert result in ({"error": "TypeError"}, {"type": "opaque", "status": 0, "body": ""}), name
            assert server.token not in json.dumps(result)
        assert seen and all(status == 403 for status in seen), seen
        # The code was not used up: the extension (no Origin here, as from the worker) still pairs.
        status, reply = server.request("POST", "/pair", {"code": code})
        assert status == 200 and reply["token"] == server.token
    finally:
        server.stop()
