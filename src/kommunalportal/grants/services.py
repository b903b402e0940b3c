"""Writes of the grants domain: programmes, budget years, calls, allocation."""

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from kommunalportal.core.audit import record_event, snapshot
from kommunalportal.core.errors import DomainError
from kommunalportal.core.money import format_amount, to_cents
from kommunalportal.core.policies import require
from kommunalportal.organisations.models import MUNICIPAL_KINDS, Organisation, OrganisationKind

from . import policies
from .models import Call, CallShape, CallStatus, Envelope, FinancialCapacity, MeasureCategory, Programme, ProgrammeYear
from .rules import AllocationError, AllocationKey, allocate_in_pots, allocate_with_floor, combine_keys

PROGRAMME_FIELDS = ("code", "name", "legal_basis", "starts_on", "ends_on")
CALL_FIELDS = (
    "name", "status", "shape", "budget_amount", "opens_on", "deadline_on", "eligible_kinds", "financing_type",
    "funding_rate", "min_own_share_rate", "min_grant_amount", "max_grant_amount", "max_duration_months",
    "drawdown_window_days", "proof_of_use_due_on", "floor_amount", "population_weight", "capacity_weight",
    "district_share_rate",
)  # fmt: skip
DISTRICT_POT, MUNICIPAL_POT = "district", "municipality"


def _check_money(amount: Decimal, what: str) -> None:
    try:
        to_cents(amount)
    except ValueError:
        raise DomainError(_("%(what)s must be given in whole cents.") % {"what": what}) from None
    if amount < 0:
        raise DomainError(_("%(what)s cannot be negative.") % {"what": what})


@transaction.atomic
def create_programme(
    *,
    actor: Any,
    code: str,
    name: str,
    legal_basis: str,
    starts_on: date,
    ends_on: date,
    year_budgets: Mapping[int, Decimal],
    description: str = "",
) -> Programme:
    """Set up a programme with its budget for each year of its period."""
    require(policies.can_manage_programmes(actor))
    if starts_on > ends_on:
        raise DomainError(_("The programme must end after it starts."))
    if Programme.objects.filter(code=code).exists():
        raise DomainError(_("The short code %(code)s is already taken.") % {"code": code})
    years = set(range(starts_on.year, ends_on.year + 1))
    if set(year_budgets) - years:
        raise DomainError(_("Budget years must lie within the programme's period."))
    programme = Programme.objects.create(
        code=code, name=name, legal_basis=legal_basis, description=description, starts_on=starts_on, ends_on=ends_on
    )
    record_event(
        actor=actor, action="grants.programme.created", obj=programme, after=snapshot(programme, PROGRAMME_FIELDS)
    )
    for year, amount in sorted(year_budgets.items()):
        set_year_budget(programme=programme, year=year, budget_amount=amount, actor=actor)
    return programme


def committed_in_year(year: ProgrammeYear, *, excluding: Call | None = None) -> Decimal:
    calls = Call.objects.filter(year=year)
    if excluding is not None:
        calls = calls.exclude(pk=excluding.pk)
    return calls.aggregate(total=Sum("budget_amount"))["total"] or Decimal(0)


@transaction.atomic
def set_year_budget(*, programme: Programme, year: int, budget_amount: Decimal, actor: Any) -> ProgrammeYear:
    """Fix (or change) the budget of one year; it cannot fall below what its calls already hold."""
    require(policies.can_manage_programmes(actor))
    _check_money(budget_amount, _("The budget"))
    if not programme.starts_on.year <= year <= programme.ends_on.year:
        raise DomainError(_("Budget years must lie within the programme's period."))
    existing = ProgrammeYear.objects.select_for_update().filter(programme=programme, year=year).first()
    if existing is None:
        budget_year = ProgrammeYear.objects.create(programme=programme, year=year, budget_amount=budget_amount)
        record_event(
            actor=actor,
            action="grants.budget_year.created",
            obj=budget_year,
            after={"year": year, "budget_amount": budget_amount},
        )
        return budget_year
    committed = committed_in_year(existing)
    if budget_amount < committed:
        raise DomainError(
            _("The calls of %(year)d already hold %(committed)s; the budget cannot be lower.")
            % {"year": year, "committed": format_amount(committed)}
        )
    before = snapshot(existing, ["budget_amount"])
    existing.budget_amount = budget_amount
    existing.save(update_fields=["budget_amount"])
    record_event(
        actor=actor,
        action="grants.budget_year.changed",
        obj=existing,
        before=before,
        after=snapshot(existing, ["budget_amount"]),
    )
    return existing


@dataclass(frozen=True)
class CallSettings:
    name: str
    shape: CallShape
    budget_amount: Decimal
    opens_on: date
    deadline_on: date
    eligible_kinds: list[str]
    categories: Iterable[MeasureCategory]
    financing_type: str
    proof_of_use_due_on: date
    funding_rate: Decimal | None = None
    min_own_share_rate: Decimal = Decimal(0)
    min_grant_amount: Decimal = Decimal(0)
    max_grant_amount: Decimal | None = None
    max_duration_months: int | None = None
    drawdown_window_days: int = 60
    floor_amount: Decimal = Decimal(0)
    population_weight: Decimal = Decimal(1)
    capacity_weight: Decimal = Decimal(0)
    district_share_rate: Decimal | None = None


def _validate_call(settings: CallSettings) -> None:
    _check_money(settings.budget_amount, _("The budget"))
    _check_money(settings.floor_amount, _("The floor"))
    if settings.opens_on > settings.deadline_on:
        raise DomainError(_("The deadline must not be before the opening."))
    if settings.proof_of_use_due_on < settings.deadline_on:
        raise DomainError(_("The proof of use cannot be due before the application deadline."))
    valid_kinds = {k.value for k in (*MUNICIPAL_KINDS, OrganisationKind.DISTRICT)}
    if not settings.eligible_kinds or set(settings.eligible_kinds) - valid_kinds:
        raise DomainError(_("Choose at least one kind of eligible applicant."))
    if settings.financing_type == "proportional" and not settings.funding_rate:
        raise DomainError(_("Proportional financing needs a funding rate."))
    if settings.max_grant_amount is not None and settings.max_grant_amount < settings.min_grant_amount:
        raise DomainError(_("The largest grant cannot be smaller than the smallest."))
    if settings.shape == CallShape.FORMULA and settings.population_weight + settings.capacity_weight <= 0:
        raise DomainError(_("A formula call needs a weight for population or financial capacity."))


@transaction.atomic
def create_call(*, programme: Programme, year: int, settings: CallSettings, actor: Any) -> Call:
    """Open a new call (as a draft) within what its budget year has left."""
    require(policies.can_manage_programmes(actor))
    _validate_call(settings)
    budget_year = ProgrammeYear.objects.select_for_update().filter(programme=programme, year=year).first()
    if budget_year is None:
        raise DomainError(_("The programme has no budget for %(year)d.") % {"year": year})
    left = budget_year.budget_amount - committed_in_year(budget_year)
    if settings.budget_amount > left:
        raise DomainError(
            _("The call's budget exceeds what %(year)d has left (%(left)s).")
            % {"year": year, "left": format_amount(left)}
        )
    values = {f: getattr(settings, f) for f in CALL_FIELDS if f != "status"}
    call = Call.objects.create(programme=programme, year=budget_year, **values)
    call.categories.set(settings.categories)
    record_event(
        actor=actor, action="grants.call.created", obj=call,
        after={**snapshot(call, CALL_FIELDS), "categories": sorted(c.code for c in settings.categories)},
    )  # fmt: skip
    return call


class CapacityImportError(DomainError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@transaction.atomic
def import_financial_capacity(*, call: Call, text: str, actor: Any) -> int:
    """Replace the call's financial-capacity figures from a CSV with the columns `key` and `figure`."""
    require(policies.can_manage_programmes(actor))
    if call.envelopes_published_at:
        raise DomainError(_("The envelopes are published; the figures can no longer change."))
    reader = csv.DictReader(text.splitlines())
    if not reader.fieldnames or {"key", "figure"} - set(reader.fieldnames):
        raise CapacityImportError([_("line 1: the file needs the columns “key” and “figure”")])
    communes = {o.key: o for o in eligible_communes(call)}
    problems: list[str] = []
    figures: dict[str, Decimal] = {}
    for row in reader:
        line = reader.line_num
        key, raw = (row.get("key") or "").strip(), (row.get("figure") or "").strip()
        if key not in communes:
            problems.append(
                _("line %(line)d: “%(key)s” is not an eligible commune of this call") % {"line": line, "key": key}
            )
            continue
        if key in figures:
            problems.append(_("line %(line)d: %(key)s appears more than once") % {"line": line, "key": key})
            continue
        try:
            figure = Decimal(raw.replace(",", "."))
            if not figure.is_finite() or figure < 0:
                raise InvalidOperation
        except InvalidOperation:
            problems.append(
                _("line %(line)d: “%(value)s” is not a number of zero or more") % {"line": line, "value": raw}
            )
            continue
        figures[key] = figure.quantize(Decimal("0.01"))
    missing = sorted(set(communes) - set(figures))
    if missing:
        problems.append(
            _("%(count)d eligible communes have no figure, e.g. %(keys)s")
            % {"count": len(missing), "keys": ", ".join(missing[:5])}
        )
    if problems:
        raise CapacityImportError(problems)
    FinancialCapacity.objects.filter(call=call).delete()
    FinancialCapacity.objects.bulk_create(
        FinancialCapacity(call=call, organisation=communes[key], figure=figure) for key, figure in figures.items()
    )
    record_event(actor=actor, action="grants.call.capacity_imported", obj=call, after={"communes": len(figures)})
    return len(figures)


def eligible_communes(call: Call) -> list[Organisation]:
    return list(Organisation.objects.filter(kind__in=call.eligible_kinds, is_active=True).order_by("short_name", "key"))


@dataclass(frozen=True)
class EnvelopeDraft:
    organisation: Organisation
    key: Decimal
    amount: Decimal


def compute_envelopes(call: Call) -> list[EnvelopeDraft]:
    """The envelopes the call's settings give today (a preview: nothing is saved)."""
    if call.shape != CallShape.FORMULA:
        raise DomainError(_("Only formula calls allocate envelopes."))
    communes = eligible_communes(call)
    populations = {o.key: o.population or 0 for o in communes}
    capacities = None
    if call.capacity_weight:
        capacities = dict(FinancialCapacity.objects.filter(call=call).values_list("organisation__key", "figure"))
    try:
        keys = combine_keys(AllocationKey(call.population_weight, call.capacity_weight), populations, capacities)
        if call.district_share_rate is None:
            amounts = allocate_with_floor(call.budget_amount, keys, call.floor_amount)
        else:
            pot_of = {o.key: DISTRICT_POT if o.kind == OrganisationKind.DISTRICT else MUNICIPAL_POT for o in communes}
            rates = {DISTRICT_POT: call.district_share_rate, MUNICIPAL_POT: 1 - call.district_share_rate}
            amounts = allocate_in_pots(call.budget_amount, keys, call.floor_amount, pot_of, rates)
    except AllocationError as error:
        raise DomainError(str(error)) from None
    return [EnvelopeDraft(o, keys[o.key], amounts[o.key]) for o in communes]


@transaction.atomic
def publish_envelopes(*, call: Call, actor: Any) -> int:
    """Fix every commune's envelope as computed now; from then on each commune sees its own."""
    require(policies.can_manage_programmes(actor))
    call = Call.objects.select_for_update().get(pk=call.pk)
    if call.envelopes_published_at:
        raise DomainError(_("The envelopes of this call are already published."))
    drafts = compute_envelopes(call)
    Envelope.objects.bulk_create(
        Envelope(call=call, organisation=d.organisation, key=d.key, amount=d.amount) for d in drafts
    )
    call.envelopes_published_at = timezone.now()
    call.save(update_fields=["envelopes_published_at"])
    total = sum((d.amount for d in drafts), Decimal(0))
    record_event(
        actor=actor, action="grants.call.envelopes_published", obj=call,
        after={"envelopes": len(drafts), "total_amount": total, "budget_amount": call.budget_amount},
    )  # fmt: skip
    return len(drafts)


@transaction.atomic
def publish_call(*, call: Call, actor: Any) -> Call:
    """Open the call for applications (a formula call only once its envelopes are published)."""
    require(policies.can_manage_programmes(actor))
    call = Call.objects.select_for_update().get(pk=call.pk)
    if call.status != CallStatus.DRAFT:
        raise DomainError(_("Only a draft call can be published."))
    if call.shape == CallShape.FORMULA and not call.envelopes_published_at:
        raise DomainError(_("Publish the envelopes before the call."))
    call.status = CallStatus.PUBLISHED
    call.save(update_fields=["status"])
    record_event(
        actor=actor, action="grants.call.published", obj=call, before={"status": "draft"}, after={"status": "published"}
    )
    return call
