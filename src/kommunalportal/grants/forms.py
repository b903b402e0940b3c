from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kommunalportal.core.errors import DomainError
from kommunalportal.core.forms import KernFormMixin, euro_amount
from kommunalportal.organisations.models import COMMUNE_KINDS

from .models import CallShape, DecisionKind, FinancingType, MeasureCategory, ReviewNoteKind
from .workflow import ApplicationStatus


class AmountField(forms.DecimalField):
    """Euros with cents, zero or more, typed as people type them (`core.forms.euro_amount`: 1.234,56)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_digits=14, decimal_places=2, min_value=Decimal(0), **kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]  # the stubs inherit int from IntegerField
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal | int):
            return Decimal(value)
        try:
            return euro_amount(str(value))
        except DomainError as error:
            raise forms.ValidationError(str(error), code="invalid") from None

    def validate(self, value: Any) -> None:
        forms.Field.validate(self, value)  # the number itself was checked in to_python


class PercentField(forms.DecimalField):
    """A share entered in percent (0 to 100, two places); services take it as a rate from 0 to 1."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_digits=5, decimal_places=2, min_value=Decimal(0), max_value=Decimal(100), **kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProgrammeForm(KernFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    code = forms.RegexField(
        label=_("Short code"),
        regex=r"^[A-Z0-9]{2,10}$",
        help_text=_("2 to 10 capital letters or digits; used in references such as SHH-2020-0001."),
        error_messages={"invalid": _("Use 2 to 10 capital letters or digits.")},
    )
    legal_basis = forms.CharField(
        label=_("Legal basis"), widget=forms.Textarea(attrs={"rows": 3}), initial="§ 44 LHO mit VV; ANBest-GK"
    )
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE)
    yearly_budget = AmountField(
        label=_("Budget per year in euros"), help_text=_("Applied to each year; change single years later.")
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_on") and data.get("ends_on") and data["starts_on"] > data["ends_on"]:
            self.add_error("ends_on", _("The programme must end after it starts."))
        return data


class YearBudgetForm(KernFormMixin, forms.Form):
    budget_amount = AmountField(label=_("Budget in euros"))


class CallForm(KernFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    year = forms.TypedChoiceField(label=_("Budget year"), coerce=int)
    shape = forms.ChoiceField(label=_("Shape"), choices=CallShape.choices)
    budget_amount = AmountField(label=_("Budget in euros"))
    opens_on = forms.DateField(label=_("Opens on"), widget=DATE)
    deadline_on = forms.DateField(label=_("Application deadline"), widget=DATE)
    proof_of_use_due_on = forms.DateField(label=_("Proof of use due on"), widget=DATE)
    eligible_kinds = forms.MultipleChoiceField(
        label=_("Eligible applicants"),
        choices=[(k.value, k.label) for k in COMMUNE_KINDS],
        widget=forms.CheckboxSelectMultiple,
        initial=[k.value for k in COMMUNE_KINDS],
    )
    categories = forms.ModelMultipleChoiceField(
        label=_("Eligible measure categories"),
        queryset=MeasureCategory.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
    )
    financing_type = forms.ChoiceField(label=_("Financing type"), choices=FinancingType.choices)
    funding_percent = PercentField(
        label=_("Funding rate in percent"),
        required=False,
        help_text=_("Share of the eligible costs, for proportional financing."),
    )
    min_own_share_percent = PercentField(label=_("Minimum own share in percent"), initial=0)
    min_grant_amount = AmountField(label=_("Smallest grant in euros"), initial=0)
    max_grant_amount = AmountField(label=_("Largest grant in euros"), required=False)
    max_duration_months = forms.IntegerField(label=_("Longest duration in months"), required=False, min_value=1)
    drawdown_window_days = forms.IntegerField(
        label=_("Drawdown window in days"), initial=60, min_value=1, max_value=730
    )
    floor_amount = AmountField(
        label=_("Floor per commune in euros"), initial=0, help_text=_("Formula calls: no envelope is smaller.")
    )
    population_percent = PercentField(label=_("Weight of population in percent"), initial=100)
    capacity_percent = PercentField(label=_("Weight of financial capacity in percent"), initial=0)
    district_share_percent = PercentField(
        label=_("Share of the districts in percent"),
        required=False,
        help_text=_("Leave empty for one pot shared by districts and municipalities."),
    )

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, str(y)) for y in years]  # type: ignore[attr-defined]  # ChoiceField

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("opens_on") and data.get("deadline_on") and data["opens_on"] > data["deadline_on"]:
            self.add_error("deadline_on", _("The deadline must not be before the opening."))
        if data.get("financing_type") == FinancingType.PROPORTIONAL and not data.get("funding_percent"):
            self.add_error("funding_percent", _("Proportional financing needs a funding rate."))
        return data


class CapacityUploadForm(KernFormMixin, forms.Form):
    file = forms.FileField(
        label=_("CSV file with financial capacity figures"),
        help_text=_("Columns “key” (official key of the commune) and “figure”; UTF-8; at most 1 MB."),
    )

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > 1_000_000:
            raise forms.ValidationError(_("The file is larger than 1 MB."))
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("The file is not UTF-8 text.")) from None


class StartApplicationForm(KernFormMixin, forms.Form):
    title = forms.CharField(label=_("Title of the application"), max_length=200)


class FinancingPlanForm(KernFormMixin, forms.Form):
    title = forms.CharField(label=_("Title of the application"), max_length=200)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    requested_amount = AmountField(label=_("Requested grant in euros"))
    own_share_amount = AmountField(label=_("Own share in euros"))
    third_party_amount = AmountField(label=_("Third-party funds in euros"), initial=0)
    has_not_begun = forms.BooleanField(label=_("We declare that the measures have not yet begun."), required=False)


class MeasureForm(KernFormMixin, forms.Form):
    category = forms.ModelChoiceField(label=_("Category"), queryset=MeasureCategory.objects.none())
    title = forms.CharField(label=_("Measure"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    planned_costs_amount = AmountField(label=_("Planned costs in euros"))
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE)

    def __init__(self, *args: Any, categories: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories  # type: ignore[attr-defined]  # ModelChoiceField

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_on") and data.get("ends_on") and data["starts_on"] > data["ends_on"]:
            self.add_error("ends_on", _("A measure must end after it starts."))
        return data


class RequestChangesForm(KernFormMixin, forms.Form):
    message = forms.CharField(label=_("What should the commune change?"), widget=forms.Textarea(attrs={"rows": 3}))


class ReviewNoteForm(KernFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind of review"), choices=ReviewNoteKind.choices)
    text = forms.CharField(label=_("Review note"), widget=forms.Textarea(attrs={"rows": 3}))


class DecisionForm(KernFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Decision"), choices=DecisionKind.choices)
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Required for a partial approval or a rejection."),
    )


class ReviewFilterForm(KernFormMixin, forms.Form):
    q = forms.CharField(label=_("Reference, commune or title"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("reference", _("Reference")),
            ("commune", _("Commune")),
            ("-requested", _("Largest grant first")),
            ("requested", _("Smallest grant first")),
            ("submitted", _("Date of submission")),
        ],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [  # type: ignore[attr-defined]  # ChoiceField
            ("", _("All")),
            *((s.value, s.label) for s in ApplicationStatus if s != ApplicationStatus.DRAFT),
        ]


class AttachmentForm(KernFormMixin, forms.Form):
    file = forms.FileField(
        label=_("Attachment (PDF)"),
        help_text=_("For example offers or plans; PDF only, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )
