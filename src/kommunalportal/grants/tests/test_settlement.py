from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kommunalportal.grants.settlement import Settlement, settle

RONNEBURG = {
    # Phase 1: 7,500.00 € approved at 75 % of 10,000.00 € planned costs, paid in full.
    "financing_type": "proportional",
    "approved": Decimal("7500.00"),
    "paid": Decimal("7500.00"),
    "own_share": Decimal("2500.00"),
    "third_party": Decimal("0.00"),
    "funding_rate": Decimal("0.7500"),
}


def ronneburg(**changes: Decimal) -> Settlement:
    return settle(**{"actual_costs": Decimal("10000.00"), **RONNEBURG, **changes})


def amounts(settlement: Settlement) -> tuple[Decimal, Decimal, Decimal, Decimal, Decimal]:
    return settlement.approved, settlement.paid, settlement.eligible, settlement.shortfall, settlement.unpaid


# --- Anteilfinanzierung --------------------------------------------------------------------------------


def test_proportional_lower_costs_lower_the_grant_and_the_excess_is_repaid():
    # Ronneburg, phase 1: actual costs 9,000.00 € × 75 % = 6,750.00 € eligible;
    # paid 7,500.00 € − 6,750.00 € = 750.00 € to be repaid.
    result = ronneburg(actual_costs=Decimal("9000.00"))
    assert amounts(result) == (
        Decimal("7500.00"), Decimal("7500.00"), Decimal("6750.00"), Decimal("750.00"), Decimal("0.00"),
    )  # fmt: skip
    assert result.reason == (
        "Anteilfinanzierung: 75 % der zuwendungsfähigen Ausgaben von 9.000,00 € ergeben 6.750,00 €; "
        "gezahlt wurden 7.500,00 €, zu erstatten sind 750,00 €."
    )


def test_proportional_full_spend_leaves_nothing_to_repay():
    # 10,000.00 € × 75 % = 7,500.00 € = approved = paid.
    result = ronneburg(actual_costs=Decimal("10000.00"))
    assert (result.eligible, result.shortfall, result.unpaid) == (Decimal("7500.00"), Decimal("0.00"), Decimal("0.00"))
    assert result.reason == (
        "Anteilfinanzierung: 75 % der zuwendungsfähigen Ausgaben von 10.000,00 € ergeben 7.500,00 €; "
        "gezahlt wurden 7.500,00 €."
    )


def test_proportional_never_more_than_approved_when_costs_exceed_the_plan():
    # 12,000.00 € × 75 % = 9,000.00 €, capped at the approved 7,500.00 €.
    result = ronneburg(actual_costs=Decimal("12000.00"))
    assert (result.eligible, result.shortfall, result.unpaid) == (Decimal("7500.00"), Decimal("0.00"), Decimal("0.00"))
    assert result.reason == (
        "Anteilfinanzierung: 75 % der zuwendungsfähigen Ausgaben von 12.000,00 € ergeben 9.000,00 €, "
        "höchstens jedoch die bewilligten 7.500,00 €; gezahlt wurden 7.500,00 €."
    )


def test_proportional_unpaid_remainder():
    # Only 5,000.00 € drawn down; 10,000.00 € × 75 % = 7,500.00 € eligible → 2,500.00 € could still be paid.
    result = ronneburg(paid=Decimal("5000.00"))
    assert (result.eligible, result.shortfall, result.unpaid) == (
        Decimal("7500.00"),
        Decimal("0.00"),
        Decimal("2500.00"),
    )
    assert result.reason.endswith("gezahlt wurden 5.000,00 €, noch auszuzahlen sind 2.500,00 €.")


def test_proportional_rounds_commercially_to_the_cent():
    # 1,234.45 € × 90 % = 1,111.005 € → 1,111.01 € (half away from zero, not to even).
    result = settle(
        financing_type="proportional", approved=Decimal("2000.00"), paid=Decimal("0.00"),
        actual_costs=Decimal("1234.45"), own_share=Decimal("0.00"), third_party=Decimal("0.00"),
        funding_rate=Decimal("0.9"),
    )  # fmt: skip
    assert result.eligible == Decimal("1111.01")


def test_the_example_sentence_of_proportional_financing():
    # 8,000.00 € × 75 % = 6,000.00 €; paid 7,500.00 € → 1,500.00 € to be repaid.
    result = ronneburg(actual_costs=Decimal("8000.00"))
    assert result.reason == (
        "Anteilfinanzierung: 75 % der zuwendungsfähigen Ausgaben von 8.000,00 € ergeben 6.000,00 €; "
        "gezahlt wurden 7.500,00 €, zu erstatten sind 1.500,00 €."
    )


def test_a_fractional_funding_rate_is_written_with_its_places():
    # 3,000.00 € × 83.33 % = 2,499.90 €.
    result = ronneburg(actual_costs=Decimal("3000.00"), funding_rate=Decimal("0.8333"))
    assert result.eligible == Decimal("2499.90")
    assert result.reason.startswith("Anteilfinanzierung: 83,33 % der zuwendungsfähigen Ausgaben von 3.000,00 €")


# --- Fehlbedarfsfinanzierung ---------------------------------------------------------------------------


def deficit(**changes: Decimal) -> Settlement:
    # Planned: 100,000.00 € costs − 30,000.00 € own share − 10,000.00 € third-party funds = 60,000.00 € approved.
    figures = {
        "approved": Decimal("60000.00"), "paid": Decimal("60000.00"), "actual_costs": Decimal("100000.00"),
        "own_share": Decimal("30000.00"), "third_party": Decimal("10000.00"),
    }  # fmt: skip
    return settle(financing_type="deficit", funding_rate=None, **{**figures, **changes})


def test_deficit_lower_costs_lower_the_grant_in_full():
    # 90,000.00 € − 30,000.00 € − 10,000.00 € = 50,000.00 €; paid 60,000.00 € → 10,000.00 € to be repaid.
    result = deficit(actual_costs=Decimal("90000.00"))
    assert (result.eligible, result.shortfall, result.unpaid) == (
        Decimal("50000.00"), Decimal("10000.00"), Decimal("0.00"),
    )  # fmt: skip
    assert result.reason == (
        "Fehlbedarfsfinanzierung: zuwendungsfähige Ausgaben von 90.000,00 € abzüglich Eigenanteil von "
        "30.000,00 € und Drittmitteln von 10.000,00 € ergeben einen Fehlbedarf von 50.000,00 €; "
        "gezahlt wurden 60.000,00 €, zu erstatten sind 10.000,00 €."
    )


def test_deficit_more_third_party_funds_reduce_the_grant_euro_for_euro():
    # 100,000.00 € − 30,000.00 € − 15,000.00 € = 55,000.00 € → 5,000.00 € to be repaid.
    result = deficit(third_party=Decimal("15000.00"))
    assert (result.eligible, result.shortfall) == (Decimal("55000.00"), Decimal("5000.00"))


def test_deficit_full_spend_leaves_nothing_to_repay():
    result = deficit()
    assert (result.eligible, result.shortfall, result.unpaid) == (Decimal("60000.00"), Decimal("0.00"), Decimal("0.00"))


def test_deficit_never_more_than_approved():
    # 120,000.00 € − 30,000.00 € − 10,000.00 € = 80,000.00 €, capped at 60,000.00 €.
    result = deficit(actual_costs=Decimal("120000.00"))
    assert result.eligible == Decimal("60000.00")
    assert "ergeben einen Fehlbedarf von 80.000,00 €, höchstens jedoch die bewilligten 60.000,00 €" in result.reason


def test_deficit_covered_by_own_and_third_party_funds_leaves_no_grant():
    # 35,000.00 € − 30,000.00 € − 10,000.00 € < 0 → no deficit; everything paid is to be repaid.
    result = deficit(actual_costs=Decimal("35000.00"), paid=Decimal("20000.00"))
    assert (result.eligible, result.shortfall) == (Decimal("0.00"), Decimal("20000.00"))


# --- Festbetragsfinanzierung ---------------------------------------------------------------------------


def fixed(**changes: Decimal) -> Settlement:
    figures = {
        "approved": Decimal("5000.00"), "paid": Decimal("5000.00"), "actual_costs": Decimal("8000.00"),
        "own_share": Decimal("3000.00"), "third_party": Decimal("0.00"),
    }  # fmt: skip
    return settle(financing_type="fixed_amount", funding_rate=None, **{**figures, **changes})


def test_fixed_amount_stays_when_the_costs_reach_it():
    # Fixed amount 5,000.00 €; actual costs 6,000.00 € ≥ 5,000.00 € → the grant stays (the plan said 8,000.00 €).
    result = fixed(actual_costs=Decimal("6000.00"))
    assert (result.eligible, result.shortfall, result.unpaid) == (Decimal("5000.00"), Decimal("0.00"), Decimal("0.00"))
    assert result.reason == (
        "Festbetragsfinanzierung: der Festbetrag von 5.000,00 € bleibt, da die zuwendungsfähigen Ausgaben "
        "von 6.000,00 € ihn erreichen; gezahlt wurden 5.000,00 €."
    )


def test_fixed_amount_falls_to_the_costs_below_it():
    # Actual costs 4,200.00 € < 5,000.00 € → eligible 4,200.00 €; paid 5,000.00 € → 800.00 € to be repaid.
    result = fixed(actual_costs=Decimal("4200.00"))
    assert (result.eligible, result.shortfall, result.unpaid) == (
        Decimal("4200.00"),
        Decimal("800.00"),
        Decimal("0.00"),
    )
    assert result.reason == (
        "Festbetragsfinanzierung: die zuwendungsfähigen Ausgaben von 4.200,00 € liegen unter dem Festbetrag "
        "von 5.000,00 €, die Zuwendung sinkt auf 4.200,00 €; gezahlt wurden 5.000,00 €, zu erstatten sind 800,00 €."
    )


def test_fixed_amount_unpaid_remainder():
    result = fixed(paid=Decimal("3000.00"))
    assert (result.eligible, result.unpaid) == (Decimal("5000.00"), Decimal("2000.00"))


# --- Amounts and refusals ------------------------------------------------------------------------------


def test_large_amounts_are_grouped_in_thousands():
    result = fixed(approved=Decimal("1234567.89"), paid=Decimal("1234567.89"), actual_costs=Decimal("2000000.00"))
    assert "der Festbetrag von 1.234.567,89 € bleibt" in result.reason


def test_amounts_come_back_with_two_places():
    result = fixed(approved=Decimal(5000), paid=Decimal(5000), actual_costs=Decimal(4200))
    assert [str(a) for a in amounts(result)] == ["5000.00", "5000.00", "4200.00", "800.00", "0.00"]


@pytest.mark.parametrize("field", ["approved", "paid", "actual_costs", "own_share", "third_party"])
def test_a_negative_amount_is_refused(field):
    with pytest.raises(ValueError, match="cannot be negative"):
        ronneburg(**{field: Decimal("-0.01")})


def test_fractions_of_a_cent_are_refused():
    with pytest.raises(ValueError, match="fractions of a cent"):
        ronneburg(actual_costs=Decimal("9000.001"))


def test_an_unknown_financing_type_is_refused():
    with pytest.raises(ValueError, match="unknown financing type 'full'"):
        ronneburg(financing_type="full")


def test_proportional_financing_needs_a_funding_rate():
    with pytest.raises(ValueError, match="needs a funding rate"):
        ronneburg(funding_rate=None)


@pytest.mark.parametrize("rate", ["-0.0001", "1.0001"])
def test_a_funding_rate_outside_zero_to_one_is_refused(rate):
    with pytest.raises(ValueError, match="between 0 and 1"):
        ronneburg(funding_rate=Decimal(rate))


# --- Properties ----------------------------------------------------------------------------------------

money = st.integers(min_value=0, max_value=10**12).map(lambda cents: Decimal(cents) / 100)
rates = st.integers(min_value=0, max_value=10_000).map(lambda r: Decimal(r) / 10_000)


@given(
    financing_type=st.sampled_from(["fixed_amount", "proportional", "deficit"]),
    approved=money, paid=money, actual_costs=money, own_share=money, third_party=money, funding_rate=rates,
)  # fmt: skip
def test_a_settlement_balances_to_the_cent(
    financing_type, approved, paid, actual_costs, own_share, third_party, funding_rate
):
    result = settle(
        financing_type=financing_type, approved=approved, paid=paid, actual_costs=actual_costs,
        own_share=own_share, third_party=third_party, funding_rate=funding_rate,
    )  # fmt: skip
    assert not (result.shortfall > 0 and result.unpaid > 0)
    assert Decimal(0) <= result.eligible <= result.approved
    assert result.paid - result.shortfall + result.unpaid == result.eligible
    for amount in amounts(result):
        assert amount == amount.quantize(Decimal("0.01"))
        assert amount.as_tuple().exponent == -2
