"""The grants tests' set-up for the API, callers per persona (by token or by session) and more grants on demand."""

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import Client
from knox.models import AuthToken

from conftest import _person, current_code
from kommunalportal.accounts.models import User
from kommunalportal.accounts.policies import is_ministry_user
from kommunalportal.accounts.roles import Role
from kommunalportal.grants import applications as svc
from kommunalportal.grants import payments
from kommunalportal.grants.models import Application, Call, MeasureCategory
from kommunalportal.grants.services import create_call, create_programme, publish_call, publish_envelopes
from kommunalportal.grants.tests import conftest as grants
from kommunalportal.grants.tests.test_services import formula_settings
from kommunalportal.organisations.models import Organisation

call = grants.call
bruchkoebel = grants.bruchkoebel
submitted = grants.submitted
grant = grants.grant
account = grants.account
approved = grants.approved
second_officer = grants.second_officer
rates_up_to_today = grants.rates_up_to_today
phase_one = grants.phase_one
paid = grants.paid
shortfall = grants.shortfall
hearing = grants.hearing
issued = grants.issued

# The personas of the root conftest, by what they may see.
OWN_COMMUNE = ("municipal_applicant", "municipal_signatory", "clerk", "service_designer")  # Bruchköbel
OTHER_COMMUNE = ("other_commune_applicant",)  # Ronneburg
MINISTRY = ("programme_manager", "reviewer", "payment_officer", "auditor")

# Communes that get a grant of their own when a test needs more data (Ronneburg, Hanau, Offenbach am Main).
MORE_COMMUNES = ("06435024", "06435014", "06413000")


@pytest.fixture(autouse=True)
def fresh_request_counts():
    """Every test starts with no requests counted against the rate limits (kept in the default cache)."""
    cache.clear()
    yield
    cache.clear()


def token_client(user: User) -> Client:
    """A caller presenting a token of the person, as a script would (made directly: the service is tested on its
    own, and some personas would need a session with the second factor to issue one)."""
    _, key = AuthToken.objects.create(user=user)
    return Client(headers={"authorization": f"Token {key}"})


def session_client(user: User) -> Client:
    """A caller signed in on the portal (ministry staff with the second factor passed)."""
    client = Client()
    client.force_login(user)
    if is_ministry_user(user):
        assert client.post("/zwei-faktor/", {"token": current_code(user)}).status_code == 302
    return client


@pytest.fixture
def as_persona(request) -> Callable[[str], Client]:
    """A token client for the persona fixture of that name."""
    return lambda persona: token_client(request.getfixturevalue(persona))


def grant_for(call: Call, key: str, reviewer: User, programme_manager: User) -> Application:
    """Another commune's application, submitted and granted (7,500.00 € of 10,000.00 € costs)."""
    organisation = Organisation.objects.get(key=key)
    applicant = _person(f"applicant_{key}", Role.MUNICIPAL_APPLICANT, key)
    signatory = _person(f"signatory_{key}", Role.MUNICIPAL_SIGNATORY, key)
    application = grants.draft(call, organisation, applicant, costs="10000.00", requested="7500.00", own="2500.00")
    svc.submit_application(application=application, actor=signatory, today=grants.IN_TIME)
    application.refresh_from_db()
    return grants.granted(application, reviewer, programme_manager)


def drawdown_for(application: Application, payment_officer: User) -> None:
    """The commune's account confirmed and one drawdown requested (3,000.00 € of 4,000.00 € expenses)."""
    signatory = User.objects.get(username=f"signatory_{application.organisation.key}")
    proposed = payments.propose_payee_account(
        organisation=application.organisation, actor=signatory, holder="Gemeindekasse", iban=grants.IBAN, bic=""
    )
    payments.confirm_payee_account(account=proposed, actor=payment_officer)
    grants.request(application, signatory)


@pytest.fixture
def more_grants(call, reviewer, programme_manager, payment_officer) -> Callable[[], list[Application]]:
    """Grants (each with a drawdown) for three more communes, made when the test asks."""

    def make() -> list[Application]:
        made = []
        for key in MORE_COMMUNES:
            application = grant_for(call, key, reviewer, programme_manager)
            drawdown_for(application, payment_officer)
            made.append(application)
        return made

    return make


def second_programme(programme_manager: User, *, publish: bool = True) -> Call:
    """Another programme with one call, published or left as a draft."""
    programme = create_programme(
        actor=programme_manager, code="DIG", name="Digitale Dörfer", legal_basis="§ 44 LHO",
        starts_on=date(2021, 1, 1), ends_on=date(2022, 12, 31), year_budgets={2021: Decimal("1000000.00")},
    )  # fmt: skip
    settings = formula_settings(
        name="Digitale Dörfer 2021", budget_amount=Decimal("500000.00"), opens_on=date(2021, 3, 1),
        deadline_on=date(2021, 5, 31), proof_of_use_due_on=date(2022, 12, 31),
        categories=MeasureCategory.objects.filter(code="e-file"), floor_amount=Decimal("0.00"),
    )  # fmt: skip
    new = create_call(programme=programme, year=2021, settings=settings, actor=programme_manager)
    if publish:
        publish_envelopes(call=new, actor=programme_manager)
        new = publish_call(call=new, actor=programme_manager)
    return new
