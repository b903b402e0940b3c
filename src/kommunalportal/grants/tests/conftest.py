"""Fixtures of the grants tests: the 2020 call, a drafted and a submitted application, a grant paid out, its
proof of use and its recovery."""

from datetime import date
from decimal import Decimal
from importlib import import_module

import pytest
from django.utils import timezone

from conftest import RONNEBURG, _person
from kommunalportal.accounts.roles import Role
from kommunalportal.grants import applications as svc
from kommunalportal.grants import payments, proofs
from kommunalportal.grants.models import BaseRateEntry, DecisionKind, MeasureCategory, RecoveryKind
from kommunalportal.grants.services import create_call, publish_call, publish_envelopes
from kommunalportal.organisations.models import Organisation

from .test_services import formula_settings, programme_2020

IN_TIME = date(2020, 8, 1)


def reference_data() -> None:
    """The measure categories and base rates that data migrations seed, also after a transactional test
    emptied the tables (the migrations' own functions put them back)."""
    from django.apps import apps

    for module, function in (
        ("0002_measure_categories", "add_categories"),
        ("0011_published_base_rates", "add_base_rates"),
    ):
        getattr(import_module(f"kommunalportal.grants.migrations.{module}"), function)(apps, None)


# Not a published figure: the table that the data migration seeds ends with July 2025, and interest up to
# today needs every half-year up to today; these tests enter this rate for the half-years after it.
LATER_TEST_RATE = Decimal("0.0127")


@pytest.fixture
def rates_up_to_today(db):
    """The table of base rates completed up to today's half-year, as the ministry keeps it."""
    if not MeasureCategory.objects.exists():
        reference_data()
    latest = BaseRateEntry.objects.order_by("valid_from").last()
    day = latest.valid_from if latest else date(2015, 1, 1)
    today = timezone.localdate()
    while True:
        day = date(day.year, 7, 1) if day.month < 7 else date(day.year + 1, 1, 1)
        if day > today:
            return
        BaseRateEntry.objects.create(valid_from=day, rate=LATER_TEST_RATE)


@pytest.fixture
def call(programme_manager):
    if not MeasureCategory.objects.exists():
        reference_data()
    programme = programme_2020(programme_manager)
    call = create_call(programme=programme, year=2020, settings=formula_settings(), actor=programme_manager)
    publish_envelopes(call=call, actor=programme_manager)
    return publish_call(call=call, actor=programme_manager)


@pytest.fixture
def bruchkoebel():
    return Organisation.objects.get(key="06435006")


def draft(call, organisation, actor, *, costs="20000.00", requested="15000.00", own="5000.00", today=IN_TIME):
    application = svc.start_application(
        call=call, organisation=organisation, actor=actor, title="Digitales Rathaus", today=today
    )
    svc.add_measure(
        application=application,
        actor=actor,
        measure=svc.MeasureInput(
            category=MeasureCategory.objects.get(code="e-file"), title="E-Akte einführen", description="",
            planned_costs_amount=Decimal(costs), starts_on=date(2020, 10, 1), ends_on=date(2021, 9, 30),
        ),
    )  # fmt: skip
    return svc.update_financing_plan(
        application=application, actor=actor, title="Digitales Rathaus", summary="",
        own_share_amount=Decimal(own), third_party_amount=Decimal(0), requested_amount=Decimal(requested),
        has_not_begun=True,
    )  # fmt: skip


@pytest.fixture
def submitted(call, bruchkoebel, municipal_applicant, municipal_signatory):
    application = draft(call, bruchkoebel, municipal_applicant)
    svc.submit_application(application=application, actor=municipal_signatory, today=IN_TIME)
    application.refresh_from_db()
    return application


# After the Bescheid: a grant, the commune's account, approved drawdowns, a second payment officer.

# A checksum-valid account at Landesbank Hessen-Thüringen (bank code 50050000).
IBAN = "DE02500500000001000130"


def granted(submitted, reviewer, programme_manager):
    decision = svc.prepare_decision(application=submitted, actor=reviewer, kind=DecisionKind.APPROVAL)
    svc.release_decision(decision=decision, actor=programme_manager)
    submitted.refresh_from_db()
    return submitted


@pytest.fixture
def grant(submitted, reviewer, programme_manager):
    """Bruchköbel's application granted: 15,000.00 € at 75 % of 20,000.00 € costs."""
    return granted(submitted, reviewer, programme_manager)


@pytest.fixture
def second_officer(registry):
    return _person("payment_officer_2", Role.PAYMENT_OFFICER, "06", device=True)


@pytest.fixture
def account(grant, municipal_signatory, payment_officer):
    proposed = payments.propose_payee_account(
        organisation=grant.organisation, actor=municipal_signatory, holder="Stadt Bruchköbel", iban=IBAN, bic=""
    )
    return payments.confirm_payee_account(account=proposed, actor=payment_officer)


@pytest.fixture
def approved(account, grant, municipal_signatory, reviewer):
    first = request(grant, municipal_signatory, expenses="4000.00")
    second = request(grant, municipal_signatory, expenses="2000.04")
    for drawdown in (first, second):
        payments.approve_drawdown(drawdown=drawdown, actor=reviewer)
    return [first, second]


def request(grant, signatory, expenses="4000.00", **kwargs):
    return payments.request_drawdown(
        application=grant, actor=signatory, expenses=Decimal(expenses), purpose="E-Akte: Lizenzen",
        will_spend_in_time=True, **kwargs,
    )  # fmt: skip


# A grant paid out, its proof of use and its recovery

REPORT = "Die E-Akte ist in allen Fachämtern eingeführt; 120 Beschäftigte arbeiten damit."
# The money is paid today; the recovery's dates are given explicitly, those of the worked example of the interest.
INTEREST_FROM = date(2020, 10, 15)
REPAID_ON = date(2021, 4, 15)


@pytest.fixture
def ronneburg_signatory(registry):
    return _person("ronneburg_signatory", Role.MUNICIPAL_SIGNATORY, RONNEBURG)


@pytest.fixture
def phase_one(call, bruchkoebel, municipal_applicant, municipal_signatory, reviewer, programme_manager):
    """Ronneburg's figures of phase 1 for Bruchköbel: 7,500.00 € granted at 75 % of 10,000.00 € costs."""
    application = draft(call, bruchkoebel, municipal_applicant, costs="10000.00", requested="7500.00", own="2500.00")
    svc.submit_application(application=application, actor=municipal_signatory, today=IN_TIME)
    application.refresh_from_db()
    return granted(application, reviewer, programme_manager)


@pytest.fixture
def paid(phase_one, municipal_signatory, reviewer, payment_officer, second_officer, rates_up_to_today):
    """The grant paid in full: one drawdown of 7,500.00 € (75 % of 10,000.00 € expenses), run and paid today."""
    proposed = payments.propose_payee_account(
        organisation=phase_one.organisation, actor=municipal_signatory, holder="Stadt Bruchköbel", iban=IBAN, bic=""
    )
    payments.confirm_payee_account(account=proposed, actor=payment_officer)
    drawdown = request(phase_one, municipal_signatory, expenses="10000.00")
    payments.approve_drawdown(drawdown=drawdown, actor=reviewer)
    run = payments.create_payment_run(actor=payment_officer, execution_on=timezone.localdate(), drawdowns=[drawdown])
    run = payments.release_payment_run(run=run, actor=second_officer)
    payments.record_payment_outcome(run=run, actor=payment_officer)
    assert payments.grant_position(phase_one).paid == Decimal("7500.00")
    return phase_one


def submit(application, signatory, actual="10000.00", **changes):
    values = {
        "report": REPORT,
        "actual_costs": {application.measures.get().pk: Decimal(actual)},
        "own_share": Decimal("2500.00"),
        "third_party": Decimal("0.00"),
        "receipts": "Rechnung 2020-117 Softwarehaus; Rechnung 2021-004 Schulung",
    }
    return proofs.submit_proof(application=application, actor=signatory, **{**values, **changes})


@pytest.fixture
def shortfall(paid, municipal_signatory, reviewer):
    """The proof shows 9,000.00 € actual costs: 6,750.00 € justified, 750.00 € paid too much."""
    return proofs.review_proof(proof=submit(paid, municipal_signatory, actual="9000.00"), actor=reviewer)


def start(application, actor, **changes):
    values = {
        "kind": RecoveryKind.SHORTFALL,
        "principal": Decimal("750.00"),
        "interest_from": INTEREST_FROM,
        "reason": "Die zuwendungsfähigen Ausgaben lagen mit 9.000,00 € um 1.000,00 € unter dem Finanzierungsplan.",
    }
    return proofs.start_recovery(application=application, actor=actor, **{**values, **changes})


@pytest.fixture
def hearing(shortfall, reviewer):
    return start(shortfall.application, reviewer, proof=shortfall)


@pytest.fixture
def issued(hearing, municipal_signatory, programme_manager):
    """The commune's statement on record, the decision issued by a second person and dated REPAID_ON (so that the
    interest it states is the worked example's)."""
    proofs.record_statement(
        recovery=hearing, actor=municipal_signatory, statement="Die Minderausgaben beruhen auf einem Rabatt."
    )
    return proofs.issue_recovery(recovery=hearing, actor=programme_manager, today=REPAID_ON)
