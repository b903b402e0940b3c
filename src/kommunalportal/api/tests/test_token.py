"""The API token: issued, renewed and revoked by its holder from a CSRF-protected session (ministry staff only
after the second factor), or by an operator with `manage.py api_token`; every change audited, never the key.
The database keeps only a digest; a token expires after its lifetime and use does not extend it."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from conftest import current_code
from kommunalportal.accounts.services import create_ministry_admin
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
    return list(AuditEvent.objects.filter(object_type="knox.authtoken", object_id=str(user.pk)).order_by("sequence"))


def call_with(key: str):
    return Client(headers={"authorization": f"Token {key}"}).get("/api/v1/applications/")


def works(key: str) -> bool:
    return call_with(key).status_code == 200


def parsed(text: str):
    """A time written in JSON (ISO 8601)."""
    moment = parse_datetime(text)
    assert moment is not None
    return moment


def same_time(text: str, moment) -> bool:
    """Whether a time in the audit trail (JSON keeps milliseconds) is that moment."""
    return abs(parsed(text) - moment) < timedelta(milliseconds=1)


def assert_refused(key: str) -> None:
    """The key is a 401 problem that asks for a token."""
    response = call_with(key)
    assert response.status_code == 401 and response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize("persona", OWN_COMMUNE)
def test_a_commune_user_issues_renews_and_revokes_their_token(grant, persona, request):
    user = request.getfixturevalue(persona)
    client = browser(user)
    assert client.get("/api/v1/token/").json() == {"has_token": False, "created": None, "expires_at": None}

    first = post(client)
    assert first.status_code == 201
    key = first.json()["token"]
    assert AuthToken.objects.filter(user=user).count() == 1 and works(key)
    state = client.get("/api/v1/token/").json()
    assert state["has_token"] is True and key not in json.dumps(state)  # shown once, when issued
    assert state["expires_at"] == first.json()["expires_at"]

    second = post(client)
    assert second.status_code == 201 and second.json()["token"] != key
    assert not works(key) and works(second.json()["token"])

    assert delete(client).status_code == 204
    assert not AuthToken.objects.filter(user=user).exists() and not works(second.json()["token"])
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
    assert not AuthToken.objects.exists() and not events(municipal_signatory)
    AuthToken.objects.create(user=municipal_signatory)
    assert client.delete("/api/v1/token/").status_code == 403
    assert AuthToken.objects.filter(user=municipal_signatory).exists()


def test_a_token_cannot_issue_or_revoke_a_token(grant, municipal_signatory):
    client = token_client(municipal_signatory)
    digests = set(AuthToken.objects.filter(user=municipal_signatory).values_list("digest", flat=True))
    for response in (client.post("/api/v1/token/"), client.delete("/api/v1/token/"), client.get("/api/v1/token/")):
        assert response.status_code == 403 and response.json()["status"] == 403
    assert set(AuthToken.objects.filter(user=municipal_signatory).values_list("digest", flat=True)) == digests


def test_anonymous_callers_cannot_issue_a_token(registry):
    response = Client().post("/api/v1/token/")
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"
    assert not AuthToken.objects.exists()


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
    assert not AuthToken.objects.exists() and not events(reviewer)


def test_nobody_issues_or_revokes_someone_elses_token(grant, municipal_signatory, municipal_applicant):
    AuthToken.objects.create(user=municipal_applicant)
    with pytest.raises(PermissionDenied):
        services.issue_token(holder=municipal_applicant, actor=municipal_signatory)
    with pytest.raises(PermissionDenied):
        services.revoke_token(holder=municipal_applicant, actor=municipal_signatory)
    assert AuthToken.objects.filter(user=municipal_applicant).exists()


# What is stored, and for how long a token works


def test_the_database_holds_only_a_digest_of_the_key(grant, municipal_signatory):
    issued = services.issue_token(holder=municipal_signatory, actor=municipal_signatory)
    [row] = AuthToken.objects.filter(user=municipal_signatory).values()
    assert all(issued.key not in str(value) for value in row.values())
    assert row["digest"] != issued.key and len(row["digest"]) == 128  # SHA-512, hex
    assert len(issued.key) == 64 and row["token_key"] == issued.key[:15]  # to find the row; the rest is secret
    assert works(issued.key)
    [event] = events(municipal_signatory)
    recorded = json.dumps([event.before, event.after, event.object_repr, event.object_id])
    assert issued.key not in recorded and row["digest"] not in recorded and row["token_key"] not in recorded
    assert set(event.after) == {"created", "expiry"}


def test_a_token_expires_after_its_lifetime_and_use_does_not_extend_it(grant, municipal_signatory):
    before = timezone.now()
    issued = services.issue_token(holder=municipal_signatory, actor="test")
    lifetime = settings.REST_KNOX["TOKEN_TTL"]
    assert lifetime == timedelta(days=90)
    assert before + lifetime <= issued.expires_at <= timezone.now() + lifetime
    assert works(issued.key) and works(issued.key)
    assert AuthToken.objects.get(user=municipal_signatory).expiry == issued.expires_at
    [event] = events(municipal_signatory)
    assert same_time(event.after["expiry"], issued.expires_at)


@override_settings(REST_KNOX={**settings.REST_KNOX, "TOKEN_TTL": timedelta(days=7)})
def test_the_lifetime_is_a_setting(grant, municipal_signatory):
    client = browser(municipal_signatory)
    response = post(client)
    assert response.status_code == 201
    created, expires_at = (parsed(response.json()[name]) for name in ("created", "expires_at"))
    assert abs(expires_at - created - timedelta(days=7)) < timedelta(seconds=1)


def test_an_expired_token_is_a_401_and_no_longer_counts_as_a_token(grant, municipal_signatory):
    client = browser(municipal_signatory)
    key = post(client).json()["token"]
    assert works(key)
    AuthToken.objects.filter(user=municipal_signatory).update(expiry=timezone.now() - timedelta(seconds=1))
    assert client.get("/api/v1/token/").json() == {"has_token": False, "created": None, "expires_at": None}
    assert_refused(key)
    renewed = post(client).json()["token"]  # the holder renews it deliberately
    assert works(renewed)
    assert [e.action for e in events(municipal_signatory)] == ["api.token.issued", "api.token.renewed"]


def test_issuing_replaces_the_old_token(grant, municipal_signatory):
    old = services.issue_token(holder=municipal_signatory, actor=municipal_signatory)
    new = services.issue_token(holder=municipal_signatory, actor=municipal_signatory)
    assert_refused(old.key)
    assert works(new.key) and AuthToken.objects.filter(user=municipal_signatory).count() == 1
    renewed = events(municipal_signatory)[-1]
    assert renewed.action == "api.token.renewed"
    assert same_time(renewed.before["created"], old.created) and same_time(renewed.after["created"], new.created)


def test_revoking_records_the_token_that_ended(grant, municipal_signatory):
    issued = services.issue_token(holder=municipal_signatory, actor=municipal_signatory)
    assert services.revoke_token(holder=municipal_signatory, actor=municipal_signatory) is True
    assert_refused(issued.key)
    revoked = events(municipal_signatory)[-1]
    assert revoked.action == "api.token.revoked" and revoked.after is None
    assert same_time(revoked.before["expiry"], issued.expires_at)


# The operators' command


def run(*args: str) -> str:
    out = StringIO()
    call_command("api_token", *args, stdout=out, stderr=StringIO())
    return out.getvalue().strip()


def test_an_operator_issues_and_revokes_a_token_with_the_command(grant, municipal_signatory):
    key = run("municipal_signatory")
    assert AuthToken.objects.filter(user=municipal_signatory).count() == 1 and works(key)
    renewed = run("municipal_signatory")
    assert renewed != key and not works(key) and works(renewed)
    assert "revoked" in run("municipal_signatory", "--revoke")
    assert_refused(renewed)
    assert "no token" in run("municipal_signatory", "--revoke")
    trail = events(municipal_signatory)
    assert [e.action for e in trail] == ["api.token.issued", "api.token.renewed", "api.token.revoked"]
    assert {(e.actor_id, e.actor_label) for e in trail} == {(None, "api_token")}


def test_the_command_issues_no_token_for_ministry_staff_but_revokes_theirs(grant, reviewer):
    with pytest.raises(CommandError):
        run("reviewer")
    assert not AuthToken.objects.exists()
    AuthToken.objects.create(user=reviewer)
    assert "revoked" in run("reviewer", "--revoke")
    assert not AuthToken.objects.exists()


def test_the_command_refuses_unknown_and_deactivated_accounts(grant, municipal_signatory):
    with pytest.raises(CommandError):
        run("nobody")
    municipal_signatory.is_active = False
    municipal_signatory.save()
    with pytest.raises(CommandError):
        run("municipal_signatory")
    assert not AuthToken.objects.exists()


# The administration


def test_operators_see_who_has_a_token_in_the_admin_but_cannot_make_change_or_delete_one(
    grant, municipal_signatory, verified_client
):
    admin = create_ministry_admin(username="admin", email="a@example.org", password="Lang-und-sicher-2020", actor="t")
    TOTPDevice.objects.create(user=admin, name="app", confirmed=True)
    operator = verified_client(admin)
    issued = services.issue_token(holder=municipal_signatory, actor="test")
    digest = AuthToken.objects.get(user=municipal_signatory).digest
    page = operator.get("/admin/knox/authtoken/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "municipal_signatory" in html and digest not in html and issued.key[:15] not in html
    assert operator.get("/admin/knox/authtoken/add/").status_code == 403
    operator.post("/admin/knox/authtoken/", {"action": "delete_selected", "_selected_action": [digest], "post": "yes"})
    assert AuthToken.objects.filter(user=municipal_signatory).exists()


def test_no_table_keeps_a_plain_key(db):
    from django.db import connection

    assert "authtoken_token" not in connection.introspection.table_names()
