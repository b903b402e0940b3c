"""The money after the Bescheid in the browser, every step through the forms of the portal, with axe-core on
every page the journey passes.

The commune's signatory requests funds; a reviewer approves the request; one payment officer puts it into a
payment run, a second one releases it, and the SEPA file it yields validates; the treasury's outcome is
recorded. The signatory submits the proof of use, whose actual costs fall short of the plan; the reviewer
settles it and starts the recovery of the overpayment; the commune states its view, a second person issues
the recovery decision and a payment officer records the repayment with its interest under § 49a VwVfG.
Only the granted application, the commune's confirmed account, the people and the table of base rates are
set up beforehand, through the services; the one step outside the browser moves the day of payment back, so
that interest has days to run by the repayment of today.
"""

import importlib
import re
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import xmlschema
from django.apps import apps as django_apps
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from playwright.sync_api import Browser, Locator, Page, expect

from kommunalportal.core.money import format_amount
from kommunalportal.grants import proofs
from kommunalportal.grants.models import Drawdown, PaymentRun, ProofOfUse, Recovery
from kommunalportal.grants.sepa import parse_transfers
from kommunalportal.grants.tests import conftest as grants_fixtures
from kommunalportal.grants.tests.test_sepa import XSD as PAIN_001_XSD
from kommunalportal.grants.workflow import DrawdownStatus, PaymentRunStatus, ProofStatus, RecoveryStatus

from .pages import button, german

pytestmark = pytest.mark.e2e

# The grants tests' set-up: Bruchköbel's application of the 2020 call granted (15.000,00 € at 75 % of
# 20.000,00 € planned costs), the commune's account confirmed, a second payment officer, base rates up to today.
call = grants_fixtures.call
bruchkoebel = grants_fixtures.bruchkoebel
submitted = grants_fixtures.submitted
grant = grants_fixtures.grant
account = grants_fixtures.account
second_officer = grants_fixtures.second_officer
rates_up_to_today = grants_fixtures.rates_up_to_today

EXPENSES = "20.000,00"  # the whole planned costs: 75 % of them is the whole grant
DRAWN = Decimal("15000.00")
ACTUAL_COSTS = "18.000,00"  # 2.000,00 € below the plan: 13.500,00 € justified
OWN_SHARE = "4.500,00"
SHORTFALL = Decimal("1500.00")
# The treasury paid this many days before the proof of use: interest needs days to run, and a browser test
# cannot wait for them (a payment run is executed today at the earliest, a repayment recorded today at the latest).
DAYS_SINCE_PAYMENT = 200

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# Every page the journey passes, each checked by axe-core in every state the journey shows it in.
PAGES = {
    "/foerderung/geld/",
    "/foerderung/antraege/<id>/mittelabruf/",
    "/foerderung/mittelabrufe/",
    "/foerderung/zahlungslaeufe/<id>/",
    "/foerderung/antraege/<id>/verwendungsnachweis/",
    "/foerderung/verwendungsnachweise/",
    "/foerderung/verwendungsnachweise/<id>/",
    "/foerderung/antraege/<id>/rueckforderung/",
    "/foerderung/rueckforderungen/",
    "/foerderung/rueckforderungen/<id>/",
    "/foerderung/basiszinssaetze/",
}


@pytest.fixture(autouse=True)
def published_base_rates(registry: None) -> None:
    """The Bundesbank's rates that a migration seeds and the flush after every browser test empties; the
    grants tests' `rates_up_to_today` completes the table from them."""
    migration = importlib.import_module("kommunalportal.grants.migrations.0011_published_base_rates")
    migration.add_base_rates(django_apps, None)


@pytest.fixture
def browser_of(browser: Browser, live_server: Any) -> Iterator[Callable[[], Page]]:
    """A tab in a browser context of its own: each person works in a browser of their own and signs in once
    (a second sign-in of the same person within 30 seconds would reuse the authenticator's code)."""
    contexts = []

    def open_page() -> Page:
        context = browser.new_context(base_url=live_server.url)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def euro(amount: Decimal) -> str:
    """An amount as the German pages show it: 1.500,00 €."""
    with translation.override("de"):
        return format_amount(amount)


def german_format(message: object, **values: object) -> str:
    """A message with placeholders as the German page shows it."""
    return german(message) % values


def short_date(day: date) -> str:
    with translation.override("de"):
        return date_format(day, "SHORT_DATE_FORMAT")


def heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def success(page: Page) -> Locator:
    return page.locator("main .kern-alert--success[role=status]")


def definition(page: Page, term: object) -> Locator:
    """The value of one entry of the page's description list."""
    item = page.locator("main .kern-description-list-item").filter(
        has=page.locator("dt", has_text=re.compile(rf"^{re.escape(german(term))}$"))
    )
    return item.locator("dd")


def submit(page: Page, label: object, scope: Page | Locator | None = None) -> None:
    """Press the button and wait for the page the form leads to."""
    target = (scope or page).get_by_role("button", name=german(label), exact=True)
    with page.expect_navigation():
        target.click()


def follow(page: Page, link: Locator) -> None:
    with page.expect_navigation():
        link.click()


def test_the_money_from_the_drawdown_to_the_repaid_recovery_with_interest(
    browser_of,
    log_in,
    log_in_with_code,
    check_accessibility,
    grant,
    account,
    rates_up_to_today,
    municipal_signatory,
    reviewer,
    payment_officer,
    second_officer,
    programme_manager,
):
    today = timezone.localdate()
    checked: set[str] = set()

    def check(page: Page) -> None:
        """axe-core, and every id only once (of two controls with one id, the second has no label)."""
        check_accessibility(page)
        ids = page.evaluate("() => [...document.querySelectorAll('[id]')].map((element) => element.id)")
        assert len(ids) == len(set(ids)), f"ids used more than once on {page.url}: {sorted(ids)}"
        checked.add(re.sub(UUID, "<id>", urlsplit(page.url).path))

    # 1. The signatory requests the funds of the whole planned costs.
    commune = browser_of()
    log_in(commune, municipal_signatory)
    navigation = commune.get_by_role("navigation", name=german(_("Main navigation")))
    follow(commune, navigation.get_by_role("link", name=german(_("Grant funds")), exact=True))
    expect(commune).to_have_url(re.compile(r"/foerderung/geld/$"))
    expect(heading(commune)).to_have_text(german(_("Our grant funds")))
    ledger = commune.get_by_role("table", name=german(_("Grant funds")))
    expect(ledger.get_by_role("row").filter(has_text=grant.reference)).to_contain_text(euro(DRAWN))
    check(commune)

    follow(commune, ledger.get_by_role("link", name=f"{german(_('Request funds'))} ({grant.reference})"))
    expect(heading(commune)).to_have_text(f"{german(_('Request funds'))}: {grant.reference}")
    check(commune)
    commune.get_by_label(german(_("Expenses due within the drawdown window (€)"))).fill(EXPENSES)
    commune.get_by_label(german(_("What the funds are for"))).fill("E-Akte: Lizenzen und Einführung")
    window = german_format(
        _("The funds will be spent within %(days)s days of payment."), days=grant.call.drawdown_window_days
    )
    commune.get_by_label(window).check()
    submit(commune, _("Request funds"), commune.locator("main form"))

    drawdown = Drawdown.objects.get(application=grant)
    assert drawdown.amount == DRAWN and drawdown.expenses_amount == Decimal("20000.00")
    expect(commune).to_have_url(re.compile(r"/foerderung/geld/$"))
    expect(success(commune)).to_contain_text(drawdown.reference)
    expect(commune.locator("main li").filter(has_text=drawdown.reference)).to_contain_text(euro(DRAWN))

    # 2. The reviewer approves the request.
    ministry = browser_of()
    log_in_with_code(ministry, reviewer)
    ministry.goto("/foerderung/mittelabrufe/")
    expect(heading(ministry)).to_have_text(german(_("Drawdowns")))
    requested = (
        ministry.get_by_role("table", name=german(_("Requests to decide")))
        .get_by_role("row")
        .filter(has_text=drawdown.reference)
    )
    expect(requested).to_contain_text(euro(DRAWN))
    check(ministry)
    submit(ministry, _("Approve"), requested)
    expect(success(ministry)).to_have_text(
        german_format(_("Drawdown %(reference)s approved."), reference=drawdown.reference)
    )

    # 3. Payment officer 1 puts it into a payment run, payment officer 2 releases the run.
    officer = browser_of()
    log_in_with_code(officer, payment_officer)
    officer.goto("/foerderung/mittelabrufe/")
    pool = officer.get_by_role("group", name=german(_("Drawdowns for the payment run")))
    expect(pool.get_by_role("checkbox", name=re.compile(re.escape(drawdown.reference)))).to_be_checked()
    expect(officer.get_by_label(german(_("Execution date")))).to_have_value(today.isoformat())
    check(officer)
    submit(officer, _("Put together a payment run"))
    run = PaymentRun.objects.get()
    expect(officer).to_have_url(re.compile(rf"/foerderung/zahlungslaeufe/{run.public_id}/$"))
    expect(heading(officer)).to_have_text(f"{german(_('Payment run'))} {run.reference}")
    expect(definition(officer, _("Total"))).to_have_text(euro(DRAWN))
    expect(officer.get_by_text(german(_("A second payment officer releases this run.")))).to_be_visible()
    check(officer)
    run_path = f"/foerderung/zahlungslaeufe/{run.public_id}/"

    releaser = browser_of()
    log_in_with_code(releaser, second_officer)
    releaser.goto(run_path)
    submit(releaser, _("Release the payment run (second person)"))
    expect(success(releaser)).to_have_text(german(_("Payment run released; the SEPA file is ready.")))
    run.refresh_from_db()
    assert run.status == PaymentRunStatus.RELEASED
    check(releaser)

    # The SEPA file: downloaded by clicking its link, pain.001.001.09 that validates, with the transfer and the
    # control sum.
    run.refresh_from_db()
    sepa_link = definition(releaser, _("SEPA file")).get_by_role("link", name=f"{run.file.title}.xml")
    with releaser.expect_download() as download_info:
        sepa_link.click()
    download = download_info.value
    assert download.suggested_filename == f"{run.file.title}.xml"
    xml = Path(download.path()).read_bytes()
    schema = xmlschema.XMLSchema(PAIN_001_XSD)
    schema.validate(xml.decode())
    assert parse_transfers(xml) == [(run.items.get().end_to_end_id, grants_fixtures.IBAN, DRAWN)]
    document = schema.to_dict(xml.decode())
    header = document["CstmrCdtTrfInitn"]["GrpHdr"]
    assert Decimal(str(header["CtrlSum"])) == DRAWN == run.control_sum
    assert header["NbOfTxs"] == "1"

    # Payment officer 1 records the treasury's outcome: every transfer paid.
    officer.goto(run_path)
    submit(officer, _("Record the treasury's outcome"))
    expect(success(officer)).to_have_text(german(_("The outcome of the payment run is recorded.")))
    expect(definition(officer, _("Status"))).to_have_text(german(PaymentRunStatus.PAID.label))
    check(officer)
    drawdown.refresh_from_db()
    assert drawdown.status == DrawdownStatus.PAID and drawdown.paid_on == today

    # The treasury's execution moves back in time, so that interest has days to run (see DAYS_SINCE_PAYMENT).
    paid_on = today - timedelta(days=DAYS_SINCE_PAYMENT)
    Drawdown.objects.filter(pk=drawdown.pk).update(paid_on=paid_on)
    PaymentRun.objects.filter(pk=run.pk).update(execution_on=paid_on)

    # 4. The signatory submits the proof of use: 2.000,00 € less spent than planned.
    commune.goto("/foerderung/geld/")
    follow(commune, commune.get_by_role("link", name=f"{german(_('Proof of use'))} ({grant.reference})"))
    expect(commune).to_have_url(re.compile(rf"/foerderung/antraege/{grant.public_id}/verwendungsnachweis/$"))
    check(commune)
    measure = grant.measures.get()
    commune.get_by_label(german(_("Factual report (Sachbericht): what was done and what it achieved"))).fill(
        grants_fixtures.REPORT
    )
    costs = commune.get_by_role("group", name=german(_("Actual costs per measure (€)")))
    costs.get_by_label(re.compile(rf"^{re.escape(measure.title)} ")).fill(ACTUAL_COSTS)
    commune.get_by_label(german(_("Own share spent (€)"))).fill(OWN_SHARE)
    expect(commune.get_by_label(german(_("Third-party funds received (€)")))).to_have_value("0,00")
    submit(commune, _("Submit the proof of use"))
    proof = ProofOfUse.objects.get(application=grant)
    expect(commune).to_have_url(re.compile(rf"/foerderung/verwendungsnachweise/{proof.public_id}/$"))
    expect(success(commune)).to_have_text(german(_("The proof of use is submitted; the ministry reviews it.")))
    check(commune)

    # 5. The reviewer settles the proof and starts the recovery of the overpayment.
    ministry.goto("/foerderung/verwendungsnachweise/")
    waiting = ministry.get_by_role("table", name=german(_("To review")))
    check(ministry)
    follow(ministry, waiting.get_by_role("link", name=grant.reference))
    expect(definition(ministry, _("Paid"))).to_have_text(euro(DRAWN))
    check(ministry)
    submit(ministry, _("Settle by the financing type"))
    proof.refresh_from_db()
    assert proof.status == ProofStatus.SHORTFALL and proof.shortfall_amount == SHORTFALL
    expect(success(ministry)).to_have_text(
        german_format(_("The proof of use is settled: %(status)s."), status=german(ProofStatus.SHORTFALL.label))
    )
    expect(definition(ministry, _("Grant justified"))).to_have_text(euro(Decimal("13500.00")))
    expect(definition(ministry, _("Shortfall"))).to_have_text(euro(SHORTFALL))
    check(ministry)

    follow(ministry, ministry.get_by_role("link", name=german(_("Start the recovery of the shortfall"))))
    expect(ministry).to_have_url(re.compile(rf"/foerderung/antraege/{grant.public_id}/rueckforderung/$"))
    expect(
        ministry.get_by_label(german(_("Amount to repay, or for Zwischenzinsen the amount used late (€)")))
    ).to_have_value("1500,00")
    expect(ministry.get_by_label(german(_("Interest from (the day of payment)")))).to_have_value(paid_on.isoformat())
    expect(ministry.get_by_label(german(_("Reasons")))).to_have_value(proof.settlement_reason)
    check(ministry)
    submit(ministry, _("Send the hearing letter"))
    recovery = Recovery.objects.get(application=grant)
    assert recovery.principal_amount == SHORTFALL and recovery.interest_from == paid_on
    expect(ministry).to_have_url(re.compile(rf"/foerderung/rueckforderungen/{recovery.public_id}/$"))
    expect(success(ministry)).to_have_text(german(_("The recovery is started; the commune has the hearing letter.")))
    check(ministry)
    recovery_path = f"/foerderung/rueckforderungen/{recovery.public_id}/"

    # 6. The commune states its view; the programme manager, a second person, issues the decision.
    commune.goto("/foerderung/rueckforderungen/")
    open_recoveries = commune.get_by_role("table", name=german(_("Open recoveries")))
    check(commune)
    follow(commune, open_recoveries.get_by_role("link", name=recovery.reference))
    check(commune)
    commune.get_by_label(german(_("The commune's view on the intended recovery"))).fill(
        "Die Minderausgaben beruhen auf einem Rabatt des Softwarehauses."
    )
    submit(commune, _("Submit the statement"))
    expect(success(commune)).to_have_text(german(_("The statement is on record.")))

    manager = browser_of()
    log_in_with_code(manager, programme_manager)
    manager.goto(recovery_path)
    check(manager)
    submit(manager, _("Issue the recovery decision"))
    recovery.refresh_from_db()
    assert recovery.status == RecoveryStatus.ISSUED
    expect(success(manager)).to_have_text(
        german_format(_("Recovery decision %(number)s issued."), number=recovery.number)
    )

    # 7. Payment officer 1 records the repayment of today; the interest is fixed.
    officer.goto(recovery_path)
    expect(officer.get_by_label(german(_("Repaid on")))).to_have_value(today.isoformat())
    check(officer)
    submit(officer, _("Record the repayment"))
    expect(success(officer)).to_have_text(german(_("The repayment is recorded; the interest is fixed.")))
    recovery.refresh_from_db()
    interest = proofs.recovery_interest(recovery, until=today)
    assert recovery.status == RecoveryStatus.REPAID and recovery.repaid_on == today
    assert recovery.interest_amount == interest.total > 0
    assert sum(period.days for period in interest.periods) == DAYS_SINCE_PAYMENT
    expect(definition(officer, _("Repaid on"))).to_have_text(short_date(today))
    stated = german_format(
        _("Interest up to the repayment on %(day)s: %(total)s."), day=short_date(today), total=euro(interest.total)
    )
    expect(officer.locator("main").get_by_text(stated)).to_be_visible()
    periods = officer.get_by_role("table", name=german(_("Interest periods")))
    expect(periods.locator("tbody tr")).to_have_count(len(interest.periods))
    expect(periods.locator("tbody tr").first).to_contain_text(short_date(paid_on))
    check(officer)

    # The lists and the table of base rates as the ministry sees them afterwards.
    officer.goto("/foerderung/rueckforderungen/")
    closed = officer.get_by_role("table", name=german(_("Repaid or dropped")))
    expect(closed.get_by_role("row").filter(has_text=recovery.number)).to_contain_text(euro(interest.total))
    check(officer)
    officer.goto("/foerderung/verwendungsnachweise/")
    reviewed = officer.get_by_role("table", name=german(_("Reviewed")))
    expect(reviewed.get_by_role("row").filter(has_text=grant.reference)).to_contain_text(euro(SHORTFALL))
    check(officer)
    officer.goto("/foerderung/basiszinssaetze/")
    expect(officer.get_by_role("table", name=german(_("Base rates")))).to_be_visible()
    expect(button(officer, _("Enter the base rate"))).to_be_visible()
    check(officer)

    assert checked == PAGES
