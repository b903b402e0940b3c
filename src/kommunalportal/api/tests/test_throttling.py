"""Rate limits: anonymous callers per client address, signed-in people per person, on every endpoint; beyond the
rate a 429 problem with Retry-After. (The conftest clears the counts, kept in the default cache, around each test.)"""

import re

import pytest
from django.conf import settings
from django.test import Client, override_settings

from kommunalportal.api.problems import BLANK, PROBLEM_CONTENT_TYPE

from .conftest import session_client, token_client

TINY = override_settings(
    REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "2/minute", "user": "3/minute"}}
)


def assert_throttled(response) -> None:
    assert response.status_code == 429, response.content
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
    body = response.json()
    assert body["status"] == 429 and body["type"] == BLANK and body["title"] and body["detail"]
    assert 1 <= int(response["Retry-After"]) <= 60  # whole seconds within the minute of the rate


def test_the_settings_limit_every_caller():
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    assert set(rates) == {"anon", "user"} and all(rates.values())
    assert settings.REST_FRAMEWORK["NUM_PROXIES"] == 0  # the address is the connection's unless proxies are named


@TINY
@pytest.mark.parametrize("path", ["/api/v1/", "/api/v1/programmes/", "/api/v1/communes/", "/api/v1/schema/"])
def test_an_anonymous_caller_beyond_the_rate_gets_a_429_problem_with_retry_after(registry, path):
    client = Client()
    assert [client.get(path).status_code for _ in range(2)] == [200, 200]
    assert_throttled(client.get(path))
    # Another address still has its own allowance.
    assert Client(REMOTE_ADDR="192.0.2.10").get(path).status_code == 200


@TINY
def test_a_forged_forwarded_for_header_does_not_reset_the_count(registry):
    for number in range(2):
        response = Client(headers={"x-forwarded-for": f"198.51.100.{number}"}).get("/api/v1/programmes/")
        assert response.status_code == 200
    assert_throttled(Client(headers={"x-forwarded-for": "198.51.100.99"}).get("/api/v1/programmes/"))


@TINY
@pytest.mark.parametrize("by", [token_client, session_client])
def test_a_signed_in_person_is_counted_per_person(grant, municipal_signatory, municipal_applicant, by):
    client = by(municipal_signatory)
    assert [client.get("/api/v1/applications/").status_code for _ in range(3)] == [200, 200, 200]
    assert_throttled(client.get("/api/v1/applications/"))
    assert_throttled(by(municipal_signatory).get("/api/v1/drawdowns/"))  # a second token or session: the same person
    # Someone else from the same address is not held back.
    assert by(municipal_applicant).get("/api/v1/applications/").status_code == 200


@TINY
def test_the_token_endpoint_is_limited_too(grant, municipal_signatory):
    client = session_client(municipal_signatory)
    for _ in range(3):
        assert client.get("/api/v1/token/").status_code == 200
    assert_throttled(client.get("/api/v1/token/"))


@TINY
def test_the_429_speaks_the_portals_language_and_keeps_its_codes(registry):
    english = Client()
    english.cookies["django_language"] = "en"
    for _ in range(2):
        english.get("/api/v1/programmes/")
    body = english.get("/api/v1/programmes/").json()
    assert body["title"] == "Too Many Requests" and body["detail"].startswith("Too many requests. Please try again in")
    german = Client()
    for _ in range(2):
        german.get("/api/v1/programmes/", REMOTE_ADDR="192.0.2.7")
    body = german.get("/api/v1/programmes/", REMOTE_ADDR="192.0.2.7").json()
    assert re.fullmatch(r"Zu viele Anfragen\. Bitte versuchen Sie es in \d+ Sekunden erneut\.", body["detail"])
