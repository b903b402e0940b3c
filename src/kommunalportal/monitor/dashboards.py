"""Reads of the dashboards: the ministry's figures of a programme, budget year or call, broken down by measure
category, district, size class and month; and a commune's own figures beside the averages of the communes like
it. Both are read in a constant number of queries, however many communes and grants there are.

The money comes from `figures` (awards and ledger), so the dashboards, the map and the open data agree to the
cent. The grouping of communes (which district, which size class, how many inhabitants) happens here.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Sum
from django.db.models.functions import TruncMonth
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kommunalportal.core.money import round_commercial
from kommunalportal.grants.models import (
    Call,
    DecisionKind,
    Drawdown,
    DrawdownStatus,
    GrantDecision,
    Measure,
    MeasureCategory,
    ProgrammeYear,
)
from kommunalportal.organisations.models import COMMUNE_KINDS, MUNICIPAL_KINDS, Organisation, OrganisationKind
from kommunalportal.organisations.rules import SIZE_CLASSES, size_class_for

from .figures import ZERO, Award, Ledger, Money, Scope, awards, ledger

# A commune sees an average of other communes only where the group has at least this many members, so that no
# average gives away the figures of one or two others.
MIN_GROUP_SIZE = 3
MONEY_FIELDS = ("envelope", "approved", "drawn", "paid", "proven", "recovered", "interest")

# The codes of the groups that are not a district or a size class.
DISTRICTS_GROUP = "districts"
UNKNOWN_SIZE_GROUP = "unknown"
NO_DISTRICT_GROUP = "no_district"
OTHER_GROUP = "other"
ALL_GROUP = "all"


# Budgets


@dataclass(frozen=True)
class Budget:
    years: Decimal  # the budgets of the programme years in the scope
    calls: Decimal  # the budgets of the calls in the scope (a part of the years' budgets)


def budget(scope: Scope) -> Budget:
    """The budgets of the scope, in two queries: the budget years' and the calls'. A call's scope counts the
    budget of its year as well."""
    years = ProgrammeYear.objects.all()
    calls = Call.objects.all()
    if scope.programme is not None:
        years = years.filter(programme_id=scope.programme)
        calls = calls.filter(programme_id=scope.programme)
    if scope.year is not None:
        years = years.filter(year=scope.year)
        calls = calls.filter(year__year=scope.year)
    if scope.call is not None:
        years = years.filter(calls=scope.call)
        calls = calls.filter(pk=scope.call)
    return Budget(
        years=years.order_by().aggregate(total=Sum("budget_amount"))["total"] or ZERO,
        calls=calls.order_by().aggregate(total=Sum("budget_amount"))["total"] or ZERO,
    )


# Measure categories


@dataclass(frozen=True)
class CategoryAmount:
    category: MeasureCategory
    measures: int  # measures of awarded applications in the category
    approved: Decimal  # the sum of their approved amounts

    @property
    def label(self) -> str:
        return self.category.label


def approved_by_category(scope: Scope) -> list[CategoryAmount]:
    """The approved amounts of the measures of awarded applications, by measure category, in two queries.

    An application counts once a non-rejecting decision on it is released; its measures then carry the grant in
    force, split by their planned costs (amendments re-split it), so the categories add up to the approved total.
    Every active category is listed, with zero where nothing is approved; an inactive one only with measures.
    """
    released = GrantDecision.objects.filter(application=OuterRef("application"), released_at__isnull=False).exclude(
        kind=DecisionKind.REJECTION
    )
    sums = {
        row["category"]: (row["measures"], row["total"] or ZERO)
        for row in Measure.objects.filter(scope.via("application"), Exists(released))
        .order_by()
        .values("category")
        .annotate(measures=Count("pk"), total=Sum("approved_amount"))
    }
    return [
        CategoryAmount(category, *sums.get(category.pk, (0, ZERO)))
        for category in MeasureCategory.objects.order_by("position", "code")
        if category.is_active or category.pk in sums
    ]


# Groups of communes


@dataclass
class Group:
    """The money of a group of communes (a district with its municipalities, a size class, all communes)."""

    code: str  # a district's official key, a size class's code, or one of the *_GROUP codes
    label: str | Promise
    kind: str = ""  # for a district's group: the kind of its head (district or district-free city)
    communes: int = 0
    population: int = 0  # inhabitants, each counted once (see `_inhabitants`)
    money: Money = field(default_factory=Money)

    @property
    def is_disclosable(self) -> bool:
        return self.communes >= MIN_GROUP_SIZE

    def per_inhabitant(self, amount: Decimal) -> Decimal | None:
        return round_commercial(amount / self.population) if self.population else None

    @property
    def approved_per_inhabitant(self) -> Decimal | None:
        return self.per_inhabitant(self.money.approved)

    @property
    def paid_per_inhabitant(self) -> Decimal | None:
        return self.per_inhabitant(self.money.paid)

    @property
    def average(self) -> Money:
        """The money of an average commune of the group: each sum divided by the number of communes, to the cent."""
        if not self.communes:
            return Money()
        average = Money()
        for name in MONEY_FIELDS:
            setattr(average, name, round_commercial(getattr(self.money, name) / self.communes))
        return average


def commune_organisations() -> list[Organisation]:
    """Every commune, active or not (one query): the groups count the active ones and anyone with money."""
    return list(
        Organisation.objects.filter(kind__in=COMMUNE_KINDS)
        .only("pk", "key", "kind", "name", "short_name", "district_id", "population", "is_active")
        .order_by("short_name", "key")
    )


def _members(organisations: list[Organisation], money: Ledger) -> list[Organisation]:
    return [o for o in organisations if o.is_active or o.pk in money.by_commune]


def _add(group: Group, organisation: Organisation, money: Ledger) -> None:
    group.communes += 1
    group.money.add(money.of(organisation.pk))


def _inhabitants(members: list[Organisation]) -> int:
    """The inhabitants of a group, each counted once: a district's inhabitants are those of its municipalities,
    so a group with municipalities counts theirs; a group of districts alone counts the districts'."""
    municipal = [o.population or 0 for o in members if o.kind in MUNICIPAL_KINDS]
    return sum(municipal) if municipal else sum(o.population or 0 for o in members)


def _other(money: Ledger, organisations: list[Organisation]) -> Group | None:
    """Money of organisations that are no commune (there should be none): shown, so that the rows add up."""
    known = {o.pk for o in organisations}
    group = Group(OTHER_GROUP, _("Other organisations"))
    for pk, entry in money.by_commune.items():
        if pk not in known:
            group.communes += 1
            group.money.add(entry)
    return group if group.communes else None


def by_district(money: Ledger, organisations: list[Organisation]) -> list[Group]:
    """Every district with its municipalities, and every district-free city on its own, by name."""
    heads = {
        o.pk: o for o in organisations if o.kind in (OrganisationKind.DISTRICT, OrganisationKind.DISTRICT_FREE_CITY)
    }
    groups = {pk: Group(head.key, head.short_name, kind=head.kind) for pk, head in heads.items()}
    members: dict[int, list[Organisation]] = defaultdict(list)
    orphans = Group(NO_DISTRICT_GROUP, _("Municipalities without a district"))
    for organisation in _members(organisations, money):
        head = organisation.pk if organisation.pk in heads else organisation.district_id
        if head in groups:
            _add(groups[head], organisation, money)
            members[head].append(organisation)
        else:
            _add(orphans, organisation, money)
    for pk, group in groups.items():
        group.population = _inhabitants(members[pk])
    result = sorted((g for g in groups.values() if g.communes), key=lambda g: (str(g.label), g.code))
    if orphans.communes:
        result.append(orphans)
    other = _other(money, organisations)
    return [*result, other] if other else result


def size_group_code(organisation: Organisation) -> str:
    """The code of the size class of a municipality, or the group of the districts."""
    if organisation.kind == OrganisationKind.DISTRICT:
        return DISTRICTS_GROUP
    if organisation.population is None:
        return UNKNOWN_SIZE_GROUP
    return size_class_for(organisation.population).code


def by_size_class(money: Ledger, organisations: list[Organisation]) -> list[Group]:
    """The municipalities by size class, then the districts as a group of their own."""
    groups = {size.code: Group(size.code, size.label) for size in SIZE_CLASSES}
    groups[DISTRICTS_GROUP] = Group(DISTRICTS_GROUP, _("Districts"))
    groups[UNKNOWN_SIZE_GROUP] = Group(UNKNOWN_SIZE_GROUP, _("Municipalities without a population figure"))
    members: dict[str, list[Organisation]] = defaultdict(list)
    for organisation in _members(organisations, money):
        code = size_group_code(organisation)
        _add(groups[code], organisation, money)
        members[code].append(organisation)
    for code, group in groups.items():
        group.population = _inhabitants(members[code])
    result = [g for g in groups.values() if g.code != UNKNOWN_SIZE_GROUP or g.communes]
    other = _other(money, organisations)
    return [*result, other] if other else result


def all_communes(money: Ledger, organisations: list[Organisation]) -> Group:
    group = Group(ALL_GROUP, _("All communes"))
    members = _members(organisations, money)
    for organisation in members:
        _add(group, organisation, money)
    group.population = _inhabitants(members)
    return group


# Progress over time


@dataclass(frozen=True)
class Month:
    month: date  # the first day of the month
    approved: Decimal  # granted in the month (awards by the day of the first Bescheid, in the amount in force)
    approved_total: Decimal  # granted up to the end of the month
    paid: Decimal  # paid in the month (drawdowns by the day the treasury paid them)
    paid_total: Decimal  # paid up to the end of the month


@dataclass(frozen=True)
class Progress:
    months: list[Month]  # every month from the first award or payment to the last, none left out
    paid_undated: Decimal = ZERO  # paid drawdowns without a day of payment (none, as the payment services go)


def _first_of_month(day: date) -> date:
    return day.replace(day=1)


def _next_month(month: date) -> date:
    return date(month.year + 1, 1, 1) if month.month == 12 else date(month.year, month.month + 1, 1)


def progress(scope: Scope, awarded: list[Award]) -> Progress:
    """Approved and paid, month by month and added up, in one query (the awards are given)."""
    approved: dict[date, Decimal] = defaultdict(Decimal)
    for award in awarded:
        approved[_first_of_month(award.awarded_on)] += award.amount
    paid: dict[date, Decimal] = defaultdict(Decimal)
    undated = ZERO
    rows = (
        Drawdown.objects.filter(scope.via("application"), status=DrawdownStatus.PAID)
        .order_by()
        .annotate(month=TruncMonth("paid_on"))
        .values_list("month")
        .annotate(total=Sum("amount"))
        .values_list("month", "total")
    )
    for month, total in rows:
        if month is None:
            undated += total
        else:
            paid[_first_of_month(month)] += total
    known = set(approved) | set(paid)
    if not known:
        return Progress([], undated)
    months = []
    approved_total = paid_total = ZERO
    month, last = min(known), max(known)
    while month <= last:
        approved_total += approved.get(month, ZERO)
        paid_total += paid.get(month, ZERO)
        months.append(Month(month, approved.get(month, ZERO), approved_total, paid.get(month, ZERO), paid_total))
        month = _next_month(month)
    return Progress(months, undated)


# The dashboards


@dataclass(frozen=True)
class MinistryDashboard:
    scope: Scope
    budget: Budget
    total: Money
    categories: list[CategoryAmount]
    districts: list[Group]
    size_classes: list[Group]
    all_communes: Group  # the inhabitants of the state counted once, for the total rows
    progress: Progress

    @property
    def categories_total(self) -> Decimal:
        return sum((c.approved for c in self.categories), ZERO)


def ministry_dashboard(scope: Scope) -> MinistryDashboard:
    """Everything the ministry's dashboard shows, in fourteen queries."""
    awarded = awards(scope)  # two queries
    money = ledger(scope, awarded=awarded)  # six
    organisations = commune_organisations()  # one
    return MinistryDashboard(
        scope=scope,
        budget=budget(scope),  # two
        total=money.total,
        categories=approved_by_category(scope),  # two
        districts=by_district(money, organisations),
        size_classes=by_size_class(money, organisations),
        all_communes=all_communes(money, organisations),
        progress=progress(scope, awarded),  # one
    )


@dataclass(frozen=True)
class CommuneDashboard:
    """A commune's own figures and awards beside the averages of its size class and of all communes; nothing
    about any other single commune."""

    organisation: Organisation
    money: Money
    awards: list[Award]
    size_class: Group  # the communes of its size class (districts: the districts)
    all_communes: Group
    category_labels: dict[str, str]  # code → label of every measure category

    @property
    def awards_with_categories(self) -> list[tuple[Award, list[str]]]:
        return [(a, [self.category_labels.get(code, code) for code in a.categories]) for a in self.awards]

    @property
    def approved_per_inhabitant(self) -> Decimal | None:
        population = self.organisation.population
        return round_commercial(self.money.approved / population) if population else None

    @property
    def paid_per_inhabitant(self) -> Decimal | None:
        population = self.organisation.population
        return round_commercial(self.money.paid / population) if population else None


def commune_dashboard(scope: Scope, organisation: Organisation) -> CommuneDashboard:
    """The commune's dashboard, in ten queries: every commune's money is read to form the averages, but only the
    averages leave this function."""
    awarded = awards(scope)
    money = ledger(scope, awarded=awarded)
    organisations = commune_organisations()
    code = size_group_code(organisation)
    size_class = next(g for g in by_size_class(money, organisations) if g.code == code)
    own = [a for a in awarded if a.application.organisation_id == organisation.pk]
    labels = {c.code: c.label for c in MeasureCategory.objects.all()}
    return CommuneDashboard(
        organisation=organisation,
        money=money.of(organisation.pk),
        awards=sorted(own, key=lambda a: (a.awarded_on, a.number), reverse=True),
        size_class=size_class,
        all_communes=all_communes(money, organisations),
        category_labels=labels,
    )
