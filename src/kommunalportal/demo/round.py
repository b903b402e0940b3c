"""The 2020 round as it happened: every commune applies for its whole envelope and every application
is approved within weeks. Built through the same services as the pages, with a fixed random seed so
that every run produces the same mix of measures."""

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_UP, Decimal
from typing import Any

from kommunalportal.accounts.models import Membership, User
from kommunalportal.accounts.roles import Role
from kommunalportal.accounts.services import create_user, grant_membership
from kommunalportal.core.money import split_largest_remainder
from kommunalportal.grants import applications as svc
from kommunalportal.grants.models import Application, Call, Envelope, GrantDecision, MeasureCategory

MEASURE_TITLES = {
    "it-infrastructure": ["Mobile Arbeitsplätze für das Homeoffice", "Erneuerung der Serverinfrastruktur"],
    "specialist-applications": ["Fachverfahren Bauantrag", "Ratsinformationssystem"],
    "e-file": ["Einführung der E-Akte", "Digitalisierung der Bauakten"],
    "online-services": ["Online-Dienste für Bürgerinnen und Bürger", "Terminvereinbarung online"],
    "website": ["Barrierefreier Internetauftritt", "Neuer Internetauftritt mit Serviceportal"],
    "strategy": ["Digitalisierungsstrategie", "Organisationsuntersuchung digitale Prozesse"],
    "skills": ["Schulung der Beschäftigten", "Qualifizierung Digitallotsinnen und -lotsen"],
}
ROUND_ACTOR = "load_demo"


@dataclass(frozen=True)
class RoundTimes:
    applications: int
    decided: int


def signatory_for(organisation: Any) -> User:
    """The commune's authorised signatory (demo accounts without a password, so nobody signs in as them)."""
    existing = Membership.objects.filter(
        organisation=organisation, role=Role.MUNICIPAL_SIGNATORY, ended_at__isnull=True
    ).select_related("user")
    if existing:
        return existing[0].user
    username = f"zeichnung.{organisation.key}"
    user = User.objects.filter(username=username).first()
    if user is None:
        user = create_user(
            username=username, password=None, actor=ROUND_ACTOR,
            first_name="Bürgermeisterin", last_name=organisation.short_name,
        )  # fmt: skip
    grant_membership(user=user, organisation=organisation, role=Role.MUNICIPAL_SIGNATORY, actor=ROUND_ACTOR)
    return user


def apply_for_envelope(envelope: Envelope, signatory: User, rng: random.Random, categories: list[MeasureCategory]):
    """One commune applies for its whole envelope at the call's funding rate, with 1 to 3 measures."""
    call = envelope.call
    rate = call.funding_rate or Decimal(1)
    total = (envelope.amount / rate).quantize(Decimal("0.01"), rounding=ROUND_UP)
    chosen = rng.sample(categories, k=rng.randint(1, 3))
    costs = split_largest_remainder(total, {c.code: rng.randint(2, 8) for c in chosen})
    submitted_on = call.opens_on + timedelta(days=rng.randint(5, (call.deadline_on - call.opens_on).days))
    application = svc.start_application(
        call=call, organisation=envelope.organisation, actor=signatory,
        title=f"Digitales Rathaus {envelope.organisation.short_name}", today=submitted_on,
    )  # fmt: skip
    for category in chosen:
        svc.add_measure(
            application=application, actor=signatory,
            measure=svc.MeasureInput(
                category=category, title=rng.choice(MEASURE_TITLES.get(category.code, [category.name])),
                description="", planned_costs_amount=costs[category.code],
                starts_on=date(call.deadline_on.year, 10, 1), ends_on=date(call.deadline_on.year + 1, 9, 30),
            ),
        )  # fmt: skip
    svc.update_financing_plan(
        application=application, actor=signatory, title=application.title, summary="",
        own_share_amount=total - envelope.amount, third_party_amount=Decimal(0),
        requested_amount=envelope.amount, has_not_begun=True,
    )  # fmt: skip
    svc.submit_application(application=application, actor=signatory, today=submitted_on)
    return application


def submit_round(call: Call, *, seed: int = 2020) -> list[Application]:
    rng = random.Random(seed)  # noqa: S311  (reproducible demo data, not security)
    categories = list(call.categories.order_by("position"))
    applications = []
    for envelope in call.envelopes.select_related("organisation", "call").order_by("organisation__key"):
        applications.append(apply_for_envelope(envelope, signatory_for(envelope.organisation), rng, categories))
    return applications


def decide_round(call: Call, *, reviewer: User, releaser: User) -> int:
    """The ministry approves every application as requested, in bulk and with four eyes."""
    pending = Application.objects.filter(call=call, status="submitted").order_by("reference")
    svc.prepare_approvals_in_bulk(applications=pending, actor=reviewer)
    decisions = GrantDecision.objects.filter(
        application__call=call, released_at__isnull=True, is_withdrawn=False
    ).select_related("application")
    return len(svc.release_decisions_in_bulk(decisions=decisions, actor=releaser).done)
