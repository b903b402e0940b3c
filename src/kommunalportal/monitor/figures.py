"""Where the money went: the awards and the money of every commune, read in a constant number of queries
however many communes and grants there are. Shared by the dashboards, the map, the open data and the API.

An award is a granted application: its first released approval gives the date and the number, the latest
released approval or amendment the amount in force. Rejections are not awards.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from kommunalportal.grants.models import (
    Application,
    DecisionKind,
    Drawdown,
    DrawdownStatus,
    Envelope,
    GrantDecision,
    Measure,
    ProofOfUse,
    ProofStatus,
    Recovery,
    RecoveryKind,
    RecoveryStatus,
)
from kommunalportal.organisations.models import Organisation

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Scope:
    """Which grants a figure covers: all, or one programme, one budget year, one call (by primary key)."""

    programme: int | None = None
    year: int | None = None
    call: int | None = None

    def applications(self) -> Q:
        q = Q()
        if self.programme is not None:
            q &= Q(call__programme_id=self.programme)
        if self.year is not None:
            q &= Q(call__year__year=self.year)
        if self.call is not None:
            q &= Q(call_id=self.call)
        return q

    def via(self, prefix: str) -> Q:
        """The same scope for a model that reaches the application through `prefix` (e.g. "application")."""
        q = Q()
        if self.programme is not None:
            q &= Q(**{f"{prefix}__call__programme_id": self.programme})
        if self.year is not None:
            q &= Q(**{f"{prefix}__call__year__year": self.year})
        if self.call is not None:
            q &= Q(**{f"{prefix}__call_id": self.call})
        return q


@dataclass(frozen=True)
class Award:
    """A granted application as the public may see it: no people, only the commune, the money and the purpose."""

    application: Application  # with organisation, call, programme and year loaded
    number: str  # of the first Zuwendungsbescheid
    awarded_on: date  # the day the first approval was released
    amount: Decimal  # the grant in force (after amendments)
    categories: tuple[str, ...] = ()  # codes of the measure categories, in the order of the measures

    @property
    def organisation(self) -> Organisation:
        return self.application.organisation


def awards(scope: Scope = Scope(), *, organisation: int | None = None) -> list[Award]:
    """Every award in the scope, oldest first, in two queries."""
    decisions = (
        GrantDecision.objects.filter(scope.via("application"), released_at__isnull=False)
        .exclude(kind=DecisionKind.REJECTION)
        .select_related("application__organisation", "application__call__programme", "application__call__year")
        .order_by("released_at", "pk")
    )
    if organisation is not None:
        decisions = decisions.filter(application__organisation_id=organisation)
    first: dict[int, GrantDecision] = {}
    latest: dict[int, GrantDecision] = {}
    for decision in decisions:
        first.setdefault(decision.application_id, decision)
        latest[decision.application_id] = decision
    categories: dict[int, list[str]] = defaultdict(list)
    for application_id, code in (
        Measure.objects.filter(application_id__in=first).order_by("pk").values_list("application_id", "category__code")
    ):
        if code not in categories[application_id]:
            categories[application_id].append(code)
    result = []
    for application_id, decision in first.items():
        released_at = decision.released_at or timezone.now()  # never None: only released decisions are read
        result.append(
            Award(
                application=decision.application,
                number=decision.number or "",
                awarded_on=timezone.localtime(released_at).date(),
                amount=latest[application_id].approved_amount,
                categories=tuple(categories[application_id]),
            )
        )
    return result


@dataclass
class Money:
    """The money of one commune (or of a sum of communes) in a scope, all in euros."""

    envelope: Decimal = ZERO  # allocated by formula (Kontingent)
    approved: Decimal = ZERO  # granted and in force
    drawn: Decimal = ZERO  # requested, approved or in a payment run, not yet paid
    paid: Decimal = ZERO
    proven: Decimal = ZERO  # justified by accepted proofs of use
    recovered: Decimal = ZERO  # repaid after a recovery decision (without interest)
    interest: Decimal = ZERO  # interest received with repayments and Zwischenzinsen
    awards: int = 0

    def add(self, other: "Money") -> None:
        for name in ("envelope", "approved", "drawn", "paid", "proven", "recovered", "interest"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.awards += other.awards


@dataclass
class Ledger:
    """The money of every commune in a scope, and the sum."""

    by_commune: dict[int, Money] = field(default_factory=dict)  # by organisation primary key

    @property
    def total(self) -> Money:
        total = Money()
        for money in self.by_commune.values():
            total.add(money)
        return total

    def of(self, organisation_id: int) -> Money:
        return self.by_commune.get(organisation_id, Money())


def _sums(queryset: QuerySet[Any], owner: str, amount: str) -> dict[int, Decimal]:
    """Sums by owner, to the cent (SQLite hands back sums of decimals with trailing digits)."""
    rows = queryset.order_by().values_list(owner).annotate(total=Sum(amount)).values_list(owner, "total")
    return {pk: (total or ZERO).quantize(ZERO) for pk, total in rows}


def ledger(scope: Scope = Scope(), *, awarded: list[Award] | None = None) -> Ledger:
    """The money of every commune in the scope, in eight queries (six when the awards are given)."""
    result = Ledger()

    def money(pk: int) -> Money:
        return result.by_commune.setdefault(pk, Money())

    for pk, total in _sums(Envelope.objects.filter(scope.applications()), "organisation_id", "amount").items():
        money(pk).envelope = total
    for award in awarded if awarded is not None else awards(scope):
        entry = money(award.application.organisation_id)
        entry.approved += award.amount
        entry.awards += 1
    drawdowns = Drawdown.objects.filter(scope.via("application"))
    owner = "application__organisation_id"
    for pk, total in _sums(drawdowns.filter(status=DrawdownStatus.PAID), owner, "amount").items():
        money(pk).paid = total
    waiting = (DrawdownStatus.REQUESTED, DrawdownStatus.APPROVED, DrawdownStatus.IN_RUN)
    for pk, total in _sums(drawdowns.filter(status__in=waiting), owner, "amount").items():
        money(pk).drawn = total
    proofs = ProofOfUse.objects.filter(
        scope.via("application"), status__in=(ProofStatus.ACCEPTED, ProofStatus.SHORTFALL)
    )
    for pk, total in _sums(proofs, owner, "eligible_amount").items():
        money(pk).proven = total
    repaid = Recovery.objects.filter(scope.via("application"), status=RecoveryStatus.REPAID)
    for pk, total in _sums(repaid.exclude(kind=RecoveryKind.INTERIM_INTEREST), owner, "principal_amount").items():
        money(pk).recovered = total
    for pk, total in _sums(repaid, owner, "interest_amount").items():
        money(pk).interest = total
    return result
