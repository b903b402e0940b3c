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
from kommunalportal.core import clock
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


@dataclass(frozen=True)
class Draft:
    application: Application
    signatory: User
    submitted_on: date


def draft_for_envelope(
    envelope: Envelope, signatory: User, rng: random.Random, categories: list[MeasureCategory]
) -> Draft:
    """One commune drafts an application for its whole envelope at the call's funding rate, with 1 to 3 measures."""
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
    return Draft(application, signatory, submitted_on)


def draft_round(call: Call, *, seed: int = 2020) -> list[Draft]:
    """Every commune drafts its application (the communes' data entry, over the weeks before the deadline)."""
    rng = random.Random(seed)  # noqa: S311  (reproducible demo data, not security)
    categories = list(call.categories.order_by("position"))
    return [
        draft_for_envelope(envelope, signatory_for(envelope.organisation), rng, categories)
        for envelope in call.envelopes.select_related("organisation", "call").order_by("organisation__key")
    ]


def submit_drafts(drafts: list[Draft]) -> list[Application]:
    """Each commune's signatory submits its draft on its day (its history and messages dated that day)."""
    for draft in drafts:
        with clock.replaying(clock.noon(draft.submitted_on)):
            svc.submit_application(application=draft.application, actor=draft.signatory, today=draft.submitted_on)
    return [draft.application for draft in drafts]


def submit_round(call: Call, *, seed: int = 2020) -> list[Application]:
    return submit_drafts(draft_round(call, seed=seed))


# 2020: deadline 31 August; the review prepared the approvals a week later, the Bescheide went out a week after.
PREPARED_AFTER_DEADLINE, RELEASED_AFTER_DEADLINE = timedelta(days=7), timedelta(days=14)


def decide_round(call: Call, *, reviewer: User, releaser: User) -> int:
    """The ministry approves every application as requested, in bulk and with four eyes, within weeks."""
    pending = Application.objects.filter(call=call, status="submitted").order_by("reference")
    prepared_on = call.deadline_on + PREPARED_AFTER_DEADLINE
    with clock.replaying(clock.noon(prepared_on)):
        svc.prepare_approvals_in_bulk(applications=pending, actor=reviewer, on=prepared_on)
    return release_round(call, releaser=releaser)


def release_round(call: Call, *, releaser: User) -> int:
    decisions = GrantDecision.objects.filter(
        application__call=call, released_at__isnull=True, is_withdrawn=False
    ).select_related("application")
    on = call.deadline_on + RELEASED_AFTER_DEADLINE
    with clock.replaying(clock.noon(on)):
        return len(svc.release_decisions_in_bulk(decisions=decisions, actor=releaser, on=on).done)


# Phase 2: the competitive call of 2021 with joint projects under review by the jury.
JOINT_PROJECTS = [
    ("06412000", ["06413000"], "Gemeinsames Serviceportal Rhein-Main", "1800000.00", "online-services"),
    ("06435006", ["06435024", "06435"], "Interkommunale E-Akte Main-Kinzig", "650000.00", "e-file"),
    ("06631009", ["06631017", "06631020"], "Digitale Bauakte Region Fulda", "420000.00", "specialist-applications"),
    ("06611000", ["06633008"], "Digitalstrategie Kassel und Umland", "180000.00", "strategy"),
]
JURY_CRITERIA = [
    ("Nutzen für Bürgerinnen, Bürger und Unternehmen", Decimal(3)),
    ("Interkommunale Zusammenarbeit und Übertragbarkeit", Decimal(2)),
    ("Wirtschaftlichkeit und Umsetzungsreife", Decimal(2)),
]


def submit_joint_projects(call: Call, *, manager: User, jurors: list[User]) -> list[Application]:
    """Four joint projects, submitted in the call's period and partly scored by the jury."""
    from kommunalportal.grants import competition
    from kommunalportal.organisations.models import Organisation

    competition.set_criteria(call=call, actor=manager, criteria=JURY_CRITERIA)
    criteria = list(call.criteria.all())
    submitted_on = call.opens_on + timedelta(days=30)
    applications = []
    for n, (lead_key, partner_keys, title, requested, category) in enumerate(JOINT_PROJECTS):
        lead = Organisation.objects.get(key=lead_key)
        signatory = signatory_for(lead)
        requested_amount = Decimal(requested)
        total = (requested_amount / (call.funding_rate or Decimal(1))).quantize(Decimal("0.01"), rounding=ROUND_UP)
        application = svc.start_application(
            call=call, organisation=lead, actor=signatory, title=title, today=submitted_on
        )
        svc.add_measure(
            application=application, actor=signatory,
            measure=svc.MeasureInput(
                category=MeasureCategory.objects.get(code=category), title=title, description="",
                planned_costs_amount=total, starts_on=date(call.deadline_on.year, 10, 1),
                ends_on=date(call.deadline_on.year + 2, 9, 30),
            ),
        )  # fmt: skip
        share = (Decimal("0.6") / len(partner_keys)).quantize(Decimal("0.0001"))
        for key in partner_keys:
            competition.add_partner(
                application=application,
                actor=signatory,
                organisation=Organisation.objects.get(key=key),
                share_rate=share,
            )
        svc.update_financing_plan(
            application=application, actor=signatory, title=title, summary="",
            own_share_amount=total - requested_amount, third_party_amount=Decimal(0),
            requested_amount=requested_amount, has_not_begun=True,
        )  # fmt: skip
        svc.submit_application(application=application, actor=signatory, today=submitted_on)
        # The jury is at work: the first projects are scored by everyone, the last one not yet.
        scoring = [] if n == len(JOINT_PROJECTS) - 1 else jurors[: len(jurors) - n // 2]
        for juror in scoring:
            competition.score_application(
                application=application, juror=juror,
                scores={c.pk: 9 - n - position for position, c in enumerate(criteria)},
            )  # fmt: skip
        applications.append(application)
    return applications
