"""Forms of the ministry's pages for the questionnaires: a questionnaire (new or changed) and a question.

The forms read what was typed (types, lengths, German numbers); the rules (a year once, dates in order, a code
once per questionnaire, bounds of numbers, what is fixed once answered) are the services' in
`questionnaire_admin`, whose refusals the views put on the fields named in them.
"""

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from kommunalportal.core.forms import KernFormMixin

from .models import IndicatorArea, Question, QuestionKind, Questionnaire
from .questionnaire_admin import FIRST_YEAR, FIXED_ONCE_ANSWERED, LAST_YEAR, QuestionInput, questionnaire_errors

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _model_field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    return cast("models.Field[Any, Any]", model._meta.get_field(name))  # a column, never a relation here


def _label(model: type[models.Model], name: str) -> Any:
    """The model's name of the field, as a label."""
    return capfirst(_model_field(model, name).verbose_name)


def _hint(model: type[models.Model], name: str) -> Any:
    return _model_field(model, name).help_text


class QuestionnaireForm(KernFormMixin, forms.Form):
    """A questionnaire's title, introduction and answering period."""

    title = forms.CharField(label=_label(Questionnaire, "title"), max_length=200)
    introduction = forms.CharField(
        label=_label(Questionnaire, "introduction"), widget=forms.Textarea(attrs={"rows": 4}), required=False,
        help_text=_("Shown to the communes above the questions."),
    )  # fmt: skip
    opens_on = forms.DateField(label=_label(Questionnaire, "opens_on"), widget=DATE)
    closes_on = forms.DateField(label=_label(Questionnaire, "closes_on"), widget=DATE)

    @classmethod
    def initial_of(cls, questionnaire: Questionnaire) -> dict[str, Any]:
        return {name: getattr(questionnaire, name) for name in ("title", "introduction", "opens_on", "closes_on")}

    def clean(self) -> dict[str, Any]:
        # The services' rules (a year once, dates in order) shown with the form's own errors in one go; the
        # service checks them again when it saves.
        data = super().clean() or {}
        for field, message in questionnaire_errors(
            year=data.get("year"), title=data.get("title"), opens_on=data.get("opens_on"),
            closes_on=data.get("closes_on"),
        ):  # fmt: skip
            if field is None or field not in self.errors:
                self.add_error(field, str(message))
        return data


class NewQuestionnaireForm(QuestionnaireForm):
    """The questionnaire of a new year, empty or with the questions of an existing year."""

    year = forms.IntegerField(
        label=_label(Questionnaire, "year"), min_value=FIRST_YEAR, max_value=LAST_YEAR,
        error_messages={
            "invalid": _("Enter a year from 2000 to 2100."), "min_value": _("Enter a year from 2000 to 2100."),
            "max_value": _("Enter a year from 2000 to 2100."),
        },
    )  # fmt: skip
    copy_from = forms.TypedChoiceField(
        label=_("Questions"), coerce=int, required=False, empty_value=None,
        help_text=_("Usually the questions of the year before, so that the years compare. They can be changed "
                    "until communes answer them."),
        error_messages={"invalid_choice": _("Choose a year from the list.")},
    )  # fmt: skip

    field_order = ["year", "copy_from", "title", "introduction", "opens_on", "closes_on"]

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        copy_from: Any = self.fields["copy_from"]
        copy_from.choices = [("", _("None: start with an empty questionnaire"))] + [
            (year, _("Copy the questions of %(year)d") % {"year": year}) for year in years
        ]


class QuestionForm(KernFormMixin, forms.Form):
    """A question; with `fixed=True` (communes have answered it) its code, kind and bounds are shown, not edited."""

    code = forms.SlugField(
        label=_label(Question, "code"), max_length=50, help_text=_hint(Question, "code"),
        error_messages={"invalid": _("Use up to 50 letters, digits, hyphens or underscores, e.g. e-file.")},
    )  # fmt: skip
    text = forms.CharField(label=_label(Question, "text"), max_length=300)
    text_en = forms.CharField(label=_label(Question, "text_en"), max_length=300, required=False)
    help_text = forms.CharField(
        label=_label(Question, "help_text"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    help_text_en = forms.CharField(
        label=_label(Question, "help_text_en"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    kind = forms.ChoiceField(
        label=_label(Question, "kind"), choices=QuestionKind.choices,
        error_messages={"invalid_choice": _("Choose a kind of answer from the list.")},
    )  # fmt: skip
    area = forms.ChoiceField(
        label=_label(Question, "area"), choices=IndicatorArea.choices,
        error_messages={"invalid_choice": _("Choose an indicator area from the list.")},
    )  # fmt: skip
    weight = forms.DecimalField(
        label=_label(Question, "weight"), max_digits=5, decimal_places=2, min_value=Decimal("0.01"), localize=True,
        help_text=_hint(Question, "weight"),
    )  # fmt: skip
    min_value = forms.DecimalField(
        label=_label(Question, "min_value"), max_digits=12, decimal_places=2, required=False, localize=True,
        help_text=_("Only for numbers."),
    )  # fmt: skip
    max_value = forms.DecimalField(
        label=_label(Question, "max_value"), max_digits=12, decimal_places=2, required=False, localize=True,
        help_text=_("Only for numbers."),
    )  # fmt: skip
    unit = forms.CharField(
        label=_label(Question, "unit"), max_length=20, required=False, help_text=_hint(Question, "unit")
    )

    def __init__(self, *args: Any, fixed: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("weight", "min_value", "max_value"):
            self.fields[name].widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})
        if fixed:
            for name in FIXED_ONCE_ANSWERED:
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Fixed: communes have answered this question.")

    @classmethod
    def initial_of(cls, question: Question) -> dict[str, Any]:
        return {name: getattr(question, name) for name in cls.base_fields}

    def question_input(self) -> QuestionInput:
        data = self.cleaned_data
        return QuestionInput(
            code=data["code"], text=data["text"], kind=data["kind"], area=data["area"], weight=data["weight"],
            text_en=data["text_en"], help_text=data["help_text"], help_text_en=data["help_text_en"],
            min_value=data["min_value"], max_value=data["max_value"], unit=data["unit"],
        )  # fmt: skip
