"""The self-assessment: who may read and fill in a commune's response (policies), what they see (selectors),
and the two acts on a response, saving a draft and submitting it (services).

A commune's applicants and authorised signatories fill in its response while the questionnaire is open;
every person of the commune reads it; ministry staff read every response. A submitted response is frozen.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kommunalportal.accounts.policies import has_role, is_ministry_user
from kommunalportal.accounts.roles import COMMUNE_ROLES, Role
from kommunalportal.accounts.selectors import organisations_of
from kommunalportal.core import clock
from kommunalportal.core.audit import record_event
from kommunalportal.core.errors import DomainError
from kommunalportal.core.policies import Decision, require
from kommunalportal.organisations.models import Organisation

from .models import SCALE_MAX, SCALE_STEPS, Answer, Question, QuestionKind, Questionnaire, Response, ResponseStatus

HUNDREDTH = Decimal("0.01")
FILLING_ROLES = frozenset({Role.MUNICIPAL_APPLICANT, Role.MUNICIPAL_SIGNATORY})


# Policies


def can_fill_in(user: Any, organisation: Organisation) -> Decision:
    """Only the commune's own applicants and authorised signatories answer for it."""
    if any(has_role(user, role, organisation) for role in FILLING_ROLES):
        return Decision.allow()
    return Decision.deny(
        gettext_lazy("Only the commune's applicants and authorised signatories fill in its self-assessment.")
    )


def can_read_responses_of(user: Any, organisation: Organisation) -> Decision:
    """Ministry staff read every response; the people of a commune read their commune's."""
    if is_ministry_user(user) or any(has_role(user, role, organisation) for role in COMMUNE_ROLES):
        return Decision.allow()
    return Decision.deny(gettext_lazy("Only the commune and the ministry see its self-assessment."))


def questionnaire_accepts_answers(questionnaire: Questionnaire, today: date) -> Decision:
    """A questionnaire takes answers while it is published and between its opening and its closing day."""
    if not questionnaire.is_published:
        return Decision.deny(gettext_lazy("The questionnaire is not published."))
    if today < questionnaire.opens_on:
        return Decision.deny(
            _("The questionnaire opens on %(day)s.") % {"day": date_format(questionnaire.opens_on, "SHORT_DATE_FORMAT")}
        )
    if today > questionnaire.closes_on:
        return Decision.deny(
            _("The questionnaire closed on %(day)s.")
            % {"day": date_format(questionnaire.closes_on, "SHORT_DATE_FORMAT")}
        )
    return Decision.allow()


# Selectors


def questionnaires_visible_to(user: Any) -> QuerySet[Questionnaire]:
    """Ministry staff see every questionnaire; everybody else the published ones."""
    if is_ministry_user(user):
        return Questionnaire.objects.all()
    return Questionnaire.objects.filter(is_published=True)


def responses_visible_to(user: Any) -> QuerySet[Response]:
    """Ministry staff see every response; the people of a commune their commune's."""
    responses = Response.objects.select_related("questionnaire", "organisation", "submitted_by", "updated_by")
    if is_ministry_user(user):
        return responses
    return responses.filter(
        organisation__in=organisations_of(user, roles=COMMUNE_ROLES), questionnaire__is_published=True
    )


def communes_of(user: Any) -> list[Organisation]:
    """The communes in which the user holds a role, by name."""
    return list(organisations_of(user, roles=COMMUNE_ROLES).order_by("short_name", "key"))


def response_of(questionnaire: Questionnaire, organisation: Organisation) -> Response | None:
    """The commune's response to the questionnaire, if it has started one (callers check who may read it)."""
    return (
        Response.objects.filter(questionnaire=questionnaire, organisation=organisation)
        .select_related("submitted_by", "updated_by")
        .first()
    )


def questions_of(questionnaire: Questionnaire) -> list[Question]:
    return list(questionnaire.questions.order_by("position", "pk"))


def answers_of(response: Response | None) -> dict[str, Decimal]:
    """The values of a response by question code."""
    if response is None:
        return {}
    return dict(response.answers.values_list("question__code", "value"))


def response_counts() -> dict[tuple[int, str], int]:
    """How many responses each questionnaire has in each status, by (questionnaire pk, status)."""
    rows = Response.objects.order_by().values("questionnaire_id", "status").annotate(n=Count("pk"))
    return {(row["questionnaire_id"], row["status"]): row["n"] for row in rows}


@dataclass(frozen=True)
class ResponseRow:
    organisation: Organisation
    questionnaire: Questionnaire
    response: Response | None


def response_rows(questionnaires: list[Questionnaire], organisations: list[Organisation]) -> list[ResponseRow]:
    """Each pair of questionnaire and commune with the commune's response (or None), in one query."""
    found = {
        (response.questionnaire_id, response.organisation_id): response
        for response in Response.objects.filter(
            questionnaire__in=questionnaires, organisation__in=organisations
        ).select_related("submitted_by")
    }
    return [
        ResponseRow(organisation, questionnaire, found.get((questionnaire.pk, organisation.pk)))
        for questionnaire in questionnaires
        for organisation in organisations
    ]


# Answers: what a value means and whether it fits its question


def check_answer(question: Question, value: Decimal) -> None:
    """Refuse a value the question does not allow, with a message for the person who typed it."""
    if not value.is_finite() or value != value.quantize(HUNDREDTH):
        raise DomainError(_("Enter a number with at most two decimal places."))
    if question.kind == QuestionKind.YES_NO and value not in (0, 1):
        raise DomainError(_("Answer yes or no."))
    if question.kind == QuestionKind.SCALE and (value != value.to_integral_value() or not 0 <= value <= SCALE_MAX):
        raise DomainError(_("Choose a step from 0 to 4."))
    if question.kind == QuestionKind.NUMBER:
        low, high = question.min_value, question.max_value
        if low is None or high is None or not low <= value <= high:
            raise DomainError(
                _("Enter a number from %(low)s to %(high)s.")
                % {"low": number_format(low or 0), "high": number_format(high or 0)}
            )


def plain_number(value: Decimal) -> str:
    """A number without trailing zeros, in the page's language: 45, 12,5."""
    return number_format(value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize())


def display_value(question: Question, value: Decimal | None) -> str:
    """An answer as the page shows it: yes or no, the step of the scale, the number with its unit."""
    if value is None:
        return "–"
    if question.kind == QuestionKind.YES_NO:
        return _("Yes") if value >= 1 else _("No")
    if question.kind == QuestionKind.SCALE:
        return str(dict(SCALE_STEPS).get(int(value), value))
    return f"{plain_number(value)} {question.unit}".strip()


# Services


def _locked_response(*, questionnaire: Questionnaire, organisation: Organisation, actor: Any) -> Response:
    """The commune's response to the questionnaire with its row lock, created as an empty draft if it has none."""
    response = Response.objects.select_for_update().filter(questionnaire=questionnaire, organisation=organisation)
    found = response.first()
    if found is not None:
        return found
    now = clock.now()
    try:
        with transaction.atomic():  # a savepoint: a second person creating it at the same time loses the race here
            return Response.objects.create(
                questionnaire=questionnaire, organisation=organisation, created_at=now, updated_at=now, updated_by=actor
            )
    except IntegrityError:
        return response.get()


def _write_answers(
    response: Response, questions: list[Question], values: Mapping[str, Decimal | None]
) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    """Store the given values (None clears an answer); return the answers before and after by question code."""
    by_code = {question.code: question for question in questions}
    unknown = sorted(set(values) - set(by_code))
    if unknown:
        raise DomainError(_("The questionnaire has no question %(code)s.") % {"code": unknown[0]})
    existing = {answer.question_id: answer for answer in response.answers.all()}
    before = {question.code: existing[question.pk].value for question in questions if question.pk in existing}
    created: list[Answer] = []
    changed: list[Answer] = []
    cleared: list[int] = []
    for code, value in values.items():
        question = by_code[code]
        if value is not None:
            check_answer(question, value)
        answer = existing.get(question.pk)
        if value is None and answer is not None:
            cleared.append(answer.pk)
        elif value is not None and answer is None:
            created.append(Answer(response=response, question=question, value=value))
        elif value is not None and answer is not None and answer.value != value:
            answer.value = value
            changed.append(answer)
    if cleared:
        Answer.objects.filter(pk__in=cleared).delete()
    if created:
        Answer.objects.bulk_create(created)
    if changed:
        Answer.objects.bulk_update(changed, ["value"])
    after = dict(before)
    for code, value in values.items():
        if value is None:
            after.pop(code, None)
        else:
            after[code] = value.quantize(HUNDREDTH)  # as stored, like the answers before
    return before, after


def _prepare(
    *, questionnaire: Questionnaire, organisation: Organisation, actor: Any
) -> tuple[Response, list[Question]]:
    require(can_fill_in(actor, organisation))
    # The questionnaire's row lock queues an answer behind a change of the questions or of the publication (see
    # `questionnaire_admin`), and the checks see the questionnaire as it is now.
    questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    require(questionnaire_accepts_answers(questionnaire, clock.today()))
    response = _locked_response(questionnaire=questionnaire, organisation=organisation, actor=actor)
    if response.is_submitted:
        raise DomainError(_("The self-assessment was submitted and can no longer be changed."))
    return response, questions_of(questionnaire)


@transaction.atomic
def save_draft(
    *, questionnaire: Questionnaire, organisation: Organisation, actor: Any, values: Mapping[str, Decimal | None]
) -> Response:
    """The commune saves its answers as a draft, to go on later."""
    response, questions = _prepare(questionnaire=questionnaire, organisation=organisation, actor=actor)
    before, after = _write_answers(response, questions, values)
    response.updated_at, response.updated_by = clock.now(), actor
    response.save(update_fields=["updated_at", "updated_by"])
    record_event(
        actor=actor, action="monitor.response.saved", obj=response,
        before={"status": ResponseStatus.DRAFT, "answers": before},
        after={"status": ResponseStatus.DRAFT, "answers": after},
    )  # fmt: skip
    return response


@transaction.atomic
def submit_response(
    *, questionnaire: Questionnaire, organisation: Organisation, actor: Any, values: Mapping[str, Decimal | None]
) -> Response:
    """The commune submits its self-assessment with every question answered; from then on it is frozen."""
    response, questions = _prepare(questionnaire=questionnaire, organisation=organisation, actor=actor)
    before, after = _write_answers(response, questions, values)
    missing = [question for question in questions if question.code not in after]
    if missing:
        raise DomainError(_("Answer every question before submitting (%(count)d open).") % {"count": len(missing)})
    now = clock.now()
    response.status = ResponseStatus.SUBMITTED
    response.submitted_at, response.submitted_by = now, actor
    response.updated_at, response.updated_by = now, actor
    response.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at", "updated_by"])
    record_event(
        actor=actor, action="monitor.response.submitted", obj=response,
        before={"status": ResponseStatus.DRAFT, "answers": before},
        after={"status": ResponseStatus.SUBMITTED, "answers": after},
    )  # fmt: skip
    return response
