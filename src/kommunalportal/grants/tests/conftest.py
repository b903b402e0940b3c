"""Fixtures of the grants tests: the 2020 call, a drafted and a submitted application."""

from datetime import date
from decimal import Decimal
from importlib import import_module

import pytest

from conftest import _person
from kommunalportal.accounts.roles import Role
from kommunalportal.grants import applications as svc
from kommunalportal.grants import payments
from kommunalportal.grants.models import DecisionKind, MeasureCategory
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
