"""Reads of the open data: what the public may see of the grants, in a constant number of queries.

Public are the programmes that have a published call, those calls (a draft call is not), and the awards
made in them, read through `monitor.figures`. Nothing here reads a person: no applicant, no official,
no free text of an application other than its title.
"""

import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Max, Min, Prefetch, QuerySet

from kommunalportal.grants.models import Application, Call, CallStatus, Measure, MeasureCategory, Programme
from kommunalportal.monitor.figures import Award, Ledger, Scope, awards, ledger
from kommunalportal.organisations.models import Organisation

# A closed call was published before it closed; only a draft is not public.
PUBLIC_CALL_STATUSES = (CallStatus.PUBLISHED, CallStatus.CLOSED)
ZERO = Decimal("0.00")


def public_calls() -> QuerySet[Call]:
    return Call.objects.filter(status__in=PUBLIC_CALL_STATUSES).select_related("programme", "year")


def public_programmes() -> QuerySet[Programme]:
    """The programmes with at least one published call."""
    return Programme.objects.filter(pk__in=public_calls().values("programme_id")).order_by("-starts_on", "name")


@dataclass
class CallFigures:
    call: Call
    awarded: Decimal = ZERO
    awards: int = 0


@dataclass
class ProgrammeFigures:
    programme: Programme
    calls: list[CallFigures] = field(default_factory=list)

    @property
    def awarded(self) -> Decimal:
        return sum((c.awarded for c in self.calls), ZERO)

    @property
    def awards(self) -> int:
        return sum(c.awards for c in self.calls)


@dataclass(frozen=True)
class Overview:
    programmes: list[ProgrammeFigures]
    money: Ledger  # of the public awards: granted, paid, proven, repaid

    @property
    def communes(self) -> int:
        """How many communes hold at least one award."""
        return sum(1 for money in self.money.by_commune.values() if money.awards)


def overview() -> Overview:
    """The public programmes with their budget years and published calls, each call with the sum and the
    number of its awards; and the money of all public awards. Eleven queries, however much data there is."""
    calls = public_calls().order_by("-year__year", "-opens_on", "name")
    programmes = list(public_programmes().prefetch_related("years", Prefetch("calls", queryset=calls)))
    public = _public(awards())
    by_call: dict[int, CallFigures] = {}
    result = []
    for programme in programmes:
        figures = ProgrammeFigures(programme)
        for call in programme.calls.all():
            by_call[call.pk] = CallFigures(call)
            figures.calls.append(by_call[call.pk])
        result.append(figures)
    for award in public:
        entry = by_call[award.application.call_id]
        entry.awarded += award.amount
        entry.awards += 1
    return Overview(programmes=result, money=ledger(awarded=public))


def _public(found: list[Award]) -> list[Award]:
    return [a for a in found if a.application.call.status in PUBLIC_CALL_STATUSES]


# The awards, one by one


@dataclass(frozen=True)
class PublicAward:
    """An award as the open data shows it: the commune with its district, the purpose, the money."""

    award: Award
    district: Organisation | None  # of a municipality that belongs to one
    categories: tuple[MeasureCategory, ...]  # of the measures, in their order
    planned_from: date | None = None  # the measures' schedule, read only for the 360Giving export
    planned_to: date | None = None

    @property
    def application(self) -> Application:
        return self.award.application

    @property
    def organisation(self) -> Organisation:
        return self.award.application.organisation

    @property
    def call(self) -> Call:
        return self.award.application.call

    @property
    def programme(self) -> Programme:
        return self.award.application.call.programme

    @property
    def number(self) -> str:
        return self.award.number

    @property
    def awarded_on(self) -> date:
        return self.award.awarded_on

    @property
    def amount(self) -> Decimal:
        return self.award.amount

    @property
    def title(self) -> str:
        return self.award.application.title


@dataclass(frozen=True)
class AwardFilter:
    programme: Programme | None = None
    call: Call | None = None
    district: Organisation | None = None  # the district itself and the municipalities in it
    kind: str = ""  # an OrganisationKind of a commune

    def scope(self) -> Scope:
        return Scope(programme=self.programme.pk if self.programme else None, call=self.call.pk if self.call else None)

    def admits(self, award: Award) -> bool:
        organisation = award.application.organisation
        if self.district is not None and self.district.pk not in (organisation.pk, organisation.district_id):
            return False
        return not self.kind or organisation.kind == self.kind


def _sortable(text: str) -> str:
    """Names in the order of a German index: Ä with A, ß with ss, case ignored."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()


# Every order ends with the decision number, so that equal keys keep one order on every page.
SORTS: dict[str, tuple[Callable[[PublicAward], Any], bool]] = {
    "-date": (lambda a: (a.awarded_on, a.number), True),
    "date": (lambda a: (a.awarded_on, a.number), False),
    "-amount": (lambda a: (a.amount, a.number), True),
    "amount": (lambda a: (a.amount, a.number), False),
    "commune": (lambda a: (_sortable(a.organisation.short_name), a.organisation.key, a.number), False),
    "-commune": (lambda a: (_sortable(a.organisation.short_name), a.organisation.key, a.number), True),
}
DEFAULT_SORT = "-date"


def public_awards(
    filters: AwardFilter = AwardFilter(), *, sort: str = DEFAULT_SORT, with_dates: bool = False
) -> list[PublicAward]:
    """The awards of published calls that pass the filter, sorted; four queries (five with the measures'
    schedule), however many awards there are."""
    found = [a for a in _public(awards(filters.scope())) if filters.admits(a)]
    districts = {
        d.pk: d
        for d in Organisation.objects.filter(pk__in={a.application.organisation.district_id for a in found} - {None})
    }
    categories = {c.code: c for c in MeasureCategory.objects.all()}
    schedules: dict[int, tuple[date | None, date | None]] = defaultdict(lambda: (None, None))
    if with_dates and found:
        for application_id, starts_on, ends_on in (
            Measure.objects.filter(application_id__in=[a.application.pk for a in found])
            .order_by()
            .values_list("application_id")
            .annotate(Min("starts_on"), Max("ends_on"))
        ):
            schedules[application_id] = (starts_on, ends_on)
    result = [
        PublicAward(
            award=award,
            district=districts.get(award.application.organisation.district_id or 0),
            categories=tuple(categories[code] for code in award.categories if code in categories),
            planned_from=schedules[award.application.pk][0],
            planned_to=schedules[award.application.pk][1],
        )
        for award in found
    ]
    key, reverse = SORTS.get(sort, SORTS[DEFAULT_SORT])
    return sorted(result, key=key, reverse=reverse)
