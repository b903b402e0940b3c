"""Forms of the digitalisation index: the self-assessment built from its questions, and the filter of the
public table."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from kommunalportal.core.forms import KernFormMixin

from .models import SCALE_STEPS, Question, QuestionKind
from .questionnaire import plain_number

FIELD_PREFIX = "frage-"


def field_name(question: Question) -> str:
    return f"{FIELD_PREFIX}{question.code}"


def _to_decimal(value: str) -> Decimal:
    return Decimal(value)


def _field_for(question: Question) -> forms.Field:
    """The field of one question; every field may stay empty in a draft (the form checks completeness)."""
    common: dict[str, Any] = {"label": question.label, "help_text": question.hint, "required": False}
    if question.kind == QuestionKind.YES_NO:
        return forms.TypedChoiceField(
            choices=[("1", _("Yes")), ("0", _("No"))], coerce=_to_decimal, empty_value=None,
            widget=forms.RadioSelect, error_messages={"invalid_choice": _("Answer yes or no.")}, **common,
        )  # fmt: skip
    if question.kind == QuestionKind.SCALE:
        return forms.TypedChoiceField(
            choices=[(str(step), label) for step, label in SCALE_STEPS], coerce=_to_decimal, empty_value=None,
            widget=forms.RadioSelect, error_messages={"invalid_choice": _("Choose a step from 0 to 4.")}, **common,
        )  # fmt: skip
    low, high = question.min_value or Decimal(0), question.max_value or Decimal(0)
    bounds = _("Enter a number from %(low)s to %(high)s.") % {
        "low": number_format(low.normalize()),
        "high": number_format(high.normalize()),
    }
    field = forms.DecimalField(
        max_digits=12, decimal_places=2, min_value=low, max_value=high, localize=True,
        error_messages={
            "invalid": _("Enter a number, such as 12 or 12,5."), "min_value": bounds, "max_value": bounds,
            "max_decimal_places": _("Enter a number with at most two decimal places."),
            "max_digits": bounds, "max_whole_digits": bounds,
        },
        **common,
    )  # fmt: skip
    if question.unit:
        field.label = f"{question.label} ({question.unit})"
    # Added after the KERN mixin styled the form's own fields: the same class by hand.
    field.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off", "class": "kern-form-input__input"})
    return field


class ResponseForm(KernFormMixin, forms.Form):
    """A field per question; `complete=True` (submitting) asks for every answer."""

    def __init__(self, *args: Any, questions: list[Question], complete: bool = False, **kwargs: Any) -> None:
        self.questions = questions
        self.complete = complete
        super().__init__(*args, **kwargs)
        for question in questions:
            self.fields[field_name(question)] = _field_for(question)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.complete:
            for question in self.questions:
                name = field_name(question)
                if name not in self.errors and data.get(name) is None:
                    self.add_error(name, _("Answer this question before submitting."))
        return data

    def values(self) -> dict[str, Decimal | None]:
        """The answers by question code (None: left empty)."""
        return {question.code: self.cleaned_data.get(field_name(question)) for question in self.questions}

    def rows(self) -> list[tuple[Question, forms.BoundField]]:
        return [(question, self[field_name(question)]) for question in self.questions]


def initial_values(questions: list[Question], answers: dict[str, Decimal]) -> dict[str, str]:
    """The stored answers as the form shows them."""
    initial = {}
    for question in questions:
        value = answers.get(question.code)
        if value is None:
            continue
        if question.kind == QuestionKind.NUMBER:
            initial[field_name(question)] = plain_number(value)
        else:
            initial[field_name(question)] = str(int(value))
    return initial


SORT_CHOICES = [
    ("name", _("Name (A–Z)")),
    ("-name", _("Name (Z–A)")),
    ("-index", _("Index (highest first)")),
    ("index", _("Index (lowest first)")),
    ("-funding", _("What the funding bought (highest first)")),
    ("funding", _("What the funding bought (lowest first)")),
    ("-assessment", _("Self-assessment (highest first)")),
    ("assessment", _("Self-assessment (lowest first)")),
]


class IndexFilterForm(KernFormMixin, forms.Form):
    """The year and the order of the public table of communes."""

    jahr = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False, empty_value=None)
    sortierung = forms.ChoiceField(label=_("Order"), choices=SORT_CHOICES, required=False)

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["jahr"].choices = [(year, str(year)) for year in reversed(years)]  # type: ignore[attr-defined]  # a ChoiceField
        self.fields["jahr"].error_messages["invalid_choice"] = _("There is no index for this year.")
        self.fields["sortierung"].error_messages["invalid_choice"] = _("Choose one of the orders offered.")
