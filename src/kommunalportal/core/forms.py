"""Django forms in the KERN design system's markup (see templates/includes/field.html)."""

from typing import Any

from django import forms


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
