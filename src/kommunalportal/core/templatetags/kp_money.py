from decimal import Decimal

from django import template

from kommunalportal.core.money import format_amount

register = template.Library()


@register.filter
def euro(amount: Decimal | None) -> str:
    """16000000 → "16.000.000,00 €" in German pages, "16,000,000.00 €" in English ones."""
    return "–" if amount is None else format_amount(Decimal(amount))


@register.filter
def percent(rate: Decimal | None) -> str:
    """0.75 → "75 %"; a rate is stored as a share between 0 and 1."""
    if rate is None:
        return "–"
    value = (Decimal(rate) * 100).normalize()
    return f"{value:f} %".replace(".", ",") if value != value.to_integral() else f"{int(value)} %"
