import re

import pytest
from django.core import mail
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import current_code, device_code
from kommunalportal.accounts.roles import Role
from kommunalportal.accounts.services import create_ministry_admin, grant_membership
from kommunalportal.core.models import AuditEvent
from kommunalportal.organisations.models import Organisation
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
MINISTRY = ["programme_manager", "reviewer", "payment_officer", "auditor"]
COMMUNE = ["municipal_applicant", "municipal_signatory", "clerk", "service_designer"]


def test_login_page_is_german(client):
    html = client.get("/anmelden/").content.decode()
    assert 'lang="de"' in html and "Anmelden" in html and "Passwort vergessen?" in html


def test_login_with_the_form_signs_in_and_is_audited(client, municipal_applicant):
    response = client.post("/anmelden/", {"username": "municipal_applicant", "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")
    event = AuditEvent.objects.filter(action="accounts.user.logged_in").last()
    assert event.actor == municipal_applicant
    assert event.request_id == response["X-Request-ID"]


def test_a_wrong_password_gets_a_german_message(client, municipal_applicant):
    response = client.post("/anmelden/", {"username": "municipal_applicant", "password": "falsch"})
    assert response.status_code == 200
    assert "Benutzername oder Passwort ist falsch" in response.content.decode()


def test_repeated_failures_lock_the_account_even_for_the_right_password(client, municipal_applicant, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/anmelden/", {"username": "municipal_applicant", "password": "falsch"})
    response = client.post("/anmelden/", {"username": "municipal_applicant", "password": TEST_PASSWORD})
    assert response.status_code == 429
    assert "Anmeldung gesperrt" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lock_holds_one_account_from_one_address_not_others(client, municipal_applicant, clerk, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/anmelden/", {"username": "municipal_applicant", "password": "falsch"})
    response = client.post("/anmelden/", {"username": "clerk", "password": TEST_PASSWORD})
    assert response.status_code == 302


@pytest.mark.parametrize("persona", MINISTRY)
def test_ministry_roles_must_pass_the_second_factor(client, persona, request):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    response = client.get("/konto/")
    assert response.status_code == 302
    assert response["Location"].startswith("/zwei-faktor/?next=")
    # Nothing but the second-factor pages and sign-out is reachable before.
    assert client.get("/kommunen/").status_code == 302
    response = client.post("/zwei-faktor/?next=/kommunen/", {"token": current_code(user)})
    assert response["Location"] == "/kommunen/"
    assert client.get("/konto/").status_code == 200


@pytest.mark.parametrize("persona", COMMUNE)
def test_commune_roles_sign_in_with_the_password_alone(client, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get("/konto/").status_code == 200


def test_a_wrong_code_is_refused_with_a_german_message(client, reviewer):
    client.force_login(reviewer)
    response = client.post("/zwei-faktor/", {"token": "000000" if current_code(reviewer) != "000000" else "111111"})
    assert response.status_code == 200
    assert "Der Code ist nicht gültig" in response.content.decode()
    assert client.get("/konto/").status_code == 302


@pytest.mark.parametrize("token", ["", "12345", "abcdef", "1234567"])
def test_malformed_codes_get_a_message(client, reviewer, token):
    client.force_login(reviewer)
    response = client.post("/zwei-faktor/", {"token": token})
    assert response.status_code == 200
    assert "kern-error" in response.content.decode()


def test_a_ministry_user_without_device_sets_one_up(client, registry):
    user = UserFactory(username="neu")
    grant_membership(user=user, organisation=Organisation.objects.get(key="06"), role=Role.AUDITOR, actor="t")
    client.force_login(user)
    response = client.get("/konto/")
    assert response["Location"].startswith("/zwei-faktor/einrichten/")
    page = client.get(response["Location"])
    assert "<svg" in page.content.decode() and page.context["secret"]
    pending = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post("/zwei-faktor/einrichten/", {"token": device_code(pending)})
    assert response.status_code == 302
    assert TOTPDevice.objects.get(user=user).confirmed
    assert client.get("/konto/").status_code == 200
    assert AuditEvent.objects.filter(action="accounts.totp_device.confirmed", actor=user).exists()


def test_an_operator_without_ministry_role_also_needs_the_second_factor(client, registry):
    operator = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(operator)
    assert client.get("/admin/")["Location"].startswith("/zwei-faktor/einrichten/")


def test_the_admin_is_for_operators_only(client, verified_client, programme_manager, municipal_applicant):
    client.force_login(municipal_applicant)
    assert client.get("/admin/")["Location"].startswith("/admin/login/")
    staff_client = verified_client(programme_manager)
    assert staff_client.get("/admin/").status_code == 302  # a programme manager is no operator


def test_a_verified_operator_reaches_the_admin(verified_client, registry):
    admin = create_ministry_admin(username="admin", email="a@example.org", password="Lang-und-sicher-2020", actor="t")
    TOTPDevice.objects.create(user=admin, name="app", confirmed=True)
    assert verified_client(admin).get("/admin/").status_code == 200


def test_the_next_parameter_cannot_leave_the_site(client, reviewer):
    client.force_login(reviewer)
    response = client.post("/zwei-faktor/?next=https://evil.example/", {"token": current_code(reviewer)})
    assert response["Location"] == reverse("accounts:profile")


def test_password_reset_sends_a_german_mail_with_a_working_link(client, municipal_applicant):
    response = client.post("/passwort/vergessen/", {"email": municipal_applicant.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "Passwort" in mail.outbox[0].subject
    link = re.search(r"https?://[^/]+(/passwort/neu/\S+)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200 and form.context["validlink"]
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": "Neues-Passwort-2021", "new_password2": "Neues-Passwort-2021"}
    )
    assert done.status_code == 302
    municipal_applicant.refresh_from_db()
    assert municipal_applicant.check_password("Neues-Passwort-2021")


def test_logout_is_a_post_and_audited(client, municipal_applicant):
    client.force_login(municipal_applicant)
    response = client.post("/abmelden/")
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="accounts.user.logged_out", actor=municipal_applicant).exists()
