"""Amounts in euros as people type them into the portal's forms."""

from decimal import Decimal

import pytest

from kommunalportal.core.errors import DomainError
from kommunalportal.core.forms import euro_amount


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("1.234,56", "1234.56"),
        ("1234,56", "1234.56"),
        ("1234.56", "1234.56"),
        ("1.000", "1000.00"),  # a thousand, the German way, not one euro
        ("12.345.678", "12345678.00"),
        ("1.000,5", "1000.50"),
        (" 7 500,00 € ", "7500.00"),
        ("7\u00a0500", "7500.00"),
        ("0", "0.00"),
        ("1.5", "1.50"),
        ("-750,00", "-750.00"),
    ],
)
def test_amounts_typed_the_german_or_the_english_way(typed, amount):
    assert euro_amount(typed) == Decimal(amount)
    assert euro_amount(typed).as_tuple().exponent == -2


@pytest.mark.parametrize("typed", ["", "zwölf", "1,2,3", "1.234.5,6,7", "NaN", "Infinity", "1,234", "0,001", "1e3.5"])
def test_anything_else_gets_a_german_message(typed):
    with pytest.raises(DomainError) as refused:
        euro_amount(typed)
    assert "Betrag" in str(refused.value.message)
