"""Reads of the grants domain; every read a user asks for starts from a `*_visible_to` selector."""

from dataclasses import dataclass
from decimal import Decimal
from statistics import median
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery, Sum

from kommunalportal.accounts.policies import is_ministry_user
from kommunalportal.accounts.roles import COMMUNE_ROLES
from kommunalportal.accounts.selectors import organisations_of

from .models import Application, Call, CallStatus, Envelope, GrantDecision, Programme, ProgrammeYear
from .workflow import ApplicationStatus


def programmes_visible_to(user: Any) -> QuerySet[Programme]:
    """Ministry staff see every programme; communes see programmes with a published call."""
    if is_ministry_user(user):
        return Programme.objects.all()
    return Programme.objects.filter(calls__status__in=[CallStatus.PUBLISHED, CallStatus.CLOSED]).distinct()


def calls_visible_to(user: Any) -> QuerySet[Call]:
    calls = Call.objects.select_related("programme", "year")
    if is_ministry_user(user):
        return calls
    return calls.filter(status__in=[CallStatus.PUBLISHED, CallStatus.CLOSED])


def envelopes_visible_to(user: Any) -> QuerySet[Envelope]:
    """Ministry staff see every envelope; a commune sees its own, once published."""
    envelopes = Envelope.objects.select_related("call", "call__programme", "organisation")
    if is_ministry_user(user):
        return envelopes
    return envelopes.filter(
        organisation__in=organisations_of(user, roles=COMMUNE_ROLES), call__envelopes_published_at__isnull=False
    )


@dataclass(frozen=True)
class YearBudget:
    year: ProgrammeYear
    committed: Decimal

    @property
    def left(self) -> Decimal:
        return self.year.budget_amount - self.committed


def year_budgets(programme: Programme) -> list[YearBudget]:
    years = programme.years.annotate(committed=Sum("calls__budget_amount")).order_by("year")
    return [YearBudget(y, y.committed or Decimal(0)) for y in years]


@dataclass(frozen=True)
class Distribution:
    count: int
    total: Decimal
    smallest: Decimal
    median: Decimal
    largest: Decimal
    at_floor: int


def distribution(amounts: list[Decimal], floor: Decimal) -> Distribution | None:
    if not amounts:
        return None
    return Distribution(
        count=len(amounts),
        total=sum(amounts, Decimal(0)),
        smallest=min(amounts),
        median=Decimal(median(amounts)).quantize(Decimal("0.01")),
        largest=max(amounts),
        at_floor=sum(1 for a in amounts if a == floor),
    )


def applications_visible_to(user: Any) -> QuerySet[Application]:
    """Ministry staff see every application; a commune sees its own (not yours and not there look alike)."""
    applications = Application.objects.select_related("call", "call__programme", "organisation")
    if is_ministry_user(user):
        return applications
    return applications.filter(organisation__in=organisations_of(user, roles=COMMUNE_ROLES))


REVIEW_SORTS = {
    "reference": "reference",
    "-requested": "-requested_amount",
    "requested": "requested_amount",
    "submitted": "submitted_at",
    "commune": "organisation__short_name",
}


def review_queue(
    user: Any, *, call: Call | None = None, status: str = "", text: str = "", sort: str = "reference"
) -> QuerySet[Application]:
    applications = applications_visible_to(user).exclude(status=ApplicationStatus.DRAFT)
    if call is not None:
        applications = applications.filter(call=call)
    if status:
        applications = applications.filter(status=status)
    if text:
        applications = applications.filter(
            Q(reference__icontains=text) | Q(organisation__short_name__icontains=text) | Q(title__icontains=text)
        )
    pending = GrantDecision.objects.filter(application=OuterRef("pk"), released_at__isnull=True, is_withdrawn=False)
    return applications.annotate(pending_decision_id=Subquery(pending.values("pk")[:1])).order_by(
        REVIEW_SORTS.get(sort, "reference"), "pk"
    )
