"""The grants tests' set-up for the open data, and a realistic set of awards: Bruchköbel's grant paid out, and
grants to Ronneburg, Frankfurt and the Main-Kinzig-Kreis with amounts in cents."""

from datetime import date
from decimal import Decimal

import pytest

from conftest import _person
from kommunalportal.accounts.roles import Role
from kommunalportal.grants import applications as svc
from kommunalportal.grants.models import Application
from kommunalportal.grants.services import create_call, create_programme
from kommunalportal.grants.tests import conftest as grants
from kommunalportal.grants.tests.conftest import IN_TIME, draft, granted
from kommunalportal.grants.tests.test_services import formula_settings
from kommunalportal.organisations.models import Organisation

call = grants.call
bruchkoebel = grants.bruchkoebel
submitted = grants.submitted
grant = grants.grant
account = grants.account
second_officer = grants.second_officer
rates_up_to_today = grants.rates_up_to_today
phase_one = grants.phase_one
paid = grants.paid
shortfall = grants.shortfall
hearing = grants.hearing
issued = grants.issued

RONNEBURG = "06435024"
FRANKFURT = "06412000"  # a district-free city
MAIN_KINZIG = "06435"  # the district of Bruchköbel and Ronneburg


def award_to(call, key: str, reviewer, programme_manager, *, requested: str = "7333.33") -> Application:
    """A granted application of the commune with this key: its own applicant and signatory, 10,000.00 € costs."""
    commune = Organisation.objects.get(key=key)
    applicant = _person(f"applicant_{key}", Role.MUNICIPAL_APPLICANT, key)
    signatory = _person(f"signatory_{key}", Role.MUNICIPAL_SIGNATORY, key)
    own = str(Decimal("10000.00") - Decimal(requested))
    application = draft(call, commune, applicant, costs="10000.00", requested=requested, own=own)
    svc.submit_application(application=application, actor=signatory, today=IN_TIME)
    application.refresh_from_db()
    return granted(application, reviewer, programme_manager)


@pytest.fixture
def awarded(paid, call, reviewer, programme_manager) -> list[Application]:
    """Four awards in the 2020 call: Bruchköbel's (paid), Ronneburg's, Frankfurt's and the district's."""
    return [
        paid,
        award_to(call, RONNEBURG, reviewer, programme_manager, requested="7333.33"),
        award_to(call, FRANKFURT, reviewer, programme_manager, requested="7499.99"),
        award_to(call, MAIN_KINZIG, reviewer, programme_manager, requested="7000.01"),
    ]


@pytest.fixture
def unpublished(call, programme_manager):
    """What the public must not see: a draft call of the same programme, and a programme with only a draft call."""
    draft_call = create_call(
        programme=call.programme, year=2021, actor=programme_manager,
        settings=formula_settings(name="Phase 2: Entwurf", opens_on=date(2021, 7, 1), deadline_on=date(2021, 8, 31)),
    )  # fmt: skip
    hidden = create_programme(
        actor=programme_manager, code="GEHEIM", name="Noch nicht veröffentlichtes Programm",
        legal_basis="§ 44 LHO", starts_on=date(2022, 1, 1), ends_on=date(2023, 12, 31),
        year_budgets={2022: Decimal("1000000.00"), 2023: Decimal("1000000.00")},
    )  # fmt: skip
    hidden_call = create_call(
        programme=hidden, year=2022, actor=programme_manager,
        settings=formula_settings(name="Geheimer Aufruf", budget_amount=Decimal("500000.00"),
                                  opens_on=date(2022, 7, 1), deadline_on=date(2022, 8, 31),
                                  proof_of_use_due_on=date(2023, 12, 31)),
    )  # fmt: skip
    return draft_call, hidden, hidden_call
