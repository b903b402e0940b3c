"""The API token: issued, renewed and revoked by its holder from a CSRF-protected session (ministry staff only
after the second factor), or by an operator with `manage.py api_token`; every change audited, never the key."""

import json
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import Client
from rest_framework.authtoken.models import Token

from conftest import current_code
from kommunalportal.api import services
from kommunalportal.core.errors import PermissionDenied
from kommunalportal.core.models import AuditEvent

from .conftest import MINISTRY, OWN_COMMUNE, token_client

CSRF = "k" * 32  # a CSRF secret as the cookie carries it


def browser(user, *, second_factor: bool = False) -> Client:
    """A signed-in browser that enforces CSRF like a real one, with the CSRF cookie set."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    if second_factor:
        client.get("/zwei-faktor/")  # the form sets the CSRF cookie
        form_token = client.cookies[settings.CSRF_COOKIE_NAME].value
        response = client.post("/zwei-faktor/", {"token": current_code(user), "csrfmiddlewaretoken": form_token})
        assert response.status_code == 302
    client.cookies[settings.CSRF_COOKIE_NAME] = CSRF
    return client


def post(client: Client, *, csrf: bool = True):
    return client.post("/api/v1/token/", headers={"x-csrftoken": CSRF} if csrf else {})


def delete(client: Client):
    return client.delete("/api/v1/token/", headers={"x-csrftoken": CSRF})


def events(user) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_type="authtoken.token", object_id=str(user.pk)).order_by("sequence"))


def works(key: str) -> bool:
    return Client(headers={"authorization": f"Token {key}"}).get("/api/v1/applications/").status_code == 200


@pytest.mark.parametrize("persona", OWN_COMMUNE)
def test_a_commune_user_issues_renews_and_revokes_their_token(grant, persona, request):
    user = request.getfixturevalue(persona)
    client = browser(user)
    assert client.get("/api/v1/token/").json() == {"has_token": False, "created": None}

    first = post(client)
    assert first.status_code == 201
    key = first.json()["token"]
    assert Token.objects.get(user=user).key == key and works(key)
    state = client.get("/api/v1/token/").json()
    assert state["has_token"] is True and key not in json.dumps(state)  # shown once, when issued

    second = post(client)
    assert second.status_code == 201 and second.json()["token"] != key
    assert not works(key) and works(second.json()["token"])

    assert delete(client).status_code == 204
    assert not Token.objects.filter(user=user).exists() and not works(second.json()["token"])
    assert delete(client).status_code == 204  # nothing left to revoke: nothing changes

    trail = events(user)
    assert [e.action for e in trail] == ["api.token.issued", "api.token.renewed", "api.token.revoked"]
    assert {e.actor_id for e in trail} == {user.pk}
    for event in trail:  # the audit trail never holds a key
        assert key not in json.dumps([event.before, event.after, event.object_repr])
        assert second.json()["token"] not in json.dumps([event.before, event.after, event.object_repr])


def test_without_the_csrf_token_a_session_cannot_touch_the_token(grant, municipal_signatory):
    client = browser(municipal_signatory)
    response = post(client, csrf=False)
    assert response.status_code == 403 and response["Content-Type"] == "application/problem+json"
    assert not Token.objects.exists() and not events(municipal_signatory)
    Token.objects.create(user=municipal_signatory)
    assert client.delete("/api/v1/token/").status_code == 403
    assert Token.objects.filter(user=municipal_signatory).exists()


def test_a_token_cannot_issue_or_revoke_a_token(grant, municipal_signatory):
    client = token_client(municipal_signatory)
    key = Token.objects.get(user=municipal_signatory).key
    for response in (client.post("/api/v1/token/"), client.delete("/api/v1/token/"), client.get("/api/v1/token/")):
        assert response.status_code == 403 and response.json()["status"] == 403
    assert Token.objects.get(user=municipal_signatory).key == key


def test_anonymous_callers_cannot_issue_a_token(registry):
    response = Client().post("/api/v1/token/")
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"
    assert not Token.objects.exists()


@pytest.mark.parametrize("persona", MINISTRY)
def test_ministry_staff_issue_a_token_after_the_second_factor(grant, persona, request):
    user = request.getfixturevalue(persona)
    client = browser(user, second_factor=True)
    response = post(client)
    assert response.status_code == 201
    # The token reaches what its holder may see: every commune's applications.
    assert token_client(user).get("/api/v1/applications/").json()["count"] == 1
    assert [e.action for e in events(user)] == ["api.token.issued"]


def test_ministry_staff_cannot_issue_a_token_without_the_second_factor(grant, reviewer):
    assert post(browser(reviewer)).status_code == 401  # the API does not count the session
    with pytest.raises(PermissionDenied):  # nor does the service, asked directly
        services.issue_token(holder=reviewer, actor=reviewer)
    assert not Token.objects.exists() and not events(reviewer)


def test_nobody_issues_or_revokes_someone_elses_token(grant, municipal_signatory, municipal_applicant):
    Token.objects.create(user=municipal_applicant)
    with pytest.raises(PermissionDenied):
        services.issue_token(holder=municipal_applicant, actor=municipal_signatory)
    with pytest.raises(PermissionDenied):
        services.revoke_token(holder=municipal_applicant, actor=municipal_signatory)
    assert Token.objects.filter(user=municipal_applicant).exists()


# The operators' command


def run(*args: str) -> str:
    out = StringIO()
    call_command("api_token", *args, stdout=out)
    return out.getvalue().strip()


def test_an_operator_issues_and_revokes_a_token_with_the_command(grant, municipal_signatory):
    key = run("municipal_signatory")
    assert Token.objects.get(user=municipal_signatory).key == key and works(key)
    renewed = run("municipal_signatory")
    assert renewed != key and not works(key) and works(renewed)
    assert "revoked" in run("municipal_signatory", "--revoke")
    assert not works(renewed)
    assert "no token" in run("municipal_signatory", "--revoke")
    trail = events(municipal_signatory)
    assert [e.action for e in trail] == ["api.token.issued", "api.token.renewed", "api.token.revoked"]
    assert {(e.actor_id, e.actor_label) for e in trail} == {(None, "api_token")}


def test_the_command_issues_no_token_for_ministry_staff_but_revokes_theirs(grant, reviewer):
    with pytest.raises(CommandError):
        run("reviewer")
    assert not Token.objects.exists()
    Token.objects.create(user=reviewer)
    assert "revoked" in run("reviewer", "--revoke")
    assert not Token.objects.exists()


def test_the_command_refuses_unknown_and_deactivated_accounts(grant, municipal_signatory):
    with pytest.raises(CommandError):
        run("nobody")
    municipal_signatory.is_active = False
    municipal_signatory.save()
    with pytest.raises(CommandError):
        run("municipal_signatory")
    assert not Token.objects.exists()
