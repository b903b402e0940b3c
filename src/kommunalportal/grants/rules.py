"""Pure rules of the grants domain: the checks of an application, allocation of a call's budget, drawdowns."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Decimal
from typing import TypeVar

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kommunalportal.core.money import CENT, format_amount, round_commercial, split_largest_remainder, to_cents

K = TypeVar("K")


class AllocationError(ValueError):
    """The budget cannot be split as asked (the message says why, for the programme manager)."""


@dataclass(frozen=True)
class AllocationKey:
    """How much weight a commune gets: population and financial capacity, combined by weights.

    The key of commune i is  population_weight · p_i / Σp  +  capacity_weight · c_i / Σc,
    where c is a need figure (higher for communes with less financial capacity) supplied per commune.
    """

    population_weight: Decimal
    capacity_weight: Decimal


def combine_keys(
    key: AllocationKey, populations: Mapping[K, int], capacities: Mapping[K, Decimal] | None = None
) -> dict[K, Decimal]:
    """The normalised allocation key of every commune (sums to 1 when any weight is set)."""
    if key.population_weight < 0 or key.capacity_weight < 0:
        raise AllocationError(_("Weights cannot be negative."))
    if key.population_weight + key.capacity_weight == 0:
        raise AllocationError(_("At least one weight must be greater than zero."))
    if key.capacity_weight and capacities is None:
        raise AllocationError(_("The key weights financial capacity, but no figures were imported."))
    total_population = sum(populations.values())
    total_capacity = sum(capacities.values(), Decimal(0)) if capacities else Decimal(0)
    combined: dict[K, Decimal] = {}
    for commune, population in populations.items():
        share = Decimal(0)
        if key.population_weight and total_population:
            share += key.population_weight * Decimal(population) / total_population
        if key.capacity_weight and capacities:
            if commune not in capacities:
                raise AllocationError(_("No financial-capacity figure for %(commune)s.") % {"commune": commune})
            if total_capacity:
                share += key.capacity_weight * capacities[commune] / total_capacity
        combined[commune] = share
    return combined


def allocate_with_floor(budget: Decimal, keys: Mapping[K, Decimal], floor: Decimal) -> dict[K, Decimal]:
    """Split `budget` in proportion to `keys`, to the cent, with nobody below `floor`.

    Communes whose proportional share would fall below the floor receive the floor; the rest of the
    budget is shared among the others in proportion to their keys, repeated until every share is at
    least the floor. The remaining cents go by largest remainder, so the envelopes sum to the budget.
    """
    try:
        to_cents(budget)
        to_cents(floor)
    except ValueError:
        raise AllocationError(_("Budget and floor must be given in whole cents.")) from None
    if budget < 0 or floor < 0:
        raise AllocationError(_("Budget and floor cannot be negative."))
    if not keys:
        raise AllocationError(_("There is no commune to allocate to."))
    if floor * len(keys) > budget:
        raise AllocationError(
            _("The budget of %(budget)s does not cover the floor of %(floor)s for %(count)d communes.")
            % {"budget": format_amount(budget), "floor": format_amount(floor), "count": len(keys)}
        )
    floored: dict[K, Decimal] = {}
    proportional = dict(keys)
    rest = budget
    while proportional:
        key_sum = sum(proportional.values(), Decimal(0))
        below = [c for c, k in proportional.items() if key_sum == 0 or rest * k / key_sum < floor]
        if not below:
            break
        for commune in below:
            floored[commune] = floor
            del proportional[commune]
            rest -= floor
    if proportional:
        shares = split_largest_remainder(rest, proportional)
    else:
        # Everybody is at the floor; what is left over is shared equally.
        shares = {}
        extra = split_largest_remainder(rest, dict.fromkeys(floored, 1)) if rest else {}
        floored = {c: floor + extra.get(c, Decimal(0)) for c in floored}
    return {commune: (floored[commune] if commune in floored else shares[commune]).quantize(CENT) for commune in keys}


def allocate_in_pots(
    budget: Decimal,
    keys: Mapping[K, Decimal],
    floor: Decimal,
    pot_of: Mapping[K, str],
    pot_rates: Mapping[str, Decimal],
) -> dict[K, Decimal]:
    """Split the budget first into pots (e.g. districts and municipalities) by rate, then each pot by key.

    The pot rates must sum to 1; each pot's amount is fixed by largest remainder, so the pots and the
    envelopes inside them sum exactly to the budget.
    """
    if sum(pot_rates.values(), Decimal(0)) != 1:
        raise AllocationError(_("The shares of the pots must add up to 100 %."))
    pot_budgets = split_largest_remainder(budget, dict(pot_rates))
    result: dict[K, Decimal] = {}
    for pot, pot_budget in pot_budgets.items():
        members = {c: k for c, k in keys.items() if pot_of[c] == pot}
        if not members:
            if pot_budget:
                raise AllocationError(_("The pot “%(pot)s” has a budget but no communes.") % {"pot": pot})
            continue
        result.update(allocate_with_floor(pot_budget, members, floor))
    missing = set(keys) - set(result)
    if missing:
        raise AllocationError(_("Some communes belong to no pot."))
    return result


# --- Checks of an application -------------------------------------------------------------------


@dataclass(frozen=True)
class MeasureFacts:
    category: str
    title: str
    planned_costs: Decimal
    starts_on: date
    ends_on: date


@dataclass(frozen=True)
class ApplicationFacts:
    """Everything the automatic checks need, gathered by the service; no database here."""

    applicant_kind: str
    eligible_kinds: frozenset[str]
    eligible_categories: frozenset[str]
    measures: tuple[MeasureFacts, ...]
    requested: Decimal
    own_share: Decimal
    third_party: Decimal
    envelope: Decimal | None  # None: the call has no envelopes (competitive)
    financing_type: str
    funding_rate: Decimal | None
    min_own_share_rate: Decimal
    min_grant: Decimal
    max_grant: Decimal | None
    max_duration_months: int | None
    deadline_on: date
    submitted_on: date
    has_title: bool
    has_not_begun: bool
    funded_elsewhere: frozenset[tuple[str, str]]  # (category, title) of the commune's other live applications


@dataclass(frozen=True)
class CheckResult:
    code: str
    label: str
    passed: bool
    reason: str = ""


def _months_between(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + (end.month - start.month) + (1 if end.day >= start.day else 0)


def check_application(facts: ApplicationFacts) -> list[CheckResult]:
    """The automatic checks, each with pass/fail and a reason a reviewer and the commune can read."""
    results: list[CheckResult] = []

    def check(code: str, label: str, passed: bool, reason: Callable[[], str]) -> None:
        # The reason is worded only for a check that fails (a submission runs every check).
        results.append(CheckResult(code, label, passed, "" if passed else reason()))

    total = sum((m.planned_costs for m in facts.measures), Decimal(0))
    check(
        "eligible_applicant", _("Eligible applicant"), facts.applicant_kind in facts.eligible_kinds,
        lambda: _("This kind of commune cannot apply in this call."),
    )  # fmt: skip
    foreign = sorted({m.category for m in facts.measures} - facts.eligible_categories)
    check(
        "eligible_categories", _("Eligible measure categories"), not foreign,
        lambda: _("Not eligible in this call: %(categories)s") % {"categories": ", ".join(foreign)},
    )  # fmt: skip
    check(
        "complete", _("Complete"), bool(facts.measures) and facts.has_title and facts.has_not_begun,
        lambda: _("Needs a title, at least one measure and the declaration that the measure has not begun."),
    )  # fmt: skip
    paid_in = facts.requested + facts.own_share + facts.third_party
    check(
        "plan_balanced", _("Financing plan balanced"), paid_in == total and total > 0,
        lambda: _("Grant, own share and third-party funds add up to %(financed)s, the measures cost %(costs)s.")
        % {"financed": format_amount(paid_in), "costs": format_amount(total)},
    )  # fmt: skip
    needed_own = (facts.min_own_share_rate * total).quantize(CENT)
    check(
        "own_share", _("Own share"), facts.own_share >= needed_own,
        lambda: _("The own share must be at least %(needed)s.") % {"needed": format_amount(needed_own)},
    )  # fmt: skip
    rate = facts.funding_rate
    if facts.financing_type == "proportional" and rate is not None:
        ceiling = (rate * total).quantize(CENT, rounding=ROUND_DOWN)
        check(
            "funding_rate", _("Funding rate"), facts.requested <= ceiling,
            lambda: _("At a funding rate of %(rate)s %% the grant can be at most %(ceiling)s.")
            % {"rate": (rate * 100).normalize(), "ceiling": format_amount(ceiling)},
        )  # fmt: skip
    envelope = facts.envelope
    if envelope is not None:
        check(
            "within_envelope", _("Within the envelope"), facts.requested <= envelope,
            lambda: _("The envelope of the commune is %(envelope)s.") % {"envelope": format_amount(envelope)},
        )  # fmt: skip
    within_range = facts.requested >= facts.min_grant and (
        facts.max_grant is None or facts.requested <= facts.max_grant
    )
    check(
        "grant_range", _("Size of the grant"), within_range and facts.requested > 0,
        lambda: _("The grant must lie between %(low)s and %(high)s.")
        % {"low": format_amount(facts.min_grant), "high": format_amount(facts.max_grant) if facts.max_grant else "–"},
    )  # fmt: skip
    if facts.max_duration_months:
        too_long = [
            m.title for m in facts.measures if _months_between(m.starts_on, m.ends_on) > facts.max_duration_months
        ]
        check(
            "duration", _("Duration"), not too_long,
            lambda: _("Longer than %(months)d months: %(titles)s")
            % {"months": facts.max_duration_months, "titles": ", ".join(too_long)},
        )  # fmt: skip
    check(
        "deadline", _("Deadline"), facts.submitted_on <= facts.deadline_on,
        lambda: _("The deadline was %(date)s.") % {"date": date_format(facts.deadline_on, "SHORT_DATE_FORMAT")},
    )  # fmt: skip
    twice = sorted(m.title for m in facts.measures if (m.category, m.title.strip().lower()) in facts.funded_elsewhere)
    check(
        "not_funded_twice", _("Not funded twice"), not twice,
        lambda: _("Already in another application of the commune: %(titles)s") % {"titles": ", ".join(twice)},
    )  # fmt: skip
    return results


# --- Competitive calls: jury ranking ------------------------------------------------------------------


@dataclass(frozen=True)
class RankedApplication:
    key: str
    score: Decimal  # weighted average, 0–10
    requested: Decimal


def weighted_score(weights: Mapping[str, Decimal], scores: Mapping[str, list[int]]) -> Decimal | None:
    """The weighted average of the jurors' mean score per criterion; None until every criterion has a score."""
    total_weight = sum(weights.values(), Decimal(0))
    if not weights or total_weight <= 0 or any(not scores.get(criterion) for criterion in weights):
        return None
    weighted = sum(
        (weight * Decimal(sum(scores[criterion])) / len(scores[criterion]) for criterion, weight in weights.items()),
        Decimal(0),
    )
    return (weighted / total_weight).quantize(Decimal("0.001"))


def rank(applications: list[RankedApplication]) -> list[RankedApplication]:
    """Best score first; ties go to the smaller request, then to the earlier reference."""
    return sorted(applications, key=lambda a: (-a.score, a.requested, a.key))


def fund_down_the_ranking(ranked: list[RankedApplication], budget: Decimal) -> tuple[list[str], Decimal]:
    """Fund in the order of the ranking while the budget lasts; a project that no longer fits is passed
    over and the next smaller ones may still be funded. Returns the funded keys and what is left."""
    funded: list[str] = []
    left = budget
    for application in ranked:
        if application.requested <= left:
            funded.append(application.key)
            left -= application.requested
    return funded, left


def drawdown_amount(*, financing_type: str, funding_rate: Decimal | None, expenses: Decimal) -> Decimal:
    """What a drawdown for these expenses may be: under Anteilfinanzierung the grant's share of them
    (pro rata, rounded commercially to the cent), otherwise the expenses themselves."""
    if expenses < 0:
        raise ValueError("expenses cannot be negative")
    if financing_type == "proportional":
        if funding_rate is None:
            raise ValueError("proportional financing needs a funding rate")
        return round_commercial(expenses * funding_rate)
    return expenses.quantize(CENT)
