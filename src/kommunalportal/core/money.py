"""Money: Decimal euros with two places, and the named ways of rounding and splitting them.

Nothing else in the code rounds money. A split always sums exactly to the amount split.
"""

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypeVar

from django.db import models
from django.utils.formats import number_format

CENT = Decimal("0.01")
K = TypeVar("K")


class MoneyField(models.DecimalField):
    """A euro amount: 14 digits, 2 places (up to 999,999,999,999.99 €)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        for key, default in (("max_digits", 14), ("decimal_places", 2)):
            if kwargs.get(key) == default:
                del kwargs[key]
        return name, path, args, kwargs


class RateField(models.DecimalField):
    """A share between 0 and 1 with four places (a funding rate of 90 % is 0.9000)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 5)
        kwargs.setdefault("decimal_places", 4)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        for key, default in (("max_digits", 5), ("decimal_places", 4)):
            if kwargs.get(key) == default:
                del kwargs[key]
        return name, path, args, kwargs


def to_cents(amount: Decimal) -> int:
    """An amount that already has at most two places, as whole cents; refuses anything finer."""
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise ValueError(f"{amount} has fractions of a cent")
    return int(cents)


def from_cents(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(CENT)


def format_amount(amount: Decimal) -> str:
    """An amount as people read it in the active language: 16.000.000,00 € (German), 16,000,000.00 € (English)."""
    return f"{number_format(amount.quantize(CENT), decimal_pos=2, use_l10n=True, force_grouping=True)} €"


def round_commercial(amount: Decimal) -> Decimal:
    """Kaufmännisches Runden to the cent (half away from zero), as German public accounting does."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def split_largest_remainder(total: Decimal, weights: Mapping[K, Decimal | int]) -> dict[K, Decimal]:
    """Split `total` in proportion to `weights`, to the cent, by the largest-remainder method (Hare–Niemeyer).

    Each share is first rounded down to the cent; the cents left over go one each to the largest
    remainders (ties: in the order of `weights`). The shares sum exactly to `total`.
    """
    total_cents = to_cents(total)
    if total_cents < 0:
        raise ValueError("the total cannot be negative")
    keys: Sequence[K] = list(weights)
    weight_sum = sum((Decimal(weights[k]) for k in keys), Decimal(0))
    if any(Decimal(weights[k]) < 0 for k in keys):
        raise ValueError("weights cannot be negative")
    if not keys:
        if total_cents:
            raise ValueError("nobody to split a non-zero total among")
        return {}
    if weight_sum == 0:
        raise ValueError("the weights sum to zero")
    floors: dict[K, int] = {}
    remainders: list[tuple[Decimal, int, K]] = []
    for index, key in enumerate(keys):
        exact = Decimal(total_cents) * Decimal(weights[key]) / weight_sum
        whole = int(exact)  # exact >= 0, so int() rounds down
        floors[key] = whole
        remainders.append((exact - whole, -index, key))
    left = total_cents - sum(floors.values())
    for _remainder, _order, key in sorted(remainders, reverse=True)[:left]:
        floors[key] += 1
    return {key: from_cents(cents) for key, cents in floors.items()}
