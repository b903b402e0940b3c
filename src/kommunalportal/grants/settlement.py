"""What a proof of use (Verwendungsnachweis) leaves of a grant, by financing type (VV/ANBest zu § 44 LHO).

The actual figures of the proof of use fix the grant they justify (`eligible`), never more than was
approved. Money paid beyond it is to be repaid (`shortfall`); what the figures justify beyond the
payments could still be paid (`unpaid`).

- Anteilfinanzierung ("proportional"): the funding rate of the actual eligible costs.
- Fehlbedarfsfinanzierung ("deficit"): the actual costs less own share and third-party funds; every euro
  of further cover reduces the grant in full.
- Festbetragsfinanzierung ("fixed_amount"): the fixed amount stays, unless the actual costs fall below it.

The reason is German and formats amounts German-style itself, so that the module needs no active locale.
"""

from dataclasses import dataclass
from decimal import Decimal

from kommunalportal.core.money import from_cents, round_commercial, to_cents

FIXED_AMOUNT = "fixed_amount"
PROPORTIONAL = "proportional"
DEFICIT = "deficit"
FINANCING_TYPES = (FIXED_AMOUNT, PROPORTIONAL, DEFICIT)

_GERMAN_SEPARATORS = str.maketrans({",": ".", ".": ","})


@dataclass(frozen=True)
class Settlement:
    """The grant after the proof of use: what the figures justify, what is to be repaid or still paid, and why."""

    approved: Decimal
    paid: Decimal
    eligible: Decimal  # never more than approved
    shortfall: Decimal  # paid beyond eligible: to be repaid
    unpaid: Decimal  # eligible beyond paid: could still be paid
    reason: str


def _format_euro(amount: Decimal) -> str:
    """An amount as a German notice writes it: 1.234,56 €."""
    return f"{amount:,.2f}".translate(_GERMAN_SEPARATORS) + " €"


def format_percent(rate: Decimal) -> str:
    """A rate between 0 and 1 as a German percentage without needless places: 0.75 → 75 %, 0.8333 → 83,33 %."""
    return f"{(rate * 100).normalize():f}".replace(".", ",") + " %"


def _cents_only(name: str, amount: Decimal) -> Decimal:
    if amount < 0:
        raise ValueError(f"{name} cannot be negative (got {amount})")
    return from_cents(to_cents(amount))


def _capped(figure: str, justified: Decimal, approved: Decimal) -> str:
    if justified > approved:
        return f"{figure} {_format_euro(justified)}, höchstens jedoch die bewilligten {_format_euro(approved)}"
    return f"{figure} {_format_euro(justified)}"


def _outcome(paid: Decimal, shortfall: Decimal, unpaid: Decimal) -> str:
    if shortfall:
        return f"gezahlt wurden {_format_euro(paid)}, zu erstatten sind {_format_euro(shortfall)}."
    if unpaid:
        return f"gezahlt wurden {_format_euro(paid)}, noch auszuzahlen sind {_format_euro(unpaid)}."
    return f"gezahlt wurden {_format_euro(paid)}."


def settle(
    *,
    financing_type: str,
    approved: Decimal,
    paid: Decimal,
    actual_costs: Decimal,
    own_share: Decimal,
    third_party: Decimal,
    funding_rate: Decimal | None,
) -> Settlement:
    """The grant the proof of use justifies under the financing type of the decision (ANBest Nr. 2)."""
    if financing_type not in FINANCING_TYPES:
        raise ValueError(f"unknown financing type {financing_type!r}; expected one of {', '.join(FINANCING_TYPES)}")
    approved = _cents_only("the approved amount", approved)
    paid = _cents_only("the amount paid", paid)
    actual_costs = _cents_only("the actual costs", actual_costs)
    own_share = _cents_only("the own share", own_share)
    third_party = _cents_only("the third-party funds", third_party)
    if funding_rate is not None and not 0 <= funding_rate <= 1:
        raise ValueError(f"the funding rate must lie between 0 and 1 (got {funding_rate})")

    if financing_type == PROPORTIONAL:
        if funding_rate is None:
            raise ValueError("proportional financing needs a funding rate")
        justified = round_commercial(actual_costs * funding_rate)
        explanation = "Anteilfinanzierung: " + _capped(
            f"{format_percent(funding_rate)} der zuwendungsfähigen Ausgaben von {_format_euro(actual_costs)} ergeben",
            justified,
            approved,
        )
    elif financing_type == DEFICIT:
        justified = max(Decimal("0.00"), actual_costs - own_share - third_party)
        explanation = "Fehlbedarfsfinanzierung: " + _capped(
            f"zuwendungsfähige Ausgaben von {_format_euro(actual_costs)} abzüglich Eigenanteil von "
            f"{_format_euro(own_share)} und Drittmitteln von {_format_euro(third_party)} ergeben einen Fehlbedarf von",
            justified,
            approved,
        )
    else:
        justified = actual_costs
        if actual_costs < approved:
            explanation = (
                f"Festbetragsfinanzierung: die zuwendungsfähigen Ausgaben von {_format_euro(actual_costs)} "
                f"liegen unter dem Festbetrag von {_format_euro(approved)}, die Zuwendung sinkt auf "
                f"{_format_euro(actual_costs)}"
            )
        else:
            explanation = (
                f"Festbetragsfinanzierung: der Festbetrag von {_format_euro(approved)} bleibt, da die "
                f"zuwendungsfähigen Ausgaben von {_format_euro(actual_costs)} ihn erreichen"
            )

    eligible = min(approved, justified)
    shortfall = max(Decimal("0.00"), paid - eligible)
    unpaid = max(Decimal("0.00"), eligible - paid)
    return Settlement(
        approved=approved, paid=paid, eligible=eligible, shortfall=shortfall, unpaid=unpaid,
        reason=f"{explanation}; {_outcome(paid, shortfall, unpaid)}",
    )  # fmt: skip
