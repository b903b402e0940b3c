from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from kommunalportal.grants.models import Application, GrantDecision, MeasureCategory
from kommunalportal.grants.services import create_call, publish_call, publish_envelopes
from kommunalportal.grants.workflow import ApplicationStatus

from .test_services import formula_settings, programme_2020

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_call(programme_manager):
    """A call open today, so that the pages can be used as a commune would."""
    today = timezone.localdate()
    programme = programme_2020(programme_manager)
    programme.ends_on = date(today.year + 2, 12, 31)
    programme.save()
    from kommunalportal.grants.services import set_year_budget

    set_year_budget(programme=programme, year=today.year, budget_amount=Decimal("20000000.00"), actor=programme_manager)
    call = create_call(
        programme=programme, year=today.year, actor=programme_manager,
        settings=formula_settings(
            opens_on=today - timedelta(days=1), deadline_on=today + timedelta(days=30),
            proof_of_use_due_on=today + timedelta(days=400),
        ),
    )  # fmt: skip
    publish_envelopes(call=call, actor=programme_manager)
    return publish_call(call=call, actor=programme_manager)


def _fill(client, application):
    base = f"/foerderung/antraege/{application.public_id}/"
    client.post(
        base + "massnahmen/",
        {
            "category": MeasureCategory.objects.get(code="website").pk, "title": "Neuer Internetauftritt",
            "planned_costs_amount": "20000.00", "starts_on": "2030-01-01", "ends_on": "2030-06-30",
        },
    )  # fmt: skip
    client.post(
        base + "plan/",
        {
            "title": "Digitales Rathaus", "requested_amount": "15000.00", "own_share_amount": "5000.00",
            "third_party_amount": "0", "has_not_begun": "on",
        },
    )  # fmt: skip


@pytest.fixture
def submitted(open_call, client, municipal_applicant, municipal_signatory):
    client.force_login(municipal_applicant)
    client.post(f"/foerderung/aufrufe/{open_call.public_id}/antrag/", {"organisation": "06435006", "title": "Rathaus"})
    application = Application.objects.get()
    _fill(client, application)
    client.force_login(municipal_signatory)
    response = client.post(f"/foerderung/antraege/{application.public_id}/einreichen/")
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED, [str(m) for m in response.wsgi_request._messages]
    client.logout()
    return application


def test_a_commune_applies_in_the_browser_flow(submitted):
    assert submitted.measures.count() == 1
    assert submitted.versions.count() == 1


def test_the_overview_offers_to_start_an_application(open_call, client, municipal_applicant):
    client.force_login(municipal_applicant)
    html = client.get("/foerderung/").content.decode()
    assert f"/foerderung/aufrufe/{open_call.public_id}/antrag/" in html


def test_bad_measure_input_gets_a_german_message_and_saves_nothing(open_call, client, municipal_applicant):
    client.force_login(municipal_applicant)
    client.post(f"/foerderung/aufrufe/{open_call.public_id}/antrag/", {"organisation": "06435006", "title": "R"})
    application = Application.objects.get()
    response = client.post(
        f"/foerderung/antraege/{application.public_id}/massnahmen/",
        {
            "category": "",
            "title": "",
            "planned_costs_amount": "viel",
            "starts_on": "2030-02-01",
            "ends_on": "2030-01-01",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "Die Maßnahme wurde nicht hinzugefügt" in response.content.decode()
    assert not application.measures.exists()


def test_another_commune_sees_nothing_of_it(submitted, client, other_commune_applicant):
    client.force_login(other_commune_applicant)
    base = f"/foerderung/antraege/{submitted.public_id}/"
    assert client.get(base).status_code == 404
    for action in ("plan/", "massnahmen/", "einreichen/", "zurueckziehen/", "freigabe/"):
        assert client.post(base + action).status_code == 404
    assert submitted.reference not in client.get("/foerderung/").content.decode()


@pytest.mark.parametrize("persona", ["municipal_applicant", "clerk", "service_designer", "municipal_signatory"])
def test_every_role_of_the_commune_sees_its_application(submitted, client, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(f"/foerderung/antraege/{submitted.public_id}/").status_code == 200


@pytest.mark.parametrize("persona", ["municipal_applicant", "clerk", "citizen"])
def test_the_review_queue_is_for_the_ministry(submitted, client, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get("/foerderung/pruefung/").status_code == 404
    assert client.post("/foerderung/pruefung/sammelaktion/", {"action": "prepare_approvals"}).status_code == 404


def test_review_and_four_eyes_in_the_queue(
    submitted, verified_client, reviewer, programme_manager, django_assert_max_num_queries
):
    as_reviewer = verified_client(reviewer)
    with django_assert_max_num_queries(12):
        page = as_reviewer.get("/foerderung/pruefung/", {"status": "submitted", "sort": "-requested"})
    assert [a.reference for a in page.context["page"]] == [submitted.reference]
    as_reviewer.post(
        "/foerderung/pruefung/sammelaktion/", {"action": "prepare_approvals", "selected": [str(submitted.public_id)]}
    )
    assert GrantDecision.objects.filter(application=submitted, released_at__isnull=True).exists()
    # The preparer cannot release: the bulk action names the refusal.
    response = as_reviewer.post(
        "/foerderung/pruefung/sammelaktion/", {"action": "release", "selected": [str(submitted.public_id)]}, follow=True
    )
    assert "Vier-Augen" in response.content.decode() or "vier Augen" in response.content.decode()
    as_manager = verified_client(programme_manager)
    as_manager.post("/foerderung/pruefung/sammelaktion/", {"action": "release", "selected": [str(submitted.public_id)]})
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.APPROVED


def test_the_bulk_action_never_redirects_off_site(submitted, verified_client, reviewer):
    response = verified_client(reviewer).post(
        "/foerderung/pruefung/sammelaktion/", {"action": "prepare_approvals", "back": "https://evil.example/"}
    )
    assert response["Location"] == "/foerderung/pruefung/"


def test_a_bulk_selection_with_garbage_is_no_server_error(submitted, verified_client, reviewer):
    response = verified_client(reviewer).post(
        "/foerderung/pruefung/sammelaktion/",
        {"action": "prepare_approvals", "selected": ["kein-uuid", "1", str(submitted.public_id)]},
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.DECISION_PREPARED  # the one real selection was taken


def test_changes_requested_show_the_message_to_the_commune(
    submitted, verified_client, reviewer, client, municipal_applicant
):
    verified_client(reviewer).post(
        f"/foerderung/antraege/{submitted.public_id}/nachforderung/", {"message": "Bitte Angebot beifügen."}
    )
    client.force_login(municipal_applicant)
    html = client.get(f"/foerderung/antraege/{submitted.public_id}/").content.decode()
    assert "Bitte Angebot beifügen." in html


def test_the_checks_panel_refreshes_alone_for_htmx(submitted, client, municipal_applicant):
    client.force_login(municipal_applicant)
    html = client.get(f"/foerderung/antraege/{submitted.public_id}/", headers={"HX-Request": "true"}).content.decode()
    assert 'id="pruefungen"' in html and "<html" not in html


def test_bulk_actions_can_take_every_matching_application(open_call, verified_client, reviewer, registry):
    from kommunalportal.accounts.roles import Role
    from kommunalportal.accounts.services import grant_membership
    from kommunalportal.grants import applications as svc
    from kommunalportal.organisations.models import Organisation
    from tests.factories import UserFactory

    from .conftest import draft

    signer = UserFactory(username="signer-all")
    for key in ("06435006", "06435024", "06412000"):
        organisation = Organisation.objects.get(key=key)
        grant_membership(user=signer, organisation=organisation, role=Role.MUNICIPAL_SIGNATORY, actor="t")
        application = draft(
            open_call, organisation, signer, costs="10000.00", requested="7500.00", own="2500.00",
            today=timezone.localdate(),
        )  # fmt: skip
        svc.submit_application(application=application, actor=signer)
    client = verified_client(reviewer)
    client.post(
        "/foerderung/pruefung/sammelaktion/",
        {"action": "prepare_approvals", "all_matching": "1", "status": "submitted"},
    )
    assert GrantDecision.objects.filter(released_at__isnull=True).count() == 3


def test_the_plan_is_checked_live_without_saving(submitted, client, municipal_applicant, municipal_signatory, reviewer):
    from kommunalportal.grants import applications as svc

    svc.request_changes(application=submitted, actor=reviewer, message="Bitte Plan prüfen")
    client.force_login(municipal_applicant)
    url = f"/foerderung/antraege/{submitted.public_id}/plan/pruefen/"
    html = client.post(
        url, {"title": "x", "requested_amount": "19000.00", "own_share_amount": "1000.00", "third_party_amount": "0"},
        headers={"HX-Request": "true"},
    ).content.decode()  # fmt: skip
    assert "nicht bestanden" in html and "Eigenanteil" in html and "noch nicht gespeichert" in html
    submitted.refresh_from_db()
    assert submitted.requested_amount == Decimal("15000.00")  # nothing saved


def test_a_form_address_opened_by_itself_is_a_page_not_an_empty_405(municipal_signatory, submitted):
    from conftest import signed_in

    client = signed_in(municipal_signatory)
    # After signing in again, `next` may lead to an address that only takes a form.
    response = client.get(f"/foerderung/antraege/{submitted.public_id}/einreichen/")
    assert response.status_code == 405 and response["Allow"] == "POST"
    page = response.content.decode()
    assert "<h1" in page and 'lang="de"' in page and "Formular" in page
    # The API keeps its problem responses.
    api = client.post("/api/v1/programmes/")
    assert api.status_code == 405 and api["Content-Type"] == "application/problem+json"
