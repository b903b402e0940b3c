"""Every refusal of the API is a problem response (RFC 9457), never an HTML page and never a 500."""

import pytest
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.test import Client
from rest_framework.exceptions import ValidationError

from kommunalportal.api.problems import (
    BLANK,
    INVALID_PARAMETERS,
    PROBLEM_CONTENT_TYPE,
    _invalid_params,
    problem_response,
)


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
    body = response.json()
    assert body["status"] == status and body["type"] and body["title"] and body["detail"]
    return body


@pytest.mark.parametrize(
    "path",
    [
        "/api/",
        "/api/v1/nothing/",
        "/api/v1/programmes/not-a-uuid/",
        "/api/v1/applications/12/",
        "/api/v1/indicators/unknown/",
        "/api/v1/communes/06999999/",
        "/api/nothing/at/all/",
    ],
)
def test_every_address_that_is_not_there_is_a_404_problem(registry, path):
    body = assert_problem(Client().get(path), 404)
    assert body["type"] == BLANK and body["instance"] == path


@pytest.mark.parametrize("version", ["v2", "v0", "v10"])
def test_an_unknown_version_is_a_404_problem_naming_the_versions(registry, version):
    body = assert_problem(Client().get(f"/api/{version}/programmes/"), 404)
    assert version in body["detail"] and "v1" in body["detail"]


def test_a_forgotten_slash_is_added_as_on_the_pages(registry):
    response = Client().get("/api/v1/programmes")
    assert response.status_code == 301 and response["Location"] == "/api/v1/programmes/"


@pytest.mark.parametrize("path", ["/api/v1/programmes/", "/api/v1/communes/06435006/", "/api/v1/awards/"])
def test_the_read_api_refuses_writes_with_a_405_problem(registry, path):
    for response in (Client().post(path), Client().put(path), Client().delete(path)):
        assert_problem(response, 405)
        assert "GET" in response["Allow"]


def test_a_format_it_cannot_give_is_a_406_problem(registry):
    assert_problem(Client().get("/api/v1/programmes/", headers={"accept": "text/csv"}), 406)


def test_the_document_and_the_docs_answer_with_problems_too(registry):
    assert_problem(Client().get("/api/v1/schema/?format=xml"), 404)
    assert_problem(Client().post("/api/v1/schema/"), 405)
    assert_problem(Client().post("/api/v1/docs/"), 405)


def test_a_validation_problem_names_each_invalid_parameter_with_its_reason(registry):
    body = assert_problem(Client().get("/api/v1/communes/", {"limit": "x", "kind": "land"}), 400)
    assert body["type"] == INVALID_PARAMETERS and body["instance"] == "/api/v1/communes/"
    names = [p["name"] for p in body["invalid_params"]]
    assert names == ["kind", "limit"]  # every bad parameter at once, the page's too
    assert all(p["reason"] for p in body["invalid_params"]) and body["invalid_params"][0]["reason"] in body["detail"]


def test_invalid_parameters_are_flattened_with_their_paths():
    detail = {"limit": ["too big"], "scope": {"call": ["unknown", "bad"]}, "items": [{"amount": ["negative"]}]}
    assert _invalid_params(detail) == [
        {"name": "limit", "reason": "too big"},
        {"name": "scope.call", "reason": "unknown"},
        {"name": "scope.call", "reason": "bad"},
        {"name": "items.0.amount", "reason": "negative"},
    ]
    assert _invalid_params(["plain"]) == [{"name": "", "reason": "plain"}]


def test_the_handler_turns_djangos_refusals_into_problems_and_leaves_bugs_to_django():
    not_found = problem_response(Http404("No Application matches the given query."), {})
    assert not_found.status_code == 404 and not_found.data["type"] == BLANK
    assert "Application" not in not_found.data["detail"]  # no model names in the answer
    assert problem_response(DjangoPermissionDenied(), {}).status_code == 403
    invalid = problem_response(ValidationError({"year": ["not a year"]}), {})
    assert invalid.status_code == 400 and invalid.data["invalid_params"] == [{"name": "year", "reason": "not a year"}]
    assert invalid.content_type == PROBLEM_CONTENT_TYPE
    assert problem_response(ValueError("a bug"), {}) is None


def test_the_texts_follow_the_portals_language_and_the_codes_do_not(registry):
    client = Client()
    client.cookies["django_language"] = "en"
    english = assert_problem(client.get("/api/v1/money/"), 401)
    german = assert_problem(Client().get("/api/v1/money/"), 401)
    assert english["detail"] == "Authentication credentials were not provided." != german["detail"]
    assert english["title"] == "Unauthorized" and german["title"] == "Nicht authentifiziert"
    texts = {"detail", "title"}
    assert {k: v for k, v in english.items() if k not in texts} == {k: v for k, v in german.items() if k not in texts}


def test_a_server_error_under_the_api_is_a_500_problem_and_a_page_elsewhere(registry, monkeypatch):
    from kommunalportal.api import public_views
    from kommunalportal.organisations import views as organisation_views

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(public_views.ProgrammeList, "get_queryset", broken)
    client = Client(raise_request_exception=False)
    body = assert_problem(client.get("/api/v1/programmes/"), 500)
    assert body["instance"] == "/api/v1/programmes/" and "a bug" not in body["detail"]
    monkeypatch.setattr(organisation_views, "search_communes", broken)
    page = client.get("/kommunen/")
    assert page.status_code == 500 and page["Content-Type"].startswith("text/html")
