"""GET /api/v1/openapi.json: it describes every route Flask serves, and the real app's responses
(of every operation, success and error) validate against the schemas it gives."""

from __future__ import annotations

import re

import jsonschema_rs
import pytest

from server.pairing import new_pairing_code
from tests.server.conftest import TOKEN, rate

IGNORED_METHODS = {"HEAD", "OPTIONS"}  # Flask adds them to every route


def flask_template(rule: str) -> str:
    """`/feedback/<profile>/<path:paper_id>` → `/feedback/{profile}/{paper_id}`."""
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule)


class SpecChecker:
    """Validates responses against the served description, and remembers what it checked."""

    def __init__(self, spec: dict) -> None:
        self.spec = spec
        self.checked: set[tuple[str, str, int]] = set()

    def schema_for(self, method: str, template: str, status: int, media_type: str) -> dict:
        operation = self.spec["paths"][template][method.lower()]
        assert str(status) in operation["responses"], f"{method} {template} answers {status}: not described"
        response = operation["responses"][str(status)]
        if "$ref" in response:
            response = self.spec["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
        assert media_type in response["content"], f"{method} {template} {status} answers {media_type}"
        return response["content"][media_type]["schema"]

    def check(self, response, method: str, template: str, status: int | None = None):
        if status is not None:
            assert response.status_code == status, response.get_data(as_text=True)[:300]
        schema = self.schema_for(method, template, response.status_code, response.mimetype)
        body = (
            response.get_json()
            if response.mimetype == "application/json"
            else response.get_data(as_text=True)
        )
        validator = jsonschema_rs.Draft202012Validator(
            {**schema, "components": self.spec["components"]}, validate_formats=True
        )
        errors = [f"{error.instance_path}: {error.message}" for error in validator.iter_errors(body)]
        assert not errors, f"{method} {template} {response.status_code}: {errors[:5]}"
        self.checked.add((method, template, response.status_code))
        return response


@pytest.fixture
def spec(api) -> dict:
    response = api.get("/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.get_json()


@pytest.fixture
def checker(spec) -> SpecChecker:
    return SpecChecker(spec)


def test_the_description_lists_exactly_the_routes_flask_serves(app, spec):
    served = {
        (method, flask_template(rule.rule))
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/")
        for method in rule.methods - IGNORED_METHODS
    }
    described = {(method.upper(), path) for path, item in spec["paths"].items() for method in item}
    assert described == served
    assert spec["openapi"].startswith("3.1")
    for path, item in spec["paths"].items():
        for operation in item.values():
            names = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert names == set(re.findall(r"{(\w+)}", path)), path


def test_only_health_is_public_and_every_operation_says_so(spec):
    assert spec["components"]["securitySchemes"]["bearer"] == {
        **spec["components"]["securitySchemes"]["bearer"],
        "type": "http",
        "scheme": "bearer",
    }
    assert spec["security"] == [{"bearer": []}]
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            public = operation.get("security") == []
            # /pair is how the extension gets its token: it checks its own one-time code instead
            assert public == (path in ("/api/v1/health", "/api/v1/pair")), (method, path)
            assert ("401" in operation["responses"]) is not public, (method, path)
            assert "403" in operation["responses"], (method, path)


def test_the_description_needs_the_token_and_a_loopback_host(api, checker):
    path = "/api/v1/openapi.json"
    checker.check(api.get("/openapi.json", headers={"Authorization": ""}), "GET", path, 401)
    checker.check(api.get("/openapi.json", headers={"Authorization": "Bearer nope"}), "GET", path, 401)
    checker.check(api.get("/openapi.json", headers={"Host": "evil.example:8417"}), "GET", path, 403)
    checker.check(api.get("/openapi.json", headers={"Origin": "https://evil.example"}), "GET", path, 403)
    checker.check(api.get("/openapi.json"), "GET", path, 200)
    checker.check(api.get("/health", headers={"Authorization": ""}), "GET", "/api/v1/health", 200)


def test_request_limits_are_those_validation_enforces(spec, api):
    schemas = spec["components"]["schemas"]
    assert schemas["PaperIn"]["properties"]["title"]["maxLength"] == 2_000
    assert schemas["PaperIn"]["properties"]["abstract"]["maxLength"] == 50_000
    score_body = spec["paths"]["/api/v1/score"]["post"]["requestBody"]["content"]["application/json"][
        "schema"
    ]
    assert score_body["properties"]["papers"]["maxItems"] == 500
    paper_id = jsonschema_rs.Draft202012Validator(
        {"$ref": "#/components/schemas/PaperId", "components": spec["components"]}
    )
    name = jsonschema_rs.Draft202012Validator(schemas["ProfileName"])
    for good in (
        "2401.12345",
        "arXiv:2401.12345v3",
        "ARXIV:hep-th/9901001V1",
        "math.AG/0101001",
        "doi:10.1/x(y)",
        "a" * 200,
    ):
        assert paper_id.is_valid(good), good
        assert api.delete(f"/feedback/default/{good}").status_code == 404  # accepted, just not rated
    for bad in ("", "-x", "a" * 201, "a b", "x\n", "ab\u00e9"):
        assert not paper_id.is_valid(bad), bad
    for good in ("default", "a", "A.b-c_9", "x" * 64):
        assert name.is_valid(good)
    for bad in ("", "_a", "x" * 65, "a/b", "a\n", "é"):
        assert not name.is_valid(bad)
    import_types = set(spec["paths"]["/api/v1/profiles/{profile}/import"]["post"]["requestBody"]["content"])
    assert import_types == {
        "application/json",
        "text/csv",
        "application/x-bibtex",
        "text/x-bibtex",
        "application/vnd.citationstyles.csl+json",
        "application/x-research-info-systems",
        "text/plain",
    }


def test_real_responses_of_every_operation_match_the_description(app, api, checker, hf_papers):
    c = checker.check
    papers = [dict(p) for p in hf_papers[:30]]
    c(api.get("/health"), "GET", "/api/v1/health", 200)
    c(api.get("/openapi.json"), "GET", "/api/v1/openapi.json", 200)
    c(api.get("/profiles"), "GET", "/api/v1/profiles", 200)
    c(api.post("/profiles", json={"name": "work"}), "POST", "/api/v1/profiles", 201)
    c(api.post("/profiles", json={"name": "work"}), "POST", "/api/v1/profiles", 409)
    c(api.post("/profiles", json={"name": "bad name"}), "POST", "/api/v1/profiles", 400)
    c(api.post("/profiles", data="{}", content_type="text/plain"), "POST", "/api/v1/profiles", 415)
    c(
        api.post("/profiles", data="x" * (2 * 1024 * 1024 + 1), content_type="application/json"),
        "POST",
        "/api/v1/profiles",
        413,
    )

    score = "/api/v1/score"
    c(api.post("/score", json={"papers": papers}), "POST", score, 200)
    c(api.post("/score", json={"profile": "nobody", "papers": papers}), "POST", score, 404)
    c(api.post("/score", json={"papers": [{"id": ""}]}), "POST", score, 400)
    c(api.post("/score", data="{", content_type="application/json"), "POST", score, 400)

    feedback = "/api/v1/feedback"
    c(api.post("/feedback", json={"paper": papers[0], "rating": 1}), "POST", feedback, 200)
    c(api.post("/feedback", json={"paper": papers[0], "rating": 2}), "POST", feedback, 400)
    c(
        api.post("/feedback", json={"profile": "nobody", "paper": papers[0], "rating": 1}),
        "POST",
        feedback,
        404,
    )
    rate(api, papers[1], -1)
    scored = c(api.post("/score", json={"papers": papers}), "POST", score, 200).get_json()
    assert scored["ready"] is True and scored["scores"][0]["score"] is not None  # the scored shape too

    profile = "/api/v1/profiles/{profile}"
    c(api.get("/profiles/default"), "GET", profile, 200)
    c(api.get("/profiles/nobody"), "GET", profile, 404)
    c(api.get("/profiles/-bad"), "GET", profile, 400)
    c(api.get("/profiles"), "GET", "/api/v1/profiles", 200)

    ratings = "/api/v1/profiles/{profile}/ratings"
    c(api.get("/profiles/default/ratings?limit=1&offset=1"), "GET", ratings, 200)
    c(api.get("/profiles/default/ratings?limit=0"), "GET", ratings, 400)
    c(api.get("/profiles/nobody/ratings"), "GET", ratings, 404)
    c(api.get("/profiles/default/ratings?q=a&rating=-1"), "GET", ratings, 200)
    c(api.get("/profiles/default/ratings?rating=0"), "GET", ratings, 400)

    history = "/api/v1/profiles/{profile}/history"
    c(api.get("/profiles/default/history"), "GET", history, 200)
    c(api.get("/profiles/work/history"), "GET", history, 200)
    c(api.get("/profiles/nobody/history"), "GET", history, 404)

    suggest = "/api/v1/profiles/{profile}/suggest"
    assert c(api.get("/profiles/default/suggest?limit=5"), "GET", suggest, 200).get_json()["papers"]
    c(api.get("/profiles/work/suggest"), "GET", suggest, 200)
    c(api.get("/profiles/default/suggest?limit=51"), "GET", suggest, 400)
    c(api.get("/profiles/nobody/suggest"), "GET", suggest, 404)

    rules = "/api/v1/profiles/{profile}/rules"
    word = papers[0]["title"].split()[0]
    rule = c(
        api.post("/profiles/default/rules", json={"action": "hide", "pattern": word}), "POST", rules, 201
    )
    c(api.post("/profiles/default/rules", json={"action": "hide", "pattern": word}), "POST", rules, 200)
    c(
        api.post("/profiles/default/rules", json={"action": "hide", "kind": "regex", "pattern": "("}),
        "POST",
        rules,
        400,
    )
    c(api.post("/profiles/nobody/rules", json={"action": "hide", "pattern": "x"}), "POST", rules, 404)
    c(api.post("/profiles/default/rules", data="{}", content_type="text/plain"), "POST", rules, 415)
    c(
        api.post("/profiles/default/rules", json={"action": "regex", "kind": "regex", "pattern": "a"}),
        "POST",
        rules,
        400,
    )
    temporary = c(
        api.post("/profiles/default/rules", json={"action": "highlight", "pattern": "zzz"}),
        "POST",
        rules,
        201,
    ).get_json()
    c(api.get("/profiles/default/rules"), "GET", rules, 200)
    c(api.get("/profiles/nobody/rules"), "GET", rules, 404)
    ruled = c(api.post("/score", json={"papers": papers}), "POST", score, 200).get_json()
    assert ruled["scores"][0]["rule"] == {
        "action": "hide",
        "pattern": word,
        "id": rule.get_json()["id"],
        "kind": "text",
    }
    one_rule = "/api/v1/profiles/{profile}/rules/{rule_id}"
    c(api.delete(f"/profiles/default/rules/{temporary['id']}"), "DELETE", one_rule, 200)
    c(api.delete(f"/profiles/default/rules/{temporary['id']}"), "DELETE", one_rule, 404)
    c(api.delete("/profiles/default/rules/x"), "DELETE", one_rule, 400)

    export = "/api/v1/profiles/{profile}/export"
    exported = c(api.get("/profiles/default/export"), "GET", export, 200).get_data(as_text=True)
    csv_text = c(api.get("/profiles/default/export?format=csv"), "GET", export, 200).get_data(as_text=True)
    c(api.get("/profiles/default/export?format=xml"), "GET", export, 400)
    c(api.get("/profiles/nobody/export"), "GET", export, 404)

    imported = "/api/v1/profiles/{profile}/import"
    c(
        api.post("/profiles/work/import", data=exported, content_type="application/json"),
        "POST",
        imported,
        200,
    )
    c(api.post("/profiles/work/import", data=csv_text, content_type="text/csv"), "POST", imported, 200)
    bibtex = "@article{k, title={A}, eprint={2401.00001}}"
    c(
        api.post("/profiles/work/import", data=bibtex, content_type="application/x-bibtex"),
        "POST",
        imported,
        200,
    )
    c(
        api.post("/profiles/work/import", data="2401.00002\n", content_type="text/plain"),
        "POST",
        imported,
        200,
    )
    c(
        api.post("/profiles/work/import?format=bibtex", data="@", content_type="text/plain"),
        "POST",
        imported,
        400,
    )
    c(api.post("/profiles/work/import", data="x", content_type="image/png"), "POST", imported, 415)
    c(api.post("/profiles/nobody/import", data="[]", content_type="application/json"), "POST", imported, 404)

    pairing = "/api/v1/pair"
    code = new_pairing_code(app.config["DATA_DIR"]).code
    c(api.post("/pair", json={"code": "AAAA-AAAA"}), "POST", pairing, 403)
    c(api.post("/pair", json={"code": code}), "POST", pairing, 200)
    c(api.post("/pair", json={"code": code}), "POST", pairing, 410)
    c(api.post("/pair", json={"code": 1}), "POST", pairing, 400)
    c(api.post("/pair", data="{}", content_type="text/plain"), "POST", pairing, 415)

    undo = "/api/v1/feedback/{profile}/{paper_id}"
    c(api.delete(f"/feedback/default/{papers[0]['id']}"), "DELETE", undo, 200)
    c(api.delete(f"/feedback/default/{papers[0]['id']}"), "DELETE", undo, 404)
    c(api.delete("/feedback/default/bad id"), "DELETE", undo, 400)

    rename = "/api/v1/profiles/{profile}/rename"
    c(api.post("/profiles", json={"name": "spare"}), "POST", "/api/v1/profiles", 201)
    c(api.post("/profiles/work/rename", json={"name": "spare"}), "POST", rename, 409)
    c(api.post("/profiles/work/rename", json={"name": "default"}), "POST", rename, 400)
    c(api.post("/profiles/nobody/rename", json={"name": "other"}), "POST", rename, 404)
    c(api.post("/profiles/work/rename", json={"name": "job"}), "POST", rename, 200)
    c(api.post("/profiles/job/rename", json={"name": "work"}), "POST", rename, 200)

    c(api.delete("/profiles/work"), "DELETE", profile, 200)
    c(api.delete("/profiles/work"), "DELETE", profile, 404)
    c(api.delete("/profiles/default"), "DELETE", profile, 400)
    c(api.get("/profiles", headers={"Authorization": f"Bearer {TOKEN}x"}), "GET", "/api/v1/profiles", 401)

    every_operation = {(m.upper(), p) for p, item in checker.spec["paths"].items() for m in item}
    assert {(m, p) for m, p, status in checker.checked if status < 300} == every_operation
