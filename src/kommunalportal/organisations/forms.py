from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kommunalportal.core.forms import KernFormMixin

from .models import COMMUNE_KINDS, Organisation
from .rules import SIZE_CLASSES, SIZE_CLASSES_BY_CODE, SizeClass
from .selectors import districts


class CommuneFilterForm(KernFormMixin, forms.Form):
    q = forms.CharField(label=_("Name or official key"), required=False, max_length=100)
    district = forms.ModelChoiceField(
        label=_("District"),
        queryset=Organisation.objects.none(),
        required=False,
        to_field_name="key",
        empty_label=_("All districts"),
        error_messages={"invalid_choice": _("Please choose a district from the list.")},
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        error_messages={"invalid_choice": _("Please choose a kind from the list.")},
    )
    size = forms.ChoiceField(
        label=_("Size class"),
        required=False,
        help_text=_("Inhabitants of a municipality; districts have no size class."),
        error_messages={"invalid_choice": _("Please choose a size class from the list.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts()  # type: ignore[attr-defined]  # ModelChoiceField
        self.fields["kind"].choices = [("", _("All kinds")), *((k.value, k.label) for k in COMMUNE_KINDS)]  # type: ignore[attr-defined]  # ChoiceField
        self.fields["size"].choices = [("", _("All sizes")), *((s.code, s.label) for s in SIZE_CLASSES)]  # type: ignore[attr-defined]  # ChoiceField

    def size_class(self) -> SizeClass | None:
        code = self.cleaned_data.get("size") or ""
        return SIZE_CLASSES_BY_CODE.get(code)
