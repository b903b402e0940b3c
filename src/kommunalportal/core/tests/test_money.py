from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kommunalportal.core.money import round_commercial, split_largest_remainder, to_cents

amounts = st.integers(min_value=0, max_value=10**12).map(lambda c: Decimal(c) / 100)
weights = st.lists(st.integers(min_value=0, max_value=10**7), min_size=1, max_size=60).filter(any)


@given(amounts, weights)
def test_a_split_sums_exactly_to_the_total(total, raw_weights):
    shares = split_largest_remainder(total, dict(enumerate(raw_weights)))
    assert sum(shares.values()) == total
    assert all(share >= 0 and share == share.quantize(Decimal("0.01")) for share in shares.values())


@given(amounts, weights)
def test_each_share_is_within_a_cent_of_its_exact_proportion(total, raw_weights):
    shares = split_largest_remainder(total, dict(enumerate(raw_weights)))
    weight_sum = sum(raw_weights)
    for key, weight in enumerate(raw_weights):
        exact = total * weight / weight_sum
        assert abs(shares[key] - exact) < Decimal("0.01")


def test_the_largest_remainders_get_the_leftover_cents():
    assert split_largest_remainder(Decimal("1.00"), {"a": 1, "b": 1, "c": 1}) == {
        "a": Decimal("0.34"), "b": Decimal("0.33"), "c": Decimal("0.33"),
    }  # fmt: skip
    assert split_largest_remainder(Decimal("10.00"), {"a": 2, "b": 1}) == {"a": Decimal("6.67"), "b": Decimal("3.33")}


@pytest.mark.parametrize(
    ("total", "weights", "message"),
    [
        (Decimal("1.001"), {"a": 1}, "fractions of a cent"),
        (Decimal("-1"), {"a": 1}, "negative"),
        (Decimal("1"), {"a": 0}, "zero"),
        (Decimal("1"), {"a": -1, "b": 2}, "negative"),
        (Decimal("1"), {}, "nobody"),
    ],
)
def test_impossible_splits_are_refused(total, weights, message):
    with pytest.raises(ValueError, match=message):
        split_largest_remainder(total, weights)


@pytest.mark.parametrize(
    ("amount", "rounded"),
    [("0.005", "0.01"), ("0.004", "0.00"), ("2.675", "2.68"), ("-0.005", "-0.01"), ("7500", "7500.00")],
)
def test_commercial_rounding(amount, rounded):
    assert round_commercial(Decimal(amount)) == Decimal(rounded)


def test_cents_are_whole():
    assert to_cents(Decimal("54912.00")) == 5_491_200
