"""Django forms in the KERN design system's markup (see templates/includes/field.html)."""

import re
import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext as _

from kommunalportal.core.errors import DomainError

# 1.000 or 12.345.678: dots that group thousands, the German way (an amount in euros has no third decimal).
_GROUPED = re.compile(r"-?\d{1,3}(\.\d{3})+")


class KernFormMixin:
    """Give each widget its KERN class.

    Django links the hint and the error of a field to its input itself (aria-describedby with the ids
    `<id>_helptext` and `<id>_error`), which templates/includes/field.html uses.
    """

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple):
                continue
            css = "kern-form-input__select" if isinstance(widget, forms.Select) else "kern-form-input__input"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


def euro_amount(value: str) -> Decimal:
    """An amount in euros as people type it: 1.234,56 or 1234,56 the German way, 1234.56 too; 1.000 is a
    thousand. A German message for anything else, and for more than two decimal places."""
    text = value.strip().replace(" ", "").replace("\u00a0", "").replace("€", "")
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    elif _GROUPED.fullmatch(text):
        text = text.replace(".", "")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise DomainError(_("Enter an amount in euros, such as 1.234,56.")) from None
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
        raise DomainError(_("Enter an amount in euros with at most two decimal places."))
    return amount.quantize(Decimal("0.01"))


def is_uuid(value: str) -> bool:
    """Whether a submitted value is a UUID (public ids are): others are ignored rather than looked up."""
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
