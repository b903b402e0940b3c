"""The OpenAPI document: served, valid OpenAPI 3, generated without a warning, describing every endpoint with its
parameters, its authentication and its problem responses; the browsable docs load nothing from elsewhere."""

import json
import re

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

from kommunalportal.api import urls

PUBLIC = ["/programmes/", "/calls/", "/communes/", "/awards/", "/indicators/"]
SIGNED_IN = ["/applications/", "/money/", "/drawdowns/"]


def api_paths() -> set[str]:
    """Every endpoint in the API's URLs, as the document writes it (/api/v1/programmes/{public_id}/)."""
    [versioned] = [p for p in urls.urlpatterns if isinstance(p, URLResolver)]
    paths = set()
    for pattern in versioned.url_patterns:
        assert isinstance(pattern, URLPattern)
        route = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(pattern.pattern))
        if pattern.name not in ("schema", "docs"):  # the document and its page describe the others
            paths.add(f"/api/v1/{route}")
    return paths


@pytest.fixture
def document(db) -> dict:
    response = Client().get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi+json")
    return json.loads(response.content)


def test_the_document_is_served_as_yaml_and_json_and_is_valid_openapi_3(document):
    response = Client().get("/api/v1/schema/")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.oai.openapi")
    assert yaml.safe_load(response.content) == document
    assert document["openapi"].startswith("3.0") and document["info"]["title"] == "Kommunalportal API"
    validate_schema(document)  # against the OpenAPI 3.0 JSON schema (raises if not valid)


def test_the_document_describes_every_endpoint(document):
    assert set(document["paths"]) == api_paths()
    assert {path for path in document["paths"] if not path.startswith("/api/v1/")} == set()
    for path in PUBLIC + SIGNED_IN:
        operation = document["paths"][f"/api/v1{path}"]["get"]
        schema = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        assert schema.startswith("#/components/schemas/Paginated")
        names = {p["name"] for p in operation["parameters"]}
        assert {"limit", "offset"} <= names
    awards = {p["name"] for p in document["paths"]["/api/v1/awards/"]["get"]["parameters"]}
    assert awards == {"limit", "offset", "programme", "call", "year", "commune", "district"}
    assert set(document["paths"]["/api/v1/token/"]) == {"get", "post", "delete"}


def test_the_document_says_which_endpoints_need_a_login(document):
    schemes = document["components"]["securitySchemes"]
    assert schemes["tokenAuth"] == {
        "type": "apiKey", "in": "header", "name": "Authorization", "description": schemes["tokenAuth"]["description"],
    }  # fmt: skip
    assert "90 days" in schemes["tokenAuth"]["description"]  # the lifetime of REST_KNOX["TOKEN_TTL"]
    assert schemes["sessionAuth"]["in"] == "cookie" and schemes["sessionAuth"]["name"] == "sessionid"
    for path, item in document["paths"].items():
        for operation in item.values():
            signed_in = any(path.startswith(f"/api/v1{p}") for p in [*SIGNED_IN, "/token/"])
            expected = [{"tokenAuth": []}, {"sessionAuth": []}] if signed_in else [{}]
            assert operation["security"] == expected, path
            if signed_in:
                assert "401" in operation["responses"], path


def test_the_document_describes_the_problem_responses(document):
    schemas = document["components"]["schemas"]
    assert set(schemas["Problem"]["required"]) == {"type", "title", "status", "detail"}
    assert schemas["ValidationProblem"]["properties"]["invalid_params"]["type"] == "array"
    for path in PUBLIC[:-1] + SIGNED_IN:
        bad = document["paths"][f"/api/v1{path}"]["get"]["responses"]["400"]["content"]
        assert bad["application/problem+json"]["schema"]["$ref"] == "#/components/schemas/ValidationProblem"
    for path in ["/api/v1/programmes/{public_id}/", "/api/v1/applications/{public_id}/", "/api/v1/indicators/{code}/"]:
        missing = document["paths"][path]["get"]["responses"]["404"]["content"]
        assert missing["application/problem+json"]["schema"]["$ref"] == "#/components/schemas/Problem"
    for path, item in document["paths"].items():  # every operation is rate-limited
        for method, operation in item.items():
            throttled = operation["responses"]["429"]["content"]["application/problem+json"]
            assert throttled["schema"]["$ref"] == "#/components/schemas/Problem", (path, method)


def test_no_person_is_described_in_the_document(document):
    properties = {
        name for schema in document["components"]["schemas"].values() for name in schema.get("properties", {})
    }
    for personal in ("created_by", "submitted_by", "requested_by", "decided_by", "username", "email", "iban"):
        assert personal not in properties


def test_the_document_is_generated_without_a_warning(db, tmp_path):
    GENERATOR_STATS.reset()
    schema = SchemaGenerator(api_version="v1").get_schema(request=None, public=True)
    assert not GENERATOR_STATS, (GENERATOR_STATS._warn_cache, GENERATOR_STATS._error_cache)
    validate_schema(schema)
    # What an operator runs: the command fails on any warning and validates the document.
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--api-version", "v1", "--file", str(target))
    assert set(yaml.safe_load(target.read_text())["paths"]) == api_paths()


def test_the_docs_page_loads_everything_from_static_files(db):
    response = Client().get("/api/v1/docs/")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert '<html lang="en">' in page
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert len(assets) == 5  # favicon, stylesheet, two scripts of Swagger UI, its start script
    for asset in assets:
        assert not re.match(r"^(https?:)?//", asset), asset
        if asset.startswith("/static/"):
            assert finders.find(asset.removeprefix("/static/")), asset
        else:
            assert asset == "/api/v1/docs/?script="
    script = Client().get("/api/v1/docs/?script=")
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    assert '"/api/v1/schema/"' in script.content.decode()


def test_the_index_links_every_endpoint(db, document):
    links = Client().get("/api/v1/").json()
    assert set(links) == {p.strip("/") for p in PUBLIC + SIGNED_IN} | {"token", "schema", "docs"}
    for name, url in links.items():
        assert url == f"http://testserver/api/v1/{name}/"
