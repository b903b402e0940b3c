"""Django forms in the KERN design system's markup (see templates/includes/field.html)."""

from typing import Any

from django import forms


class KernFormMixin:
    """Give each widget its KERN class and link its error message for screen readers."""

    fields: dict[str, forms.Field]
    errors: Any
    auto_id: str | bool

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple):
                continue
            css = "kern-form-input__select" if isinstance(widget, forms.Select) else "kern-form-input__input"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]  # provided by the form class this is mixed into
        for name in self.errors:
            if name in self.fields and isinstance(self.auto_id, str):
                field_id = self.auto_id % name
                described = [f"{field_id}-error"]
                if self.fields[name].help_text:
                    described.append(f"{field_id}_helptext")
                self.fields[name].widget.attrs["aria-describedby"] = " ".join(described)
