"""Competitive calls: joint projects of several communes, jury scores, ranking and funding down the ranking."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from kommunalportal.core.audit import record_event
from kommunalportal.core.errors import DomainError
from kommunalportal.core.policies import require
from kommunalportal.organisations.models import Organisation

from . import applications as svc
from . import policies
from .models import (
    Application,
    ApplicationPartner,
    Call,
    CallShape,
    DecisionKind,
    GrantDecision,
    JuryCriterion,
    JuryScore,
)
from .rules import RankedApplication, fund_down_the_ranking, rank, weighted_score
from .workflow import ApplicationStatus


@transaction.atomic
def add_partner(
    *, application: Application, actor: Any, organisation: Organisation, share_rate: Decimal
) -> ApplicationPartner:
    """Name a partner commune of a joint project with its share of the costs."""
    application = svc.lock_for_editing(application, actor)
    if application.call.shape != CallShape.COMPETITIVE:
        raise DomainError(_("Joint projects are part of competitive calls."))
    if organisation == application.organisation or application.partners.filter(organisation=organisation).exists():
        raise DomainError(_("This commune already takes part in the project."))
    if organisation.kind not in application.call.eligible_kinds:
        raise DomainError(_("This kind of commune cannot take part in this call."))
    taken = application.partners.aggregate(total=Sum("share_rate"))["total"] or Decimal(0)
    if not Decimal(0) < share_rate < 1 or taken + share_rate >= 1:
        raise DomainError(_("The partners' shares must leave a share for the lead commune."))
    partner = ApplicationPartner.objects.create(
        application=application, organisation=organisation, share_rate=share_rate
    )
    record_event(
        actor=actor, action="grants.application.partner_added", obj=application,
        after={"partner": organisation.key, "share_rate": share_rate},
    )  # fmt: skip
    return partner


@transaction.atomic
def set_criteria(*, call: Call, actor: Any, criteria: list[tuple[str, Decimal]]) -> list[JuryCriterion]:
    """Fix the jury's criteria with their weights, before the first score is given."""
    require(policies.can_manage_programmes(actor))
    if call.shape != CallShape.COMPETITIVE:
        raise DomainError(_("Only competitive calls have a jury."))
    if JuryScore.objects.filter(criterion__call=call).exists():
        raise DomainError(_("The jury has begun scoring; the criteria can no longer change."))
    if not criteria or any(weight <= 0 or not name.strip() for name, weight in criteria):
        raise DomainError(_("Every criterion needs a name and a weight above zero."))
    JuryCriterion.objects.filter(call=call).delete()
    created = [
        JuryCriterion.objects.create(call=call, name=name.strip(), weight=weight, position=n)
        for n, (name, weight) in enumerate(criteria)
    ]
    record_event(
        actor=actor, action="grants.call.criteria_set", obj=call,
        after={"criteria": [[c.name, c.weight] for c in created]},
    )  # fmt: skip
    return created


@transaction.atomic
def score_application(*, application: Application, juror: Any, scores: dict[int, int]) -> None:
    """A juror scores a submitted application on every criterion (0 to 10); scoring again replaces it."""
    require(policies.can_score(juror))
    application = Application.objects.select_for_update().select_related("call").get(pk=application.pk)
    if application.status != ApplicationStatus.SUBMITTED:
        raise DomainError(_("Only submitted applications are scored."))
    criteria = {c.pk: c for c in application.call.criteria.all()}
    if set(scores) != set(criteria):
        raise DomainError(_("Give a score for every criterion."))
    if any(not 0 <= value <= 10 for value in scores.values()):
        raise DomainError(_("Scores go from 0 to 10."))
    for criterion_id, value in scores.items():
        JuryScore.objects.update_or_create(
            application=application, criterion=criteria[criterion_id], juror=juror, defaults={"score": value}
        )
    record_event(
        actor=juror, action="grants.application.scored", obj=application,
        after={criteria[pk].name: value for pk, value in scores.items()},
    )  # fmt: skip


@dataclass(frozen=True)
class RankingRow:
    application: Application
    score: Decimal | None
    jurors: int
    is_funded: bool


def ranking(call: Call) -> tuple[list[RankingRow], Decimal]:
    """The applications in the order of their weighted score, with what the budget can fund."""
    weights = {str(c.pk): c.weight for c in call.criteria.all()}
    applications = list(
        Application.objects.filter(call=call, status=ApplicationStatus.SUBMITTED).select_related("organisation")
    )
    scores: dict[int, dict[str, list[int]]] = {a.pk: {} for a in applications}
    jurors: dict[int, set[int]] = {a.pk: set() for a in applications}
    for application_id, criterion_id, juror_id, value in JuryScore.objects.filter(
        application__in=applications
    ).values_list("application_id", "criterion_id", "juror_id", "score"):
        scores[application_id].setdefault(str(criterion_id), []).append(value)
        jurors[application_id].add(juror_id)
    # What prepared and released approvals already hold of the call's budget.
    # An amendment changes a grant already counted, so only approvals count.
    committed = GrantDecision.objects.filter(
        application__call=call, is_withdrawn=False, kind__in=[DecisionKind.APPROVAL, DecisionKind.PARTIAL_APPROVAL]
    ).aggregate(total=Sum("approved_amount"))["total"] or Decimal(0)
    scored = {a.pk: weighted_score(weights, scores[a.pk]) for a in applications}
    ranked = rank(
        [
            RankedApplication(a.reference, score, a.requested_amount)
            for a in applications
            if (score := scored[a.pk]) is not None
        ]
    )
    funded, _left = fund_down_the_ranking(ranked, call.budget_amount - committed)
    by_reference = {a.reference: a for a in applications}
    rows = [
        RankingRow(by_reference[r.key], r.score, len(jurors[by_reference[r.key].pk]), r.key in funded) for r in ranked
    ]
    rows += [RankingRow(a, None, len(jurors[a.pk]), False) for a in applications if scored[a.pk] is None]
    return rows, call.budget_amount - committed


def prepare_approvals_down_the_ranking(*, call: Call, actor: Any) -> svc.BulkResult:
    """Prepare approvals for the applications the budget funds in the order of the ranking."""
    rows, _left = ranking(call)
    return svc.prepare_approvals_in_bulk(applications=[r.application for r in rows if r.is_funded], actor=actor)
