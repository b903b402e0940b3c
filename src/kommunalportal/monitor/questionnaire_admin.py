"""Maintaining the questionnaires of the self-assessment: who may (policies), what the ministry's pages read
(selectors), and the acts on a questionnaire and its questions (services).

Programme managers set up a year (usually as a copy of the year before), edit it, add, change, reorder and
delete its questions, and publish it; every ministry role reads these pages. What a question means for the
answers already given is fixed once it has answers: its code, kind and bounds stay, and it cannot be deleted
(its texts and weight stay editable). The Django administration uses the same field lists and rules.
"""

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kommunalportal.accounts.policies import has_role, is_ministry_user
from kommunalportal.accounts.roles import Role
from kommunalportal.core import clock
from kommunalportal.core.audit import record_event, snapshot
from kommunalportal.core.errors import DomainError
from kommunalportal.core.policies import Decision, require

from .models import Answer, IndicatorArea, Question, QuestionKind, Questionnaire, Response, ResponseStatus

# What the audit trail keeps of a questionnaire and of a question (before and after every change).
QUESTIONNAIRE_FIELDS = ("year", "title", "introduction", "opens_on", "closes_on", "is_published")
QUESTION_FIELDS = (
    "position", "code", "text", "text_en", "help_text", "help_text_en", "kind", "area", "weight",
    "min_value", "max_value", "unit",
)  # fmt: skip
# What a question means for the answers already given: fixed once it has answers (texts and weight stay editable).
FIXED_ONCE_ANSWERED = ("code", "kind", "min_value", "max_value")
# The fields a programme manager sets on a questionnaire after it was created (the year stays).
EDITABLE_QUESTIONNAIRE_FIELDS = ("title", "introduction", "opens_on", "closes_on")

FIRST_YEAR, LAST_YEAR = 2000, 2100  # as the database's check `questionnaire_year_plausible`
SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")
CODE_MAX_LENGTH = 50
HUNDREDTH = Decimal("0.01")
# Digits before the decimal point that the columns hold (weight: 5 digits, bounds: 12, each with 2 places).
WEIGHT_WHOLE_DIGITS, BOUND_WHOLE_DIGITS = 3, 10

ANSWERED_MEANING_FIXED = _(
    "Communes have answered this question: its code, kind and bounds can no longer change. Add a new question instead."
)


class InvalidInput(DomainError):
    """A rule refused what was entered; each message names the field it belongs to (None: the whole form)."""

    def __init__(self, errors: list[tuple[str | None, str | Promise]]) -> None:
        super().__init__(errors[0][1])
        self.errors = errors


# Policies


def can_manage_questionnaires(user: Any) -> Decision:
    """Programme managers set up and change the questionnaires and their questions."""
    if has_role(user, Role.PROGRAMME_MANAGER):
        return Decision.allow()
    return Decision.deny(_("Only programme managers maintain the questionnaires."))


def can_view_questionnaire_administration(user: Any) -> Decision:
    """Every ministry role reads how the questionnaires are set up."""
    if is_ministry_user(user):
        return Decision.allow()
    return Decision.deny(_("Only ministry staff see the administration of the questionnaires."))


def has_answers(question: Question) -> bool:
    annotated: bool | None = getattr(question, "is_answered", None)
    if annotated is not None:
        return annotated
    return question.pk is not None and question.answers.exists()


def can_change_meaning(question: Question) -> Decision:
    """A question's code, kind and bounds change only while nobody has answered it."""
    if has_answers(question):
        return Decision.deny(ANSWERED_MEANING_FIXED)
    return Decision.allow()


def can_delete_question(question: Question) -> Decision:
    """A question goes only while nobody has answered it (the database protects the answers, too)."""
    if has_answers(question):
        return Decision.deny(
            _("Communes have answered this question: it can no longer be deleted. Change its texts or weight instead.")
        )
    return Decision.allow()


def can_publish(questionnaire: Questionnaire, *, question_count: int | None = None) -> Decision:
    """Communes see a questionnaire once it is published, which needs at least one question."""
    if questionnaire.is_published:
        return Decision.deny(_("The questionnaire is already published."))
    count = questionnaire.questions.count() if question_count is None else question_count
    if count == 0:
        return Decision.deny(_("A questionnaire without questions cannot be published."))
    return Decision.allow()


def can_unpublish(questionnaire: Questionnaire, *, submitted_count: int | None = None) -> Decision:
    """A questionnaire goes back to draft only as long as no commune has submitted its response."""
    if not questionnaire.is_published:
        return Decision.deny(_("The questionnaire is not published."))
    if submitted_count is None:
        submitted_count = questionnaire.responses.filter(status=ResponseStatus.SUBMITTED).count()
    if submitted_count:
        return Decision.deny(
            _("Communes have already submitted their self-assessment for this year: the questionnaire stays published.")
        )
    return Decision.allow()


# Selectors


def questionnaires_for_administration() -> QuerySet[Questionnaire]:
    """Every questionnaire, newest first, with its number of questions and of submitted responses (one query)."""
    questions = (
        Question.objects.filter(questionnaire=OuterRef("pk"))
        .order_by()
        .values("questionnaire")
        .annotate(n=Count("pk"))
        .values("n")
    )
    submitted = (
        Response.objects.filter(questionnaire=OuterRef("pk"), status=ResponseStatus.SUBMITTED)
        .order_by()
        .values("questionnaire")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Questionnaire.objects.annotate(
        question_count=Coalesce(Subquery(questions, output_field=IntegerField()), 0),
        submitted_count=Coalesce(Subquery(submitted, output_field=IntegerField()), 0),
    ).order_by("-year")


def questions_for_administration(questionnaire: Questionnaire) -> list[Question]:
    """The questions in their order, each with `is_answered` (one query)."""
    return list(
        questionnaire.questions.annotate(is_answered=Exists(Answer.objects.filter(question=OuterRef("pk")))).order_by(
            "position", "pk"
        )
    )


def _shifted(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without it
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class Proposal:
    """What the form for a new questionnaire suggests: the year after the latest, like the latest."""

    year: int
    title: str
    introduction: str
    opens_on: date | None
    closes_on: date | None
    copy_from: int | None


def proposal_for_next_year() -> Proposal:
    latest = Questionnaire.objects.order_by("-year").first()
    if latest is None:
        return Proposal(clock.today().year, "", "", None, None, None)
    return Proposal(
        year=latest.year + 1,
        title=latest.title,
        introduction=latest.introduction,
        opens_on=_shifted(latest.opens_on, 1),
        closes_on=_shifted(latest.closes_on, 1),
        copy_from=latest.year,
    )


# Rules on what is entered


def questionnaire_errors(
    *, title: str | None, opens_on: date | None, closes_on: date | None, year: int | None = None
) -> list[tuple[str | None, str | Promise]]:
    """What a questionnaire as entered breaks, by field: a year once and plausible, a title, dates in order.
    Values left out (None) are not checked, so that a form can show these next to its own errors."""
    errors: list[tuple[str | None, str | Promise]] = []
    if year is not None:
        if not FIRST_YEAR <= year <= LAST_YEAR:
            errors.append(("year", _("Enter a year from 2000 to 2100.")))
        elif Questionnaire.objects.filter(year=year).exists():
            errors.append(("year", _("There is already a questionnaire for %(year)d.") % {"year": year}))
    if title is not None and not title.strip():
        errors.append(("title", _("Give the questionnaire a title.")))
    if opens_on is not None and closes_on is not None and opens_on > closes_on:
        errors.append(("closes_on", _("The questionnaire must close on or after the day it opens.")))
    return errors


@dataclass(frozen=True)
class QuestionInput:
    """What a programme manager sets on a question (its position comes from the order of the questions)."""

    code: str
    text: str
    kind: str
    area: str
    weight: Decimal
    text_en: str = ""
    help_text: str = ""
    help_text_en: str = ""
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    unit: str = ""

    def normalised(self) -> "QuestionInput":
        """Texts without surrounding spaces; bounds and unit belong to number questions only."""
        number = self.kind == QuestionKind.NUMBER
        return QuestionInput(
            code=self.code.strip(), text=self.text.strip(), kind=self.kind, area=self.area, weight=self.weight,
            text_en=self.text_en.strip(), help_text=self.help_text.strip(), help_text_en=self.help_text_en.strip(),
            min_value=self.min_value if number else None, max_value=self.max_value if number else None,
            unit=self.unit.strip() if number else "",
        )  # fmt: skip


def _question_errors(question: Question) -> list[tuple[str | None, str | Promise]]:
    """What the question as filled in breaks: its code, texts, kind, area, weight and bounds (Question.clean)."""
    errors: list[tuple[str | None, str | Promise]] = []
    if not SLUG.match(question.code) or len(question.code) > CODE_MAX_LENGTH:
        errors.append(("code", _("Use up to 50 letters, digits, hyphens or underscores, e.g. e-file.")))
    elif (
        Question.objects.filter(questionnaire_id=question.questionnaire_id, code=question.code)
        .exclude(pk=question.pk)
        .exists()
    ):
        message = _("The questionnaire already has a question with the code %(code)s.") % {"code": question.code}
        errors.append(("code", message))
    if not question.text.strip():
        errors.append(("text", _("Enter the question in German.")))
    if question.kind not in QuestionKind.values:
        errors.append(("kind", _("Choose a kind of answer from the list.")))
    if question.area not in IndicatorArea.values:
        errors.append(("area", _("Choose an indicator area from the list.")))
    if not _fits(question.weight, whole_digits=WEIGHT_WHOLE_DIGITS) or question.weight <= 0:
        errors.append(("weight", _("Enter a weight greater than 0 and below 1000, with at most two decimal places.")))
    for name in ("min_value", "max_value"):
        if not _fits(getattr(question, name), whole_digits=BOUND_WHOLE_DIGITS):
            errors.append((name, _("Enter a number below ten billion with at most two decimal places.")))
    if any(name in {field for field, _message in errors} for name in ("weight", "min_value", "max_value")):
        return errors  # the bounds cannot be compared
    try:
        question.clean()
    except ValidationError as error:
        errors.extend(_bound_errors(question, error))
    return errors


def _fits(value: Decimal | None, *, whole_digits: int) -> bool:
    """Whether a number fits its column: at most two decimal places and `whole_digits` before the point."""
    return value is None or (
        value.is_finite() and value == value.quantize(HUNDREDTH) and abs(value) < Decimal(10) ** whole_digits
    )


def _bound_errors(question: Question, error: ValidationError) -> list[tuple[str | None, str | Promise]]:
    """Question.clean's refusal, by field: a missing bound belongs to the field left empty."""
    if hasattr(error, "error_dict"):
        return [
            (None if field == NON_FIELD_ERRORS else field, message)
            for field, messages in error.message_dict.items()
            for message in messages
        ]
    field = "min_value" if question.min_value is None else "max_value" if question.max_value is None else None
    return [(field, message) for message in error.messages]


# Services


def _locked(questionnaire: Questionnaire) -> Questionnaire:
    """The questionnaire's row with its lock: changes to a questionnaire and its questions queue here."""
    return Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)


def _year_taken(year: int) -> InvalidInput:
    return InvalidInput([("year", _("There is already a questionnaire for %(year)d.") % {"year": year})])


@transaction.atomic
def create_questionnaire(
    *,
    actor: Any,
    year: int,
    title: str,
    opens_on: date,
    closes_on: date,
    introduction: str = "",
    copy_from: Questionnaire | None = None,
) -> Questionnaire:
    """A programme manager sets up the questionnaire of a year, unpublished: empty or with another year's questions."""
    require(can_manage_questionnaires(actor))
    errors = questionnaire_errors(year=year, title=title, opens_on=opens_on, closes_on=closes_on)
    if errors:
        raise InvalidInput(errors)
    try:
        with transaction.atomic():  # a savepoint: a second manager setting up the same year at once loses here
            questionnaire = Questionnaire.objects.create(
                year=year, title=title.strip(), introduction=introduction.strip(), opens_on=opens_on,
                closes_on=closes_on,
            )  # fmt: skip
    except IntegrityError:
        raise _year_taken(year) from None
    record_event(
        actor=actor, action="monitor.questionnaire.created", obj=questionnaire,
        after={**snapshot(questionnaire, QUESTIONNAIRE_FIELDS), "copied_from": copy_from.year if copy_from else None},
    )  # fmt: skip
    if copy_from is not None:
        copies = [
            Question(questionnaire=questionnaire, **{name: getattr(source, name) for name in QUESTION_FIELDS})
            for source in copy_from.questions.order_by("position", "pk")
        ]
        for question in copies:
            question.save()
            record_event(
                actor=actor, action="monitor.question.created", obj=question, after=snapshot(question, QUESTION_FIELDS)
            )
    return questionnaire


@transaction.atomic
def update_questionnaire(
    *, questionnaire: Questionnaire, actor: Any, title: str, introduction: str, opens_on: date, closes_on: date
) -> Questionnaire:
    """A programme manager changes a questionnaire's title, introduction and answering period."""
    locked = _locked(questionnaire)
    require(can_manage_questionnaires(actor))
    errors = questionnaire_errors(title=title, opens_on=opens_on, closes_on=closes_on)
    if errors:
        raise InvalidInput(errors)
    before = snapshot(locked, QUESTIONNAIRE_FIELDS)
    locked.title, locked.introduction = title.strip(), introduction.strip()
    locked.opens_on, locked.closes_on = opens_on, closes_on
    after = snapshot(locked, QUESTIONNAIRE_FIELDS)
    if after != before:
        locked.save(update_fields=list(EDITABLE_QUESTIONNAIRE_FIELDS))
        record_event(actor=actor, action="monitor.questionnaire.changed", obj=locked, before=before, after=after)
    return locked


@transaction.atomic
def save_question(
    *, questionnaire: Questionnaire, actor: Any, data: QuestionInput, question: Question | None = None
) -> Question:
    """A programme manager adds a question at the end of the questionnaire, or changes one of its questions."""
    locked = _locked(questionnaire)
    require(can_manage_questionnaires(actor))
    data = data.normalised()
    before: dict[str, Any] | None = None
    if question is None:
        last = locked.questions.order_by("-position").values_list("position", flat=True).first()
        instance = Question(questionnaire=locked, position=(last or 0) + 1)
    else:
        found = Question.objects.select_for_update().filter(pk=question.pk, questionnaire=locked).first()
        if found is None:
            raise DomainError(_("The question is not part of this questionnaire."))
        instance = found
        before = snapshot(instance, QUESTION_FIELDS)
        if any(getattr(instance, name) != getattr(data, name) for name in FIXED_ONCE_ANSWERED):
            decision = can_change_meaning(instance)
            if not decision:
                raise InvalidInput([(None, decision.reason)])
    for name in ("code", "text", "text_en", "help_text", "help_text_en", "kind", "area", "weight", "unit"):
        setattr(instance, name, getattr(data, name))
    instance.min_value, instance.max_value = data.min_value, data.max_value
    errors = _question_errors(instance)
    if errors:
        raise InvalidInput(errors)
    # As the columns store them, so that an unchanged question compares equal to what is stored.
    instance.weight = instance.weight.quantize(HUNDREDTH)
    instance.min_value = instance.min_value.quantize(HUNDREDTH) if instance.min_value is not None else None
    instance.max_value = instance.max_value.quantize(HUNDREDTH) if instance.max_value is not None else None
    after = snapshot(instance, QUESTION_FIELDS)
    if after == before:
        return instance
    try:
        with transaction.atomic():  # a savepoint, so that the refusal below leaves the transaction usable
            instance.save()
    except IntegrityError:  # what the checks above let through; the database holds the same rules
        raise InvalidInput([(None, _("The question could not be saved; please check it."))]) from None
    action = "monitor.question.created" if before is None else "monitor.question.changed"
    record_event(actor=actor, action=action, obj=instance, before=before, after=after)
    return instance


@transaction.atomic
def delete_question(*, question: Question, actor: Any) -> None:
    """A programme manager deletes a question that nobody has answered."""
    _locked(question.questionnaire)
    require(can_manage_questionnaires(actor))
    locked = Question.objects.select_for_update().filter(pk=question.pk).first()
    if locked is None:
        raise DomainError(_("The question no longer exists."))
    decision = can_delete_question(locked)
    if not decision:
        raise DomainError(decision.reason)
    before = snapshot(locked, QUESTION_FIELDS)
    pk, label = locked.pk, str(locked)[:300]
    locked.delete()
    record_event(
        actor=actor, action="monitor.question.deleted", object_type="monitor.question", object_id=str(pk),
        object_repr=label, before=before,
    )  # fmt: skip


@transaction.atomic
def move_question(*, question: Question, actor: Any, offset: int) -> None:
    """A programme manager moves a question up (offset -1) or down (+1); the questions are numbered 1, 2, 3 …"""
    locked = _locked(question.questionnaire)
    require(can_manage_questionnaires(actor))
    questions = list(locked.questions.order_by("position", "pk"))
    index = next((i for i, q in enumerate(questions) if q.pk == question.pk), None)
    if index is None:
        raise DomainError(_("The question no longer exists."))
    target = index + offset
    if offset not in (-1, 1) or not 0 <= target < len(questions):
        raise DomainError(_("The question cannot move further in that direction."))
    before = [q.code for q in questions]
    questions[index], questions[target] = questions[target], questions[index]
    changed = []
    for position, item in enumerate(questions, start=1):
        if item.position != position:
            item.position = position
            changed.append(item)
    Question.objects.bulk_update(changed, ["position"])
    record_event(
        actor=actor, action="monitor.questionnaire.reordered", obj=locked,
        before={"order": before}, after={"order": [q.code for q in questions]},
    )  # fmt: skip


@transaction.atomic
def publish_questionnaire(*, questionnaire: Questionnaire, actor: Any) -> Questionnaire:
    """A programme manager publishes a questionnaire: communes see it and answer it within its dates."""
    locked = _locked(questionnaire)
    require(can_manage_questionnaires(actor))
    decision = can_publish(locked)
    if not decision:
        raise DomainError(decision.reason)
    return _set_published(locked, actor=actor, published=True)


@transaction.atomic
def unpublish_questionnaire(*, questionnaire: Questionnaire, actor: Any) -> Questionnaire:
    """A programme manager withdraws a questionnaire that no commune has submitted yet."""
    locked = _locked(questionnaire)
    require(can_manage_questionnaires(actor))
    decision = can_unpublish(locked)
    if not decision:
        raise DomainError(decision.reason)
    return _set_published(locked, actor=actor, published=False)


def _set_published(questionnaire: Questionnaire, *, actor: Any, published: bool) -> Questionnaire:
    before = snapshot(questionnaire, QUESTIONNAIRE_FIELDS)
    questionnaire.is_published = published
    questionnaire.save(update_fields=["is_published"])
    action = "monitor.questionnaire.published" if published else "monitor.questionnaire.unpublished"
    after = snapshot(questionnaire, QUESTIONNAIRE_FIELDS)
    record_event(actor=actor, action=action, obj=questionnaire, before=before, after=after)
    return questionnaire
