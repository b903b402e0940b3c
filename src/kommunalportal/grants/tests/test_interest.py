from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kommunalportal.grants.interest import (
    PUBLISHED_BASE_RATES,
    SURCHARGE,
    BaseRate,
    InterestResult,
    base_rate_on,
    interest,
)


def run(principal: str, start: date, end: date, base_rates=PUBLISHED_BASE_RATES) -> InterestResult:
    return interest(principal=Decimal(principal), start=start, end=end, base_rates=base_rates)


def exact(result: InterestResult) -> Fraction:
    """The interest of all periods as an exact fraction: principal × annual rate × days / 365."""
    return sum(
        (Fraction(result.principal) * Fraction(p.annual_rate) * p.days / 365 for p in result.periods), Fraction(0)
    )


# --- Worked examples -----------------------------------------------------------------------------------


def test_a_run_within_one_base_rate_period():
    # 10,000.00 € from 15.09.2020 to 15.03.2021: interest days 16.09.2020–15.03.2021
    #   = 15 + 31 + 30 + 31 (2020) + 31 + 28 + 15 (2021) = 181 days
    #   base −0.88 % + 5 = 4.12 % (the unchanged value of 01.01.2021 starts no new period)
    #   10000 × 0.0412 × 181 / 365 = 74572 / 365 = 204.3068… → 204.31 €
    result = run("10000.00", date(2020, 9, 15), date(2021, 3, 15))
    assert len(result.periods) == 1
    (period,) = result.periods
    assert (period.start, period.end, period.days) == (date(2020, 9, 15), date(2021, 3, 15), 181)
    assert period.annual_rate == Decimal("0.0412")
    assert period.amount == Decimal(74572) / 365
    assert result.total == Decimal("204.31")


def test_a_run_across_the_change_of_01_01_2023_has_two_periods():
    # 20,000.00 € from 15.11.2022 to 15.02.2023
    #   15.11.–31.12.2022: 15 + 31 = 46 days at −0.88 + 5 = 4.12 %
    #       20000 × 0.0412 × 46 / 365 = 37904 / 365 = 103.8465…
    #   01.01.–15.02.2023: 31 + 15 = 46 days at 1.62 + 5 = 6.62 %
    #       20000 × 0.0662 × 46 / 365 = 60904 / 365 = 166.8602…
    #   total (37904 + 60904) / 365 = 98808 / 365 = 270.7068… → 270.71 €
    result = run("20000.00", date(2022, 11, 15), date(2023, 2, 15))
    first, second = result.periods
    assert (first.start, first.end, first.days, first.annual_rate) == (
        date(2022, 11, 15), date(2022, 12, 31), 46, Decimal("0.0412"),
    )  # fmt: skip
    assert (second.start, second.end, second.days, second.annual_rate) == (
        date(2022, 12, 31), date(2023, 2, 15), 46, Decimal("0.0662"),
    )  # fmt: skip
    assert first.amount == Decimal(37904) / 365
    assert second.amount == Decimal(60904) / 365
    assert result.total == Decimal("270.71")


def test_a_run_across_two_changes_has_three_periods():
    # 50,000.00 € from 01.06.2023 to 31.01.2024
    #   02.06.–30.06.2023:  29 days at 1.62 + 5 = 6.62 %: 50000 × 0.0662 × 29 / 365 =  95990 / 365 =  262.9863…
    #   01.07.–31.12.2023: 184 days at 3.12 + 5 = 8.12 %: 50000 × 0.0812 × 184 / 365 = 747040 / 365 = 2046.6849…
    #   01.01.–31.01.2024:  31 days at 3.62 + 5 = 8.62 %: 50000 × 0.0862 × 31 / 365 = 133610 / 365 =  366.0547…
    #   total 976640 / 365 = 2675.7260… → 2675.73 €
    result = run("50000.00", date(2023, 6, 1), date(2024, 1, 31))
    assert [(p.days, p.annual_rate) for p in result.periods] == [
        (29, Decimal("0.0662")), (184, Decimal("0.0812")), (31, Decimal("0.0862")),
    ]  # fmt: skip
    assert [p.amount for p in result.periods] == [Decimal(95990) / 365, Decimal(747040) / 365, Decimal(133610) / 365]
    assert result.total == Decimal("2675.73")


def test_a_leap_year_still_counts_365_days_to_the_year():
    # 10,000.00 € from 31.01.2024 to 31.03.2024: 29 (February 2024) + 31 = 60 days at 3.62 + 5 = 8.62 %
    #   10000 × 0.0862 × 60 / 365 = 51720 / 365 = 141.6986… → 141.70 € (act/366 would give 141.31 €)
    result = run("10000.00", date(2024, 1, 31), date(2024, 3, 31))
    assert result.periods[0].days == 60
    assert result.total == Decimal("141.70")


def test_the_whole_leap_year_has_366_interest_days():
    result = run("10000.00", date(2023, 12, 31), date(2024, 12, 31))
    assert sum(p.days for p in result.periods) == 366
    # 182 days at 8.62 % + 184 days at 8.37 %: (862 × 182 + 837 × 184) / 365 = 310892 / 365 = 851.7589… → 851.76 €
    assert result.total == Decimal("851.76")


def test_no_interest_when_the_run_has_no_days():
    result = run("10000.00", date(2021, 5, 3), date(2021, 5, 3))
    assert result.periods == ()
    assert result.total == Decimal("0.00")


def test_no_interest_on_a_zero_principal():
    assert run("0.00", date(2020, 1, 1), date(2024, 1, 1)).total == Decimal("0.00")


def test_interest_starts_the_day_after_start_and_includes_end():
    # One day: 01.07.2023 only, at 8.12 %: 365000 × 0.0812 × 1 / 365 = 81.20 €
    result = run("365000.00", date(2023, 6, 30), date(2023, 7, 1))
    assert [(p.days, p.annual_rate) for p in result.periods] == [(1, Decimal("0.0812"))]
    assert result.total == Decimal("81.20")


def test_the_periods_chain_without_gaps():
    result = run("1000.00", date(2015, 3, 1), date(2025, 9, 30))
    assert result.periods[0].start == result.start
    assert result.periods[-1].end == result.end
    for earlier, later in pairwise(result.periods):
        assert earlier.end == later.start
        assert earlier.annual_rate != later.annual_rate
    assert all(p.days == (p.end - p.start).days for p in result.periods)
    assert sum(p.days for p in result.periods) == (result.end - result.start).days


# --- Rates ---------------------------------------------------------------------------------------------


def test_a_negative_base_rate_is_used_as_is_with_the_surcharge():
    assert base_rate_on(date(2020, 1, 1), PUBLISHED_BASE_RATES) + SURCHARGE == Decimal("0.0412")


def test_the_annual_rate_never_falls_below_zero():
    # A made-up base rate of −6 %: −6 + 5 = −1 % a year, charged as 0 %.
    table = (BaseRate(date(2030, 1, 1), Decimal("-0.06")),)
    result = run("10000.00", date(2030, 1, 1), date(2030, 12, 31), base_rates=table)
    assert [p.annual_rate for p in result.periods] == [Decimal(0)]
    assert result.total == Decimal("0.00")


def test_a_custom_surcharge_is_added_to_the_base():
    # 36,500.00 € for 10 days at 3.62 + 1 = 4.62 %: 36500 × 0.0462 × 10 / 365 = 46.20 €
    result = interest(
        principal=Decimal("36500.00"), start=date(2024, 2, 1), end=date(2024, 2, 11),
        base_rates=PUBLISHED_BASE_RATES, surcharge=Decimal("0.01"),
    )  # fmt: skip
    assert result.total == Decimal("46.20")


def test_a_base_rate_applies_from_its_first_day():
    assert base_rate_on(date(2023, 6, 30), PUBLISHED_BASE_RATES) == Decimal("0.0162")
    assert base_rate_on(date(2023, 7, 1), PUBLISHED_BASE_RATES) == Decimal("0.0312")


def test_the_last_base_rate_stays_in_force_until_the_next_is_entered():
    assert base_rate_on(date(2025, 12, 31), PUBLISHED_BASE_RATES) == Decimal("0.0127")


def test_a_table_in_any_order_gives_the_same_interest():
    shuffled = tuple(reversed(PUBLISHED_BASE_RATES))
    assert run("5000.00", date(2022, 1, 1), date(2024, 8, 1), base_rates=shuffled) == run(
        "5000.00", date(2022, 1, 1), date(2024, 8, 1)
    )


def test_two_base_rates_for_one_day_are_refused():
    table = (BaseRate(date(2023, 1, 1), Decimal("0.0162")), BaseRate(date(2023, 1, 1), Decimal("0.0312")))
    with pytest.raises(ValueError, match="two base rates"):
        base_rate_on(date(2023, 2, 1), table)


def test_the_published_table_is_sorted_without_duplicates():
    days = [r.valid_from for r in PUBLISHED_BASE_RATES]
    assert days == sorted(days)
    assert len(days) == len(set(days))
    assert all((d.month, d.day) in {(1, 1), (7, 1)} for d in days)
    assert days[0] == date(2015, 1, 1)
    assert days[-1] == date(2025, 7, 1)


@pytest.mark.parametrize(
    ("day", "rate"),
    [
        (date(2015, 1, 1), "-0.0083"),
        (date(2016, 6, 30), "-0.0083"),
        (date(2016, 7, 1), "-0.0088"),
        (date(2022, 12, 31), "-0.0088"),
        (date(2023, 1, 1), "0.0162"),
        (date(2023, 7, 1), "0.0312"),
        (date(2024, 1, 1), "0.0362"),
        (date(2024, 7, 1), "0.0337"),
        (date(2025, 1, 1), "0.0227"),
        (date(2025, 7, 1), "0.0127"),
    ],
)
def test_the_published_base_rates(day, rate):
    assert base_rate_on(day, PUBLISHED_BASE_RATES) == Decimal(rate)


# --- Refusals ------------------------------------------------------------------------------------------


def test_a_negative_principal_is_refused():
    with pytest.raises(ValueError, match="principal cannot be negative"):
        run("-0.01", date(2023, 1, 1), date(2023, 2, 1))


def test_a_run_ending_before_it_starts_is_refused():
    with pytest.raises(ValueError, match="cannot end"):
        run("100.00", date(2023, 2, 1), date(2023, 1, 31))


def test_a_run_needs_a_base_rate_for_its_first_interest_day():
    # Interest from 31.12.2014 would need the rate of the second half of 2014, which the table lacks.
    with pytest.raises(ValueError, match="no base rate is known for 2014-12-31"):
        run("100.00", date(2014, 12, 30), date(2015, 2, 1))
    # From 31.12.2014 the first interest day is 01.01.2015, which the table covers.
    assert run("100.00", date(2014, 12, 31), date(2015, 2, 1)).periods[0].days == 32


def test_a_run_with_an_empty_table_is_refused():
    with pytest.raises(ValueError, match="no base rate is known"):
        run("100.00", date(2023, 1, 1), date(2023, 2, 1), base_rates=())


def test_base_rate_on_refuses_a_day_before_the_table():
    with pytest.raises(ValueError, match="no base rate is known for 2014-12-31"):
        base_rate_on(date(2014, 12, 31), PUBLISHED_BASE_RATES)


# --- Properties ----------------------------------------------------------------------------------------

principals = st.integers(min_value=0, max_value=10**14 - 1).map(lambda cents: Decimal(cents) / 100)
days_in_table = st.dates(min_value=date(2014, 12, 31), max_value=date(2027, 12, 31))


@given(principal=principals, days=st.lists(days_in_table, min_size=3, max_size=3))
def test_splitting_a_run_splits_its_interest_exactly(principal, days):
    start, middle, end = sorted(days)
    whole = interest(principal=principal, start=start, end=end, base_rates=PUBLISHED_BASE_RATES)
    before = interest(principal=principal, start=start, end=middle, base_rates=PUBLISHED_BASE_RATES)
    after = interest(principal=principal, start=middle, end=end, base_rates=PUBLISHED_BASE_RATES)
    # A period's amount divides by 365, which no decimal represents exactly, so the sums are compared as the
    # fractions the periods stand for; each stored amount is that fraction to 28 significant digits.
    assert exact(before) + exact(after) == exact(whole)
    assert sum(p.days for p in before.periods + after.periods) == sum(p.days for p in whole.periods)
    for result in (whole, before, after):
        for p in result.periods:
            expected = Fraction(principal) * Fraction(p.annual_rate) * p.days / 365
            assert abs(Fraction(p.amount) - expected) <= abs(expected) / 10**27


@given(principal=principals, start=days_in_table, length=st.integers(0, 3000), extra=st.integers(0, 3000))
def test_the_total_is_never_negative_and_grows_with_the_end(principal, start, length, extra):
    end = start + timedelta(days=length)
    shorter = interest(principal=principal, start=start, end=end, base_rates=PUBLISHED_BASE_RATES)
    longer = interest(
        principal=principal, start=start, end=end + timedelta(days=extra), base_rates=PUBLISHED_BASE_RATES
    )
    assert Decimal(0) <= shorter.total <= longer.total
    assert shorter.total == shorter.total.quantize(Decimal("0.01"))
