"""Reads of the grants domain; every read a user asks for starts from a `*_visible_to` selector."""

from dataclasses import dataclass
from decimal import Decimal
from statistics import median
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery, Sum

from kommunalportal.accounts.policies import is_ministry_user
from kommunalportal.accounts.roles import COMMUNE_ROLES
from kommunalportal.accounts.selectors import organisations_of

from .models import (
    Application,
    Call,
    CallStatus,
    Drawdown,
    Envelope,
    GrantDecision,
    PayeeAccount,
    PaymentRun,
    Programme,
    ProgrammeYear,
    ProofOfUse,
    Recovery,
    RecoveryKind,
)
from .workflow import GRANTED, ApplicationStatus


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


# The money after the Bescheid. Every read starts from what the user may see.


def drawdowns_visible_to(user: Any) -> QuerySet[Drawdown]:
    """Ministry staff see every drawdown; a commune its own."""
    drawdowns = Drawdown.objects.select_related("application", "application__organisation")
    if is_ministry_user(user):
        return drawdowns
    return drawdowns.filter(application__organisation__in=organisations_of(user, roles=COMMUNE_ROLES))


def payment_runs_visible_to(user: Any) -> QuerySet[PaymentRun]:
    """Payment runs gather many communes' money: the ministry's business only."""
    return PaymentRun.objects.all() if is_ministry_user(user) else PaymentRun.objects.none()


def payee_accounts_visible_to(user: Any) -> QuerySet[PayeeAccount]:
    accounts = PayeeAccount.objects.select_related("organisation")
    if is_ministry_user(user):
        return accounts
    return accounts.filter(organisation__in=organisations_of(user, roles=COMMUNE_ROLES))


def proofs_visible_to(user: Any) -> QuerySet[ProofOfUse]:
    proofs = ProofOfUse.objects.select_related("application", "application__organisation")
    if is_ministry_user(user):
        return proofs
    return proofs.filter(application__organisation__in=organisations_of(user, roles=COMMUNE_ROLES))


def recoveries_visible_to(user: Any) -> QuerySet[Recovery]:
    recoveries = Recovery.objects.select_related("application", "application__organisation")
    if is_ministry_user(user):
        return recoveries
    return recoveries.filter(application__organisation__in=organisations_of(user, roles=COMMUNE_ROLES))


@dataclass(frozen=True)
class GrantMoney:
    """One grant's money: approved, drawn (requested or approved, not yet paid), paid, proven, still open,
    and to be repaid."""

    application: Application
    approved: Decimal
    drawn: Decimal
    paid: Decimal
    proven: Decimal | None
    to_repay: Decimal

    @property
    def open(self) -> Decimal:
        return self.approved - self.drawn - self.paid


def money_of(applications: QuerySet[Application]) -> list[GrantMoney]:
    """The money of each granted application, in five queries however many (the ministry's export reads all 443)."""
    granted = list(
        applications.filter(status__in=GRANTED).annotate(
            approved=Subquery(
                GrantDecision.objects.filter(application=OuterRef("pk"), released_at__isnull=False)
                .exclude(kind="rejection").order_by("-released_at").values("approved_amount")[:1]
            )
        ).order_by("call__deadline_on", "organisation__short_name", "reference")
    )  # fmt: skip
    ids = [a.pk for a in granted]
    drawn: dict[tuple[int, str], Decimal] = {
        (pk, status): total
        for pk, status, total in Drawdown.objects.filter(application_id__in=ids)
        .values_list("application_id", "status").annotate(total=Sum("amount"))
        .values_list("application_id", "status", "total")
    }  # fmt: skip
    proven = dict(
        ProofOfUse.objects.filter(application_id__in=ids, status__in=["accepted", "shortfall"]).values_list(
            "application_id", "eligible_amount"
        )
    )
    # Zwischenzinsen claim interest only: the amount they are computed on stays with the commune.
    open_recoveries = Recovery.objects.filter(application_id__in=ids, status__in=["hearing", "issued"]).exclude(
        kind=RecoveryKind.INTERIM_INTEREST
    )
    repay: dict[int, Decimal] = dict(
        open_recoveries.values_list("application_id")
        .annotate(total=Sum("principal_amount"))
        .values_list("application_id", "total")
    )
    zero = Decimal("0.00")
    return [
        GrantMoney(
            application=a,
            approved=a.approved or zero,
            drawn=sum((drawn.get((a.pk, s), zero) for s in ("requested", "approved", "in_run")), zero),
            paid=drawn.get((a.pk, "paid"), zero),
            proven=proven.get(a.pk),
            to_repay=repay.get(a.pk, zero),
        )
        for a in granted
    ]
