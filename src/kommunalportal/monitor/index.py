"""The digitalisation index: one value from 0 to 100 per commune and year, and how evenly it is spread.

    index = 0.30 × funding + 0.70 × self-assessment + 0.00 × online services      (each component 0–100)

- funding: the share of the seven indicator areas in which the commune had at least one measure of a granted
  application by the end of the year (what the programme bought);
- self-assessment: the commune's submitted answers of that year's questionnaire, each scored from 0 to 1 and
  weighted by its question's weight; a commune that did not answer that year keeps its latest earlier answers;
- online services: the share of the catalogue's services the commune runs on the platform, once the Digitales
  Rathaus exists; until then the component has the weight 0 and no value.

A component without data counts as 0 (nothing bought, nothing reported), so answering never lowers the
index. A commune with neither an award nor a submitted answer has no index at all. docs/digitalisation-index.md
explains the choices and their limits.

The functions up to `index_table` are pure rules on plain values (no ORM); `index_table` and
`index_by_commune` read the database in a constant number of queries.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from kommunalportal.organisations.models import OrganisationKind
from kommunalportal.organisations.rules import size_class_for

from .figures import Scope, awards
from .models import SCALE_MAX, Answer, IndicatorArea, QuestionKind, Questionnaire, ResponseStatus

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
INDEX_PLACES = Decimal("0.1")  # the index is published with one decimal
STATISTIC_PLACES = Decimal("0.01")  # mean, quartiles and spreads
GINI_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class Weights:
    """How much each component counts; the weights sum to 1."""

    funding: Decimal = Decimal("0.30")
    self_assessment: Decimal = Decimal("0.70")
    # The Digitales Rathaus is not built yet: the component is part of the formula with the weight 0. When it
    # is, the proposed weights are 0.25 / 0.55 / 0.20 (see docs/digitalisation-index.md).
    online_services: Decimal = Decimal("0.00")

    def __post_init__(self) -> None:
        parts = (self.funding, self.self_assessment, self.online_services)
        if any(part < 0 for part in parts) or sum(parts) != ONE:
            raise ValueError("the weights of the components must be non-negative and sum to 1")


WEIGHTS = Weights()

# Which indicator area a measure category of the grants feeds. A category that is not listed (a programme
# manager may add one) feeds no area until it is added here.
CATEGORY_AREAS: Mapping[str, str] = {area.value: area.value for area in IndicatorArea}
AREA_COUNT = len(IndicatorArea)

DISTRICT_GROUP = "district"  # districts (Landkreise) form their own group; size classes are for municipalities


# Components


@dataclass(frozen=True)
class AnswerFacts:
    """One answer with what scoring needs of its question."""

    kind: str
    weight: Decimal
    value: Decimal
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    area: str = ""


def _clamp(value: Decimal) -> Decimal:
    return min(ONE, max(ZERO, value))


def question_score(
    kind: str, value: Decimal, *, min_value: Decimal | None = None, max_value: Decimal | None = None
) -> Decimal:
    """An answer as a share from 0 to 1: yes is 1 and no 0; a scale step divided by 4; a number by where it
    lies between the question's bounds (below the smallest 0, above the largest 1)."""
    if kind == QuestionKind.YES_NO:
        return ONE if value >= 1 else ZERO
    if kind == QuestionKind.SCALE:
        return _clamp(value / SCALE_MAX)
    if kind == QuestionKind.NUMBER:
        if min_value is None or max_value is None or min_value >= max_value:
            raise ValueError("a number question needs a smallest value below its largest")
        return _clamp((value - min_value) / (max_value - min_value))
    raise ValueError(f"unknown kind of question: {kind}")


def self_assessment_score(answers: Iterable[AnswerFacts]) -> Decimal | None:
    """The weighted mean of the answers' scores, 0 to 100; None without answers. Questions added after a
    response was submitted have no answer in it and do not count."""
    total_weight = ZERO
    total = ZERO
    for answer in answers:
        score = question_score(answer.kind, answer.value, min_value=answer.min_value, max_value=answer.max_value)
        total += answer.weight * score
        total_weight += answer.weight
    if total_weight <= 0:
        return None
    return HUNDRED * total / total_weight


def funding_score(categories: Iterable[str]) -> Decimal:
    """The share of the indicator areas that granted measures reached, 0 to 100."""
    areas = {CATEGORY_AREAS[code] for code in categories if code in CATEGORY_AREAS}
    return HUNDRED * len(areas) / AREA_COUNT


def combine(
    *,
    funding: Decimal,
    self_assessment: Decimal | None,
    online_services: Decimal | None = None,
    weights: Weights = WEIGHTS,
) -> Decimal:
    """The index from its components (a missing one counts 0), rounded half up to one decimal."""
    total = (
        weights.funding * funding
        + weights.self_assessment * (self_assessment if self_assessment is not None else ZERO)
        + weights.online_services * (online_services if online_services is not None else ZERO)
    )
    return total.quantize(INDEX_PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class IndexValue:
    """A commune's index in one year, with its components (0–100) and where the self-assessment came from."""

    value: Decimal
    funding: Decimal
    self_assessment: Decimal | None  # None: the commune has never submitted a self-assessment
    assessed_in: int | None  # the year of the questionnaire used; earlier than the index year when carried on
    online_services: Decimal | None = None

    def carried_forward(self, year: int) -> bool:
        return self.assessed_in is not None and self.assessed_in < year


def commune_index(
    *,
    categories: Iterable[str],
    answers: Iterable[AnswerFacts],
    assessed_in: int | None,
    online_services: Decimal | None = None,
    weights: Weights = WEIGHTS,
) -> IndexValue:
    """A commune's index from the categories of its awards so far, its answers and (later) its online services."""
    funding = funding_score(categories)
    assessment = self_assessment_score(answers)
    return IndexValue(
        value=combine(funding=funding, self_assessment=assessment, online_services=online_services, weights=weights),
        funding=funding.quantize(INDEX_PLACES, rounding=ROUND_HALF_UP),
        self_assessment=assessment.quantize(INDEX_PLACES, rounding=ROUND_HALF_UP) if assessment is not None else None,
        assessed_in=assessed_in if assessment is not None else None,
        online_services=online_services,
    )


@dataclass(frozen=True)
class AreaScore:
    funded: bool
    self_assessment: Decimal | None  # 0–100 over the questions of the area; None without any


def area_profile(*, categories: Iterable[str], answers: Iterable[AnswerFacts]) -> dict[str, AreaScore]:
    """Each indicator area: whether funding reached it and the self-assessment of its questions."""
    funded = {CATEGORY_AREAS[code] for code in categories if code in CATEGORY_AREAS}
    by_area: dict[str, list[AnswerFacts]] = defaultdict(list)
    for answer in answers:
        by_area[answer.area].append(answer)
    return {
        area.value: AreaScore(area.value in funded, self_assessment_score(by_area.get(area.value, [])))
        for area in IndicatorArea
    }


def latest_assessments(responses: Iterable[tuple[int, int]], year: int) -> dict[int, int]:
    """Per commune, the year of its latest submitted self-assessment up to `year`, from (commune, year) pairs."""
    latest: dict[int, int] = {}
    for commune, answered_in in responses:
        if answered_in <= year and answered_in > latest.get(commune, -1):
            latest[commune] = answered_in
    return latest


# Distribution and equality


def quantile(values: Iterable[Decimal], share: Decimal) -> Decimal:
    """The quantile by linear interpolation between the closest ranks (as spreadsheets' QUANTILE.INC)."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no values")
    if not ZERO <= share <= ONE:
        raise ValueError("the share must lie between 0 and 1")
    position = (len(ordered) - 1) * share
    lower = int(position)
    fraction = position - lower
    if lower + 1 >= len(ordered):
        return ordered[lower]
    return ordered[lower] + fraction * (ordered[lower + 1] - ordered[lower])


def _stat(value: Decimal) -> Decimal:
    return value.quantize(STATISTIC_PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Distribution:
    count: int
    mean: Decimal
    minimum: Decimal
    q1: Decimal
    median: Decimal
    q3: Decimal
    maximum: Decimal

    @property
    def interquartile_range(self) -> Decimal:
        return self.q3 - self.q1


def distribution(values: Iterable[Decimal]) -> Distribution | None:
    """Count, mean, minimum, quartiles and maximum, to two decimals; None without values."""
    ordered = sorted(values)
    if not ordered:
        return None
    return Distribution(
        count=len(ordered),
        mean=_stat(sum(ordered, ZERO) / len(ordered)),
        minimum=ordered[0],
        q1=_stat(quantile(ordered, Decimal("0.25"))),
        median=_stat(quantile(ordered, Decimal("0.5"))),
        q3=_stat(quantile(ordered, Decimal("0.75"))),
        maximum=ordered[-1],
    )


def gini(values: Iterable[Decimal]) -> Decimal:
    """The Gini coefficient: the mean absolute difference of all pairs over twice the mean,

        G = Σᵢ Σⱼ |xᵢ − xⱼ| / (2 n² x̄) = (2 Σᵢ i·x₍ᵢ₎) / (n Σᵢ xᵢ) − (n + 1) / n   (x₍ᵢ₎ ascending, i from 1),

    0 when all values are equal (or all 0), at most (n − 1)/n when one commune has everything. Computed
    exactly, rounded half up to four decimals. Values must not be negative."""
    ordered = sorted(Fraction(value) for value in values)
    if any(value < 0 for value in ordered):
        raise ValueError("the Gini coefficient is defined for values of 0 or more")
    n = len(ordered)
    total = sum(ordered, Fraction(0))
    if n == 0 or total == 0:
        return ZERO.quantize(GINI_PLACES)
    ranked = sum((rank * value for rank, value in enumerate(ordered, start=1)), Fraction(0))
    coefficient = Fraction(2) * ranked / (n * total) - Fraction(n + 1, n)
    return (Decimal(coefficient.numerator) / Decimal(coefficient.denominator)).quantize(
        GINI_PLACES, rounding=ROUND_HALF_UP
    )


@dataclass(frozen=True)
class Bin:
    lower: Decimal
    upper: Decimal  # exclusive, except for the last bin, which includes 100
    count: int


def histogram(values: Iterable[Decimal], *, width: int = 10, top: int = 100) -> list[Bin]:
    """How many values fall into each band of `width` points from 0 to `top`."""
    if width <= 0 or top % width:
        raise ValueError("the width must divide the top")
    counts = [0] * (top // width)
    for value in values:
        if not 0 <= value <= top:
            raise ValueError("a value lies outside the histogram")
        counts[min(int(value // width), len(counts) - 1)] += 1
    return [Bin(Decimal(i * width), Decimal((i + 1) * width), count) for i, count in enumerate(counts)]


def size_group(kind: str, population: int | None) -> str | None:
    """The group a commune is compared in: its size class (municipalities), the districts, or none."""
    if kind == OrganisationKind.DISTRICT:
        return DISTRICT_GROUP
    if population is None:
        return None
    return size_class_for(population).code


@dataclass(frozen=True)
class GroupMean:
    count: int
    mean: Decimal


def group_means(values: Mapping[int, Decimal], groups: Mapping[int, str | None]) -> dict[str, GroupMean]:
    """The mean index of each group, over the communes that have both a value and a group."""
    members: dict[str, list[Decimal]] = defaultdict(list)
    for commune, value in values.items():
        group = groups.get(commune)
        if group is not None:
            members[group].append(value)
    return {group: GroupMean(len(found), _stat(sum(found, ZERO) / len(found))) for group, found in members.items()}


def size_class_spread(means: Mapping[str, GroupMean]) -> Decimal | None:
    """The gap between the highest and the lowest mean of the municipalities' size classes (districts are
    left out: a district administration is not comparable by inhabitants); None with fewer than two classes."""
    found = [mean.mean for group, mean in means.items() if group != DISTRICT_GROUP]
    if len(found) < 2:
        return None
    return max(found) - min(found)


@dataclass(frozen=True)
class Equality:
    year: int
    distribution: Distribution | None
    gini: Decimal | None
    group_means: dict[str, GroupMean]
    spread: Decimal | None


def equality(year: int, values: Mapping[int, Decimal], groups: Mapping[int, str | None]) -> Equality:
    """The state-wide distribution of one year's index and how equal it is."""
    means = group_means(values, groups)
    return Equality(
        year=year,
        distribution=distribution(values.values()),
        gini=gini(values.values()) if values else None,
        group_means=means,
        spread=size_class_spread(means),
    )


# Reads


def index_years(today: date) -> list[int]:
    """The years of the index: those with a published questionnaire that has opened by `today`, oldest first."""
    return sorted(Questionnaire.objects.filter(is_published=True, opens_on__lte=today).values_list("year", flat=True))


def index_table(years: Iterable[int]) -> dict[int, dict[int, IndexValue]]:
    """Every commune's index in each of the years (by organisation primary key; communes without an award
    or a submitted self-assessment up to the year are absent), in three queries however much data there is."""
    wanted = sorted(set(years))
    if not wanted:
        return {}
    last = wanted[-1]
    awarded: list[tuple[int, int, tuple[str, ...]]] = [
        (award.application.organisation_id, award.awarded_on.year, award.categories) for award in awards(Scope())
    ]
    answers: dict[tuple[int, int], list[AnswerFacts]] = defaultdict(list)
    rows = Answer.objects.filter(
        response__status=ResponseStatus.SUBMITTED,
        response__questionnaire__is_published=True,
        response__questionnaire__year__lte=last,
    ).values_list(
        "response__organisation_id", "response__questionnaire__year", "question__kind", "question__weight",
        "value", "question__min_value", "question__max_value", "question__area",
    )  # fmt: skip
    for commune, answered_in, kind, weight, value, min_value, max_value, area in rows.order_by():
        answers[commune, answered_in].append(AnswerFacts(kind, weight, value, min_value, max_value, area))
    result: dict[int, dict[int, IndexValue]] = {}
    for year in wanted:
        categories: dict[int, list[str]] = defaultdict(list)
        for commune, awarded_in, codes in awarded:
            if awarded_in <= year:
                categories[commune].extend(codes)
        assessed = latest_assessments(answers.keys(), year)
        result[year] = {
            commune: commune_index(
                categories=categories.get(commune, ()),
                answers=answers.get((commune, assessed[commune]), ()) if commune in assessed else (),
                assessed_in=assessed.get(commune),
            )
            for commune in categories.keys() | assessed.keys()
        }
    return result


def index_by_commune(year: int) -> dict[int, Decimal]:
    """The index of every commune with data in `year`, by organisation primary key (0–100, one decimal)."""
    return {commune: value.value for commune, value in index_table([year]).get(year, {}).items()}
