"""A whole grant round in the browser, every step through the forms of the portal.

The programme manager sets up a programme and a formula call and opens it; the commune drafts an application,
its signatory submits it; a reviewer prepares the approval, which only a second person may release; the commune
finds the Bescheid in its inbox and downloads it. Only the people are created beforehand.
"""

import re
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from playwright.sync_api import Browser, Page, expect

from kommunalportal.grants.models import DecisionKind, MeasureCategory
from kommunalportal.grants.workflow import ApplicationStatus

from .pages import button, german

pytestmark = pytest.mark.e2e

PROGRAMME = "Digitale Kommune Hessen"
CALL = "Kontingente Digitale Kommune"
APPLICATION = "Digitales Bürgerbüro Bruchköbel"
MEASURE = "Online-Terminvergabe im Bürgerbüro"


@pytest.fixture
def another_browser(browser: Browser, live_server: Any) -> Iterator[Callable[[], Page]]:
    """A further tab in a context of its own: each person of the round works in a browser of their own."""
    contexts = []

    def open_page() -> Page:
        context = browser.new_context(base_url=live_server.url)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def released_decision(page: Page, number: str):
    """The decision's entry in the list of decisions (the history names the number too, without the PDF)."""
    pdf = page.get_by_role("link", name=german(_("Decision as PDF")))
    return page.locator("main li").filter(has_text=number).filter(has=pdf)


def status_badge(page: Page):
    return page.locator("main .kern-badge--info").first


def test_a_grant_round_from_the_programme_to_the_downloaded_decision(
    page: Page,
    another_browser,
    log_in,
    log_in_with_code,
    check_accessibility,
    programme_manager,
    reviewer,
    municipal_applicant,
    municipal_signatory,
):
    today = timezone.localdate()
    year = today.year

    # 1. The programme manager sets up the programme and the call, publishes the envelopes and opens the call.
    manager = another_browser()
    log_in_with_code(manager, programme_manager)
    manager.goto("/foerderung/programme/neu/")
    manager.fill("#id_name", PROGRAMME)
    manager.fill("#id_code", "DKH")
    manager.fill("#id_starts_on", date(year, 1, 1).isoformat())
    manager.fill("#id_ends_on", date(year + 1, 12, 31).isoformat())
    manager.fill("#id_yearly_budget", "20000000")
    with manager.expect_navigation():
        button(manager, _("Save")).click()
    expect(manager).to_have_url(re.compile(r"/foerderung/programme/[0-9a-f-]+/$"))
    expect(manager.get_by_role("heading", level=1)).to_have_text(PROGRAMME)
    expect(manager.locator("main")).to_contain_text(german(_("The programme is set up.")))

    with manager.expect_navigation():
        manager.get_by_role("link", name=german(_("New call"))).click()
    manager.fill("#id_name", CALL)
    manager.select_option("#id_year", str(year))
    manager.select_option("#id_shape", "formula")
    manager.fill("#id_budget_amount", "10000000")
    manager.fill("#id_opens_on", (today - timedelta(days=1)).isoformat())
    manager.fill("#id_deadline_on", (today + timedelta(days=30)).isoformat())
    manager.fill("#id_proof_of_use_due_on", (today + timedelta(days=365)).isoformat())
    for checkbox in [*manager.locator("[name=eligible_kinds]").all(), *manager.locator("[name=categories]").all()]:
        checkbox.check()
    expect(manager.locator("[name=categories]")).to_have_count(MeasureCategory.objects.count())
    manager.select_option("#id_financing_type", "proportional")
    manager.fill("#id_funding_percent", "90")
    manager.fill("#id_min_own_share_percent", "10")
    manager.fill("#id_floor_amount", "5000")
    manager.fill("#id_population_percent", "100")
    manager.fill("#id_capacity_percent", "0")
    with manager.expect_navigation():
        button(manager, _("Save as draft")).click()
    expect(manager).to_have_url(re.compile(r"/foerderung/aufrufe/[0-9a-f-]+/$"))
    expect(manager.get_by_role("heading", level=1)).to_have_text(CALL)
    expect(manager.locator("main")).to_contain_text(german(_("The call is saved as a draft.")))
    expect(manager.get_by_role("heading", name=german(_("Preview of the envelopes")))).to_be_visible()

    with manager.expect_navigation():
        button(manager, _("Publish envelopes")).click()
    expect(manager.get_by_role("heading", name=german(_("Envelopes")), exact=True)).to_be_visible()
    expect(button(manager, _("Publish envelopes"))).to_have_count(0)
    check_accessibility(manager)
    with manager.expect_navigation():
        button(manager, _("Open the call for applications")).click()
    expect(manager.locator("main")).to_contain_text(german(_("The call is open for applications.")))
    expect(button(manager, _("Open the call for applications"))).to_have_count(0)

    # 2. The commune starts an application for its envelope, adds a measure and a balanced plan.
    log_in(page, municipal_applicant)
    page.goto("/foerderung/")
    envelope = page.get_by_role("row").filter(has_text=CALL)
    envelope.get_by_label(german(_("Title of the application"))).fill(APPLICATION)
    with page.expect_navigation():
        envelope.get_by_role("button", name=german(_("Start an application"))).click()
    expect(page).to_have_url(re.compile(r"/foerderung/antraege/[0-9a-f-]+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(APPLICATION)
    expect(status_badge(page)).to_have_text(german(ApplicationStatus.DRAFT.label))
    application_url = page.url

    measure = page.locator("form[action$='/massnahmen/']")
    measure.locator("[name=category]").select_option(label=MeasureCategory.objects.get(code="online-services").name)
    measure.locator("[name=title]").fill(MEASURE)
    measure.locator("[name=planned_costs_amount]").fill("10000.00")
    measure.locator("[name=starts_on]").fill(date(year + 1, 1, 1).isoformat())
    measure.locator("[name=ends_on]").fill(date(year + 1, 6, 30).isoformat())
    with page.expect_navigation():
        measure.get_by_role("button", name=german(_("Add"))).click()
    expect(page.locator("main")).to_contain_text(german(_("The measure is added.")))
    expect(page.get_by_role("table", name=german(_("Measures")))).to_contain_text(MEASURE)

    plan = page.locator("form[action$='/plan/']")
    plan.locator("[name=requested_amount]").fill("9000.00")  # 90 % of the costs, far below the envelope
    plan.locator("[name=own_share_amount]").fill("1000.00")
    plan.locator("[name=third_party_amount]").fill("0")
    plan.locator("[name=has_not_begun]").check()
    with page.expect_navigation():
        plan.get_by_role("button", name=german(_("Save the plan"))).click()
    expect(page.locator("main")).to_contain_text(german(_("The financing plan is saved.")))
    checks = page.locator("#pruefungen li")
    expect(checks.first).to_be_visible()
    expect(page.locator("#pruefungen .kern-badge--danger")).to_have_count(0)
    expect(page.locator("#pruefungen .kern-badge--success")).to_have_count(checks.count())
    expect(page.locator("#pruefungen")).to_contain_text(german(_("Within the envelope")))

    # 3. The signatory submits it.
    signatory = another_browser()
    log_in(signatory, municipal_signatory)
    signatory.goto(application_url)
    with signatory.expect_navigation():
        button(signatory, _("Submit the application")).click()
    expect(status_badge(signatory)).to_have_text("Eingereicht")
    reference = signatory.locator("main .kern-subline").inner_text().split(" · ")[0]
    assert re.fullmatch(rf"DKH-{year}-\d{{4}}", reference), reference

    # 4. A reviewer finds it in the queue and prepares the approval and may not release it as well.
    review = another_browser()
    log_in_with_code(review, reviewer)
    review.goto("/foerderung/pruefung/")
    queue = review.get_by_role("table", name=german(_("Applications")))
    with review.expect_navigation():
        queue.get_by_role("link", name=reference).click()
    expect(review.get_by_role("heading", level=1)).to_have_text(APPLICATION)
    review.select_option("#entscheidung_kind", label=german(DecisionKind.APPROVAL.label))
    with review.expect_navigation():
        button(review, _("Prepare")).click()
    expect(review.locator("main")).to_contain_text(
        german(_("The decision is prepared; a second person must release it."))
    )
    prepared = review.locator("section[aria-labelledby=freigabe]")
    expect(prepared.get_by_role("heading", name=german(_("Prepared decision")))).to_be_visible()
    expect(prepared).to_contain_text(german(_("Four eyes: whoever prepared a decision cannot release it.")))
    expect(prepared).to_contain_text("Vier-Augen-Prinzip")
    expect(button(review, _("Release the decision"))).to_have_count(0)

    # 5. The programme manager, a second person, releases it: the Bescheid is numbered and issued.
    manager.goto(application_url)
    with manager.expect_navigation():
        button(manager, _("Release the decision")).click()
    expect(manager.locator("main")).to_contain_text(german(_("The decision is released.")))
    expect(status_badge(manager)).to_have_text(german(ApplicationStatus.APPROVED.label))
    number = f"ZB-{year}-0001"
    decisions = manager.get_by_role("heading", name=german(_("Decisions")), exact=True)
    expect(decisions).to_be_visible()
    decision = released_decision(manager, number)
    expect(decision).to_contain_text(german(DecisionKind.APPROVAL.label))
    expect(decision.get_by_role("link", name=german(_("Decision as PDF")))).to_have_attribute(
        "href", re.compile(r"^/dokumente/[0-9a-f-]+/$")
    )

    # 6. The commune reads the message in its inbox, opens the application and downloads the Bescheid.
    page.goto("/postfach/")
    message = page.locator("main li.kern-card").filter(has_text=number)
    expect(message.get_by_role("heading", level=2)).to_contain_text(f"Ihr Bescheid {number} wurde erlassen")
    with page.expect_navigation():
        message.get_by_role("button").click()
    expect(page).to_have_url(application_url)
    expect(status_badge(page)).to_have_text(german(ApplicationStatus.APPROVED.label))
    href = released_decision(page, number).get_by_role("link", name=german(_("Decision as PDF"))).get_attribute("href")
    assert href
    response = page.request.get(href)
    assert response.ok, response.status
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    assert re.fullmatch(r"[0-9a-f]{64}", response.headers["x-content-sha256"])
    check_accessibility(page)
