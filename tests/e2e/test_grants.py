"""The grant pages in the browser: axe-core on what the ministry and a commune see, and one application journey.

The data comes from the services (as in the grants tests); only the journey fills the forms itself.
"""

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from playwright.sync_api import Page, expect

from kommunalportal.accounts.models import User
from kommunalportal.grants import applications as svc
from kommunalportal.grants.models import Application, Call, DecisionKind, MeasureCategory
from kommunalportal.grants.services import create_call
from kommunalportal.grants.tests import test_application_views as application_views_tests
from kommunalportal.grants.tests.test_services import formula_settings, programme_2020
from kommunalportal.grants.workflow import ApplicationStatus
from kommunalportal.organisations.selectors import organisation_by_key

from .conftest import BRUCHKOEBEL
from .pages import button, german

pytestmark = pytest.mark.e2e

# A formula call of the programme, open today, with the envelopes of all 443 communes published.
open_call = application_views_tests.open_call

COMMUNES = 443


@pytest.fixture
def check_page(check_accessibility) -> Callable[[Page], None]:
    """axe-core, and every id only once: of two controls with one id, the second has no label."""

    def check(page: Page) -> None:
        check_accessibility(page)
        repeated = page.evaluate(
            """() => {
                const seen = new Map();
                for (const element of document.querySelectorAll("[id]")) {
                    seen.set(element.id, (seen.get(element.id) || 0) + 1);
                }
                return [...seen].filter(([, count]) => count > 1).map(([id]) => id);
            }"""
        )
        assert not repeated, f"ids used more than once on {page.url}: {repeated}"

    return check


@pytest.fixture
def draft_call(programme_manager) -> Call:
    """A formula call of the 2020 programme, still a draft: its page previews all envelopes."""
    programme = programme_2020(programme_manager)
    return create_call(programme=programme, year=2020, settings=formula_settings(), actor=programme_manager)


def draft_application(call: Call, actor: User) -> Application:
    """A complete draft of Bruchköbel in an open call: one measure, a balanced plan."""
    organisation = organisation_by_key(BRUCHKOEBEL)
    assert organisation is not None
    application = svc.start_application(call=call, organisation=organisation, actor=actor, title="Digitales Rathaus")
    next_year = timezone.localdate().year + 1
    svc.add_measure(
        application=application, actor=actor,
        measure=svc.MeasureInput(
            category=MeasureCategory.objects.get(code="website"), title="Neuer Internetauftritt", description="",
            planned_costs_amount=Decimal("20000.00"), starts_on=date(next_year, 1, 1), ends_on=date(next_year, 6, 30),
        ),
    )  # fmt: skip
    return svc.update_financing_plan(
        application=application, actor=actor, title="Digitales Rathaus", summary="",
        own_share_amount=Decimal("5000.00"), third_party_amount=Decimal(0), requested_amount=Decimal("15000.00"),
        has_not_begun=True,
    )  # fmt: skip


@pytest.fixture
def submitted(open_call, municipal_applicant, municipal_signatory) -> Application:
    application = draft_application(open_call, municipal_applicant)
    svc.submit_application(application=application, actor=municipal_signatory)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    return application


def application_path(application: Application) -> str:
    return f"/foerderung/antraege/{application.public_id}/"


# The ministry


def test_programme_pages_are_accessible(page: Page, check_page, log_in_with_code, programme_manager, draft_call):
    programme = draft_call.programme
    log_in_with_code(page, programme_manager)

    page.goto("/foerderung/")
    expect(page.get_by_role("heading", level=1)).to_have_text(german(_("Grant programmes")))
    expect(page.get_by_role("link", name=draft_call.name)).to_be_visible()
    check_page(page)

    page.goto(f"/foerderung/programme/{programme.public_id}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(programme.name)
    expect(page.locator("main form.kp-inline-form")).to_have_count(5)  # one budget per year
    check_page(page)

    page.goto("/foerderung/programme/neu/")
    check_page(page)
    page.fill("#id_legal_basis", "")
    with page.expect_navigation():
        button(page, _("Save")).click()
    expect(page).to_have_url(re.compile(r"/foerderung/programme/neu/$"))
    expect(page.locator("#id_name")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("main .kern-error").first).to_be_visible()
    check_page(page)

    page.goto(f"/foerderung/programme/{programme.public_id}/aufruf/neu/")
    expect(page.get_by_role("group", name=german(_("Eligible applicants")))).to_be_visible()
    check_page(page)


def test_call_preview_of_all_envelopes_is_accessible(
    page: Page, check_page, log_in_with_code, programme_manager, draft_call
):
    log_in_with_code(page, programme_manager)

    page.goto(f"/foerderung/aufrufe/{draft_call.public_id}/")

    expect(page.get_by_role("heading", name=german(_("Preview of the envelopes")))).to_be_visible()
    expect(page.locator("main table tbody tr")).to_have_count(COMMUNES)
    expect(button(page, _("Publish envelopes"))).to_be_visible()
    check_page(page)


def test_review_queue_and_a_prepared_decision_are_accessible(
    page: Page, check_page, log_in_with_code, programme_manager, reviewer, submitted
):
    log_in_with_code(page, programme_manager)

    page.goto("/foerderung/pruefung/")
    queue = page.get_by_role("table", name=german(_("Applications")))
    expect(queue.get_by_role("link", name=submitted.reference)).to_be_visible()
    expect(queue).to_contain_text(german(ApplicationStatus.SUBMITTED.label))
    check_page(page)

    svc.prepare_decision(application=submitted, actor=reviewer, kind=DecisionKind.APPROVAL)
    page.goto(application_path(submitted))
    expect(page.get_by_role("heading", name=german(_("Prepared decision")))).to_be_visible()
    expect(button(page, _("Release the decision"))).to_be_visible()
    expect(button(page, _("Send back to the review"))).to_be_visible()
    check_page(page)


def test_application_under_review_is_accessible(page: Page, check_page, log_in_with_code, reviewer, submitted):
    log_in_with_code(page, reviewer)

    page.goto(application_path(submitted))

    expect(page.get_by_role("heading", name=german(_("Review")), exact=True)).to_be_visible()
    expect(button(page, _("Record"))).to_be_visible()
    expect(button(page, _("Return to the commune"))).to_be_visible()
    expect(button(page, _("Prepare"))).to_be_visible()
    check_page(page)


# The commune


def test_commune_overview_and_draft_are_accessible(page: Page, check_page, log_in, commune_applicant, open_call):
    log_in(page, commune_applicant)

    page.goto("/foerderung/")
    expect(page.get_by_role("heading", level=1)).to_have_text(german(_("Our grants")))
    expect(button(page, _("Start an application"))).to_be_visible()
    check_page(page)

    application = draft_application(open_call, commune_applicant)
    page.goto(application_path(application))
    expect(page.get_by_role("heading", name=german(_("Edit the draft")))).to_be_visible()
    expect(button(page, _("Save the plan"))).to_be_visible()
    expect(button(page, _("Add"))).to_be_visible()
    expect(button(page, _("Submit the application"))).to_have_count(0)
    check_page(page)


def test_draft_as_signatory_is_accessible(
    page: Page, check_page, log_in, municipal_applicant, municipal_signatory, open_call
):
    application = draft_application(open_call, municipal_applicant)
    log_in(page, municipal_signatory)

    page.goto(application_path(application))

    expect(button(page, _("Save the plan"))).to_be_visible()
    expect(button(page, _("Submit the application"))).to_be_visible()
    check_page(page)


# The journey


def test_commune_drafts_and_the_signatory_submits_an_application(
    page: Page, log_in, commune_applicant, municipal_signatory, open_call
):
    log_in(page, commune_applicant)
    page.goto("/foerderung/")
    start = page.locator(f"form[action='/foerderung/aufrufe/{open_call.public_id}/antrag/']")
    start.get_by_label(german(_("Title of the application"))).fill("Digitales Bürgerbüro")
    with page.expect_navigation():
        start.get_by_role("button", name=german(_("Start an application"))).click()

    expect(page).to_have_url(re.compile(r"/foerderung/antraege/[0-9a-f-]+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Digitales Bürgerbüro")
    expect(page.locator("main .kern-badge--info")).to_have_text(german(ApplicationStatus.DRAFT.label))
    next_year = timezone.localdate().year + 1

    measure = page.locator("form[action$='/massnahmen/']")
    measure.locator("[name=category]").select_option(label=MeasureCategory.objects.get(code="website").name)
    measure.locator("[name=title]").fill("Online-Terminvergabe")
    measure.locator("[name=planned_costs_amount]").fill("20000.00")
    measure.locator("[name=starts_on]").fill(date(next_year, 1, 1).isoformat())
    measure.locator("[name=ends_on]").fill(date(next_year, 6, 30).isoformat())
    with page.expect_navigation():
        measure.get_by_role("button", name=german(_("Add"))).click()
    expect(page.get_by_role("table", name=german(_("Measures")))).to_contain_text("Online-Terminvergabe")
    expect(page.locator("main")).to_contain_text(german(_("The measure is added.")))

    plan = page.locator("form[action$='/plan/']")
    plan.locator("[name=requested_amount]").fill("15000.00")
    plan.locator("[name=own_share_amount]").fill("5000.00")
    plan.locator("[name=third_party_amount]").fill("0")
    plan.locator("[name=has_not_begun]").check()
    with page.expect_navigation():
        plan.get_by_role("button", name=german(_("Save the plan"))).click()
    expect(page.locator("main")).to_contain_text(german(_("The financing plan is saved.")))
    expect(page.locator("#pruefungen .kern-badge--danger")).to_have_count(0)
    expect(button(page, _("Submit the application"))).to_have_count(0)
    draft_url = page.url

    page.context.clear_cookies()
    log_in(page, municipal_signatory)
    page.goto(draft_url)
    with page.expect_navigation():
        button(page, _("Submit the application")).click()

    expect(page.locator("main .kern-badge--info")).to_have_text("Eingereicht")
    submitted = german(_("The application is submitted. The receipt is listed under versions."))
    expect(page.locator("main [role=status]").first).to_have_text(submitted)
    expect(page.get_by_role("heading", name=german(_("Submitted versions")))).to_be_visible()
    application = Application.objects.get(title="Digitales Bürgerbüro")
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.submitted_by == municipal_signatory
