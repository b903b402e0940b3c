"""Interest on grant money under § 49a VwVfG (in Hessen § 49a HVwVfG, same wording).

A refund claimed back after a grant decision is revoked bears interest at five percentage points above
the base rate (Basiszinssatz, § 247 BGB) a year from the day the decision lost its effect (§ 49a (3));
for money not used soon after payment the same interest may be charged for the days until its use
(Zwischenzinsen, § 49a (4)). Interest runs from the day after `start` up to and including `end`
(§ 187 (1), § 188 BGB) and is counted in actual days over a year of 365 days, as the state's budget
administration does; only the total is rounded, commercially, to the cent.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Context, Decimal, DivisionByZero, Inexact, InvalidOperation, Overflow
from itertools import pairwise

from kommunalportal.core.money import round_commercial

SURCHARGE = Decimal("0.05")
DAYS_PER_YEAR = Decimal(365)
ONE_DAY = timedelta(days=1)

# Principal × rate × days is a product of finite decimals; this context keeps it exact or raises.
_EXACT = Context(prec=60, traps=[InvalidOperation, DivisionByZero, Overflow, Inexact])
# The one division by 365 before the total is rounded, with digits to spare for the rounding to the cent.
_WIDE = Context(prec=60, traps=[InvalidOperation, DivisionByZero, Overflow])


@dataclass(frozen=True)
class BaseRate:
    """The base rate in force from `valid_from` until the next one, as a fraction (-0.0088 is −0.88 %)."""

    valid_from: date
    rate: Decimal


@dataclass(frozen=True)
class InterestPeriod:
    """Part of a run at one annual rate; like the run, it starts the day before its first interest day."""

    start: date
    end: date
    days: int
    annual_rate: Decimal
    amount: Decimal  # unrounded: principal × annual_rate × days / 365


@dataclass(frozen=True)
class InterestResult:
    """The interest on `principal` for the run from `start` to `end`, period by period and in total."""

    principal: Decimal
    start: date
    end: date
    periods: tuple[InterestPeriod, ...]
    total: Decimal  # rounded to the cent


PUBLISHED_BASE_RATES: tuple[BaseRate, ...] = (
    BaseRate(date(2015, 1, 1), Decimal("-0.0083")),
    BaseRate(date(2015, 7, 1), Decimal("-0.0083")),
    BaseRate(date(2016, 1, 1), Decimal("-0.0083")),
    BaseRate(date(2016, 7, 1), Decimal("-0.0088")),
    BaseRate(date(2017, 1, 1), Decimal("-0.0088")),
    BaseRate(date(2017, 7, 1), Decimal("-0.0088")),
    BaseRate(date(2018, 1, 1), Decimal("-0.0088")),
    BaseRate(date(2018, 7, 1), Decimal("-0.0088")),
    BaseRate(date(2019, 1, 1), Decimal("-0.0088")),
    BaseRate(date(2019, 7, 1), Decimal("-0.0088")),
    BaseRate(date(2020, 1, 1), Decimal("-0.0088")),
    BaseRate(date(2020, 7, 1), Decimal("-0.0088")),
    BaseRate(date(2021, 1, 1), Decimal("-0.0088")),
    BaseRate(date(2021, 7, 1), Decimal("-0.0088")),
    BaseRate(date(2022, 1, 1), Decimal("-0.0088")),
    BaseRate(date(2022, 7, 1), Decimal("-0.0088")),
    BaseRate(date(2023, 1, 1), Decimal("0.0162")),
    BaseRate(date(2023, 7, 1), Decimal("0.0312")),
    BaseRate(date(2024, 1, 1), Decimal("0.0362")),
    BaseRate(date(2024, 7, 1), Decimal("0.0337")),
    BaseRate(date(2025, 1, 1), Decimal("0.0227")),
    BaseRate(date(2025, 7, 1), Decimal("0.0127")),
)
"""The base rate (Basiszinssatz nach § 247 BGB) as published by the Deutsche Bundesbank, 01.01.2015–01.07.2025.

One entry per half-year date (1 January, 1 July), unchanged values included, as the Bundesbank lists
them. The ministry keeps the table up to date in the portal; this tuple only seeds it.
"""


def _sorted_rates(base_rates: Sequence[BaseRate]) -> list[BaseRate]:
    rates = sorted(base_rates, key=lambda r: r.valid_from)
    for earlier, later in pairwise(rates):
        if earlier.valid_from == later.valid_from:
            raise ValueError(f"two base rates are given for {later.valid_from.isoformat()}")
    return rates


def base_rate_on(day: date, base_rates: Sequence[BaseRate]) -> Decimal:
    """The base rate (§ 247 BGB) in force on `day`: the latest one published on or before it."""
    applicable = [r for r in _sorted_rates(base_rates) if r.valid_from <= day]
    if not applicable:
        raise ValueError(f"no base rate is known for {day.isoformat()}")
    return applicable[-1].rate


def interest(
    *,
    principal: Decimal,
    start: date,
    end: date,
    base_rates: Sequence[BaseRate],
    surcharge: Decimal = SURCHARGE,
) -> InterestResult:
    """Interest under § 49a (3) and (4) VwVfG on `principal` for the days after `start` up to `end`."""
    if principal < 0:
        raise ValueError(f"the principal cannot be negative (got {principal})")
    if end < start:
        raise ValueError(f"the run cannot end ({end.isoformat()}) before it starts ({start.isoformat()})")
    if start == end:
        return InterestResult(principal=principal, start=start, end=end, periods=(), total=round_commercial(Decimal(0)))

    first_day = start + ONE_DAY
    rates = _sorted_rates(base_rates)
    if not rates or rates[0].valid_from > first_day:
        raise ValueError(f"no base rate is known for {first_day.isoformat()}, the first day of interest")

    # Periods change only where the annual rate does; an unchanged half-year value adds no row.
    current = base_rate_on(first_day, rates)
    boundaries: list[tuple[date, Decimal]] = [(start, current)]
    for entry in rates:
        if first_day < entry.valid_from <= end and entry.rate != current:
            boundaries.append((entry.valid_from - ONE_DAY, entry.rate))
            current = entry.rate

    periods: list[InterestPeriod] = []
    numerator_sum = Decimal(0)
    for index, (period_start, base) in enumerate(boundaries):
        period_end = boundaries[index + 1][0] if index + 1 < len(boundaries) else end
        days = (period_end - period_start).days
        # The surcharge may turn a negative base into a positive rate; the rate itself never falls below zero.
        annual_rate = max(_EXACT.add(base, surcharge), Decimal(0))
        numerator = _EXACT.multiply(_EXACT.multiply(principal, annual_rate), Decimal(days))
        numerator_sum = _EXACT.add(numerator_sum, numerator)
        periods.append(
            InterestPeriod(
                start=period_start, end=period_end, days=days, annual_rate=annual_rate,
                amount=numerator / DAYS_PER_YEAR,
            )
        )  # fmt: skip
    # One division for the whole run, so that the rounded total does not carry the periods' digit limits.
    total = round_commercial(_WIDE.divide(numerator_sum, DAYS_PER_YEAR))
    return InterestResult(principal=principal, start=start, end=end, periods=tuple(periods), total=total)
