from decimal import Decimal

import pytest

from kommunalportal.core.models import AuditEvent
from kommunalportal.grants.models import Call, Envelope, MeasureCategory, Programme
from kommunalportal.grants.services import create_call, publish_call, publish_envelopes

from .test_services import formula_settings, programme_2020

pytestmark = pytest.mark.django_db
MINISTRY = ["programme_manager", "reviewer", "payment_officer", "auditor"]
COMMUNE = ["municipal_applicant", "municipal_signatory", "clerk", "service_designer"]


@pytest.fixture
def programme(programme_manager):
    return programme_2020(programme_manager)


@pytest.fixture
def call(programme, programme_manager):
    return create_call(programme=programme, year=2020, settings=formula_settings(), actor=programme_manager)


@pytest.fixture
def published_call(call, programme_manager):
    publish_envelopes(call=call, actor=programme_manager)
    return publish_call(call=call, actor=programme_manager)


def _as(persona, request, client, verified_client):
    user = request.getfixturevalue(persona)
    if persona in MINISTRY:
        return verified_client(user)
    client.force_login(user)
    return client


def test_a_programme_manager_sets_up_a_programme_in_the_browser_form(programme_manager, verified_client):
    client = verified_client(programme_manager)
    response = client.post(
        "/foerderung/programme/neu/",
        {
            "name": "Starke Heimat Hessen", "code": "SHH", "legal_basis": "§ 44 LHO", "description": "",
            "starts_on": "2020-01-01", "ends_on": "2024-12-31", "yearly_budget": "20000000.00",
        },
    )  # fmt: skip
    programme = Programme.objects.get(code="SHH")
    assert response["Location"] == f"/foerderung/programme/{programme.public_id}/"
    assert programme.years.count() == 5
    page = client.get(response["Location"]).content.decode()
    assert "20.000.000,00 €" in page
    # The budget field of each year shows the amount the German way and takes it back the same way.
    assert 'value="20.000.000,00"' in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("code", "shh", "Großbuchstaben"),
        ("yearly_budget", "-5", "größer oder gleich 0"),
        ("yearly_budget", "1,001", "höchstens zwei Nachkommastellen"),
        ("yearly_budget", "zwölf", "z. B. 1.234,56"),
        ("ends_on", "2019-01-01", "muss nach"),
    ],
)
def test_bad_programme_input_gets_german_messages_and_saves_nothing(
    programme_manager, verified_client, field, value, message
):
    data = {
        "name": "X", "code": "SHH", "legal_basis": "§ 44 LHO", "starts_on": "2020-01-01", "ends_on": "2024-12-31",
        "yearly_budget": "100.00",
    }  # fmt: skip
    data[field] = value
    response = verified_client(programme_manager).post("/foerderung/programme/neu/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Programme.objects.exists()


def test_a_call_is_created_through_the_form(programme, programme_manager, verified_client):
    client = verified_client(programme_manager)
    response = client.post(
        f"/foerderung/programme/{programme.public_id}/aufruf/neu/",
        {
            "name": "Phase 1", "year": "2020", "shape": "formula", "budget_amount": "16000000.00",
            "opens_on": "2020-07-01", "deadline_on": "2020-08-31", "proof_of_use_due_on": "2021-12-31",
            "eligible_kinds": ["district_free_city", "town", "municipality", "district"],
            "categories": list(MeasureCategory.objects.values_list("pk", flat=True)),
            "financing_type": "proportional", "funding_percent": "75", "min_own_share_percent": "25",
            "min_grant_amount": "0", "drawdown_window_days": "60", "floor_amount": "7500.00",
            "population_percent": "100", "capacity_percent": "0",
        },
    )  # fmt: skip
    call = Call.objects.get(name="Phase 1")
    assert response["Location"] == f"/foerderung/aufrufe/{call.public_id}/"
    assert call.funding_rate == Decimal("0.75")
    page = client.get(response["Location"]).content.decode()
    assert "16.000.000,00 €" in page and "7.500,00 €" in page


def test_a_call_beyond_the_year_budget_is_refused_on_the_page(programme, call, programme_manager, verified_client):
    response = verified_client(programme_manager).post(
        f"/foerderung/programme/{programme.public_id}/aufruf/neu/",
        {
            "name": "Zu groß", "year": "2020", "shape": "formula", "budget_amount": "4000000.01",
            "opens_on": "2020-07-01", "deadline_on": "2020-08-31", "proof_of_use_due_on": "2021-12-31",
            "eligible_kinds": ["town"], "categories": [], "financing_type": "fixed_amount",
            "min_own_share_percent": "0", "min_grant_amount": "0", "drawdown_window_days": "60",
            "floor_amount": "0", "population_percent": "100", "capacity_percent": "0",
        },
    )  # fmt: skip
    assert response.status_code == 200
    assert not Call.objects.filter(name="Zu groß").exists()


def test_the_preview_shows_the_distribution_and_publishing_fixes_it(call, programme_manager, verified_client):
    client = verified_client(programme_manager)
    page = client.get(f"/foerderung/aufrufe/{call.public_id}/")
    assert page.context["distribution"].count == 443
    assert page.context["distribution"].total == Decimal("16000000.00")
    response = client.post(f"/foerderung/aufrufe/{call.public_id}/kontingente/")
    assert response.status_code == 302
    assert Envelope.objects.filter(call=call).count() == 443
    assert AuditEvent.objects.filter(action="grants.call.envelopes_published", actor=programme_manager).exists()


def test_the_envelopes_download_as_csv(call, programme_manager, verified_client):
    response = verified_client(programme_manager).get(f"/foerderung/aufrufe/{call.public_id}/kontingente.csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "key;name;kind;population;allocation_key;amount"
    assert len(lines) == 444
    assert sum(Decimal(line.rsplit(";", 1)[1].replace(",", ".")) for line in lines[1:]) == Decimal("16000000.00")


def test_capacity_upload_reports_problems_without_importing(call, programme_manager, verified_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("fk.csv", b"key,figure\n99999999,1\n", content_type="text/csv")
    response = verified_client(programme_manager).post(
        f"/foerderung/aufrufe/{call.public_id}/finanzkraft/", {"file": upload}, follow=True
    )
    assert "Es wurde nichts importiert" in response.content.decode()
    assert not call.capacities.exists()


@pytest.mark.parametrize("persona", MINISTRY)
def test_ministry_staff_see_the_programme_administration(persona, request, client, verified_client, call):
    as_user = _as(persona, request, client, verified_client)
    assert as_user.get("/foerderung/").status_code == 200
    assert as_user.get(f"/foerderung/programme/{call.programme.public_id}/").status_code == 200
    assert as_user.get(f"/foerderung/aufrufe/{call.public_id}/").status_code == 200


@pytest.mark.parametrize("persona", ["reviewer", "payment_officer", "auditor"])
def test_only_programme_managers_change_programmes(persona, request, client, verified_client, call):
    as_user = _as(persona, request, client, verified_client)
    assert as_user.get("/foerderung/programme/neu/").status_code == 403
    assert as_user.post(f"/foerderung/aufrufe/{call.public_id}/kontingente/").status_code == 403
    assert as_user.post(f"/foerderung/aufrufe/{call.public_id}/veroeffentlichen/").status_code == 403
    assert not Envelope.objects.exists()


@pytest.mark.parametrize("persona", COMMUNE)
def test_communes_do_not_see_the_administration(persona, request, client, verified_client, call):
    as_user = _as(persona, request, client, verified_client)
    assert as_user.get(f"/foerderung/programme/{call.programme.public_id}/").status_code == 404
    assert as_user.get(f"/foerderung/aufrufe/{call.public_id}/").status_code == 404
    assert as_user.get(f"/foerderung/aufrufe/{call.public_id}/kontingente.csv").status_code == 404
    assert as_user.post(f"/foerderung/aufrufe/{call.public_id}/kontingente/").status_code == 403


@pytest.mark.parametrize("persona", COMMUNE)
def test_a_commune_sees_only_its_own_envelope(persona, request, client, verified_client, published_call):
    as_user = _as(persona, request, client, verified_client)
    page = as_user.get("/foerderung/")
    envelopes = list(page.context["envelopes"])
    assert [e.organisation.key for e in envelopes] == ["06435006"]
    assert "Bruchköbel" in page.content.decode()


def test_an_unpublished_envelope_is_not_shown_to_the_commune(call, municipal_applicant, client):
    client.force_login(municipal_applicant)
    assert list(client.get("/foerderung/").context["envelopes"]) == []


def test_anonymous_visitors_are_sent_to_sign_in(client, call):
    for path in ("/foerderung/", f"/foerderung/aufrufe/{call.public_id}/", "/foerderung/programme/neu/"):
        assert client.get(path)["Location"].startswith("/anmelden/")


def test_the_call_page_needs_constant_queries(call, programme_manager, verified_client, django_assert_max_num_queries):
    client = verified_client(programme_manager)
    client.post(f"/foerderung/aufrufe/{call.public_id}/kontingente/")
    with django_assert_max_num_queries(15):
        client.get(f"/foerderung/aufrufe/{call.public_id}/")
