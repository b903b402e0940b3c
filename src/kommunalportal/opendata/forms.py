from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kommunalportal.core.forms import KernFormMixin
from kommunalportal.grants.models import Call, Programme
from kommunalportal.organisations.models import COMMUNE_KINDS, Organisation
from kommunalportal.organisations.selectors import districts

from .selectors import DEFAULT_SORT, AwardFilter, public_calls, public_programmes

SORT_CHOICES = (
    ("-date", _("Newest award first")),
    ("date", _("Oldest award first")),
    ("-amount", _("Largest amount first")),
    ("amount", _("Smallest amount first")),
    ("commune", _("Commune A–Z")),
    ("-commune", _("Commune Z–A")),
)


class CallChoiceField(forms.ModelChoiceField[Call]):
    def to_python(self, value: Any) -> Call | None:
        try:
            return super().to_python(value)
        except ValidationError as error:
            # Not a UUID at all: the same message as for an unknown call, not the UUID field's own.
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice") from error

    def label_from_instance(self, obj: Call) -> str:
        return f"{obj.name} ({obj.programme.code} {obj.year.year})"


class AwardFilterForm(KernFormMixin, forms.Form):
    """The filters of the award list and its downloads: each value names a public thing by its public key."""

    programme = forms.ModelChoiceField(
        label=_("Programme"),
        queryset=Programme.objects.none(),
        required=False,
        to_field_name="code",
        empty_label=_("All programmes"),
        error_messages={"invalid_choice": _("Please choose a programme from the list.")},
    )
    call = CallChoiceField(
        label=_("Call"),
        queryset=Call.objects.none(),
        required=False,
        to_field_name="public_id",
        empty_label=_("All calls"),
        error_messages={"invalid_choice": _("Please choose a call from the list.")},
    )
    district = forms.ModelChoiceField(
        label=_("District"),
        queryset=Organisation.objects.none(),
        required=False,
        to_field_name="key",
        empty_label=_("All districts"),
        help_text=_("The district and the municipalities in it."),
        error_messages={"invalid_choice": _("Please choose a district from the list.")},
    )
    kind = forms.ChoiceField(
        label=_("Kind of commune"),
        required=False,
        error_messages={"invalid_choice": _("Please choose a kind from the list.")},
    )
    sort = forms.ChoiceField(
        label=_("Order"),
        required=False,
        choices=SORT_CHOICES,
        error_messages={"invalid_choice": _("Please choose an order from the list.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = public_programmes()  # type: ignore[attr-defined]  # ModelChoiceField
        self.fields["call"].queryset = public_calls().order_by("-year__year", "name")  # type: ignore[attr-defined]  # ModelChoiceField
        self.fields["district"].queryset = districts()  # type: ignore[attr-defined]  # ModelChoiceField
        self.fields["kind"].choices = [("", _("All kinds")), *((k.value, k.label) for k in COMMUNE_KINDS)]  # type: ignore[attr-defined]  # ChoiceField

    def filters(self) -> AwardFilter:
        """The filter of a valid form (no filter for an unbound one)."""
        if not self.is_bound:
            return AwardFilter()
        data = self.cleaned_data
        return AwardFilter(programme=data["programme"], call=data["call"], district=data["district"], kind=data["kind"])

    def ordering(self) -> str:
        return (self.cleaned_data.get("sort") if self.is_bound else "") or DEFAULT_SORT
