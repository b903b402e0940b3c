"""Reads of the grants domain; every read a user asks for starts from a `*_visible_to` selector."""

from dataclasses import dataclass
from decimal import Decimal
from statistics import median
from typing import Any

from django.db.models import QuerySet, Sum

from kommunalportal.accounts.policies import is_ministry_user
from kommunalportal.accounts.roles import COMMUNE_ROLES
from kommunalportal.accounts.selectors import organisations_of

from .models import Call, CallStatus, Envelope, Programme, ProgrammeYear


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
