"""The ministry's pages for the questionnaires of the self-assessment: programme managers set up a year, edit
it and its questions and publish it; every other ministry role reads them; anybody else signed in gets 403."""

from dataclasses import asdict
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kommunalportal.core.errors import DomainError

from .models import Question, Questionnaire
from .questionnaire_admin import (
    InvalidInput,
    can_delete_question,
    can_manage_questionnaires,
    can_publish,
    can_unpublish,
    can_view_questionnaire_administration,
    create_questionnaire,
    delete_question,
    has_answers,
    move_question,
    proposal_for_next_year,
    publish_questionnaire,
    questionnaires_for_administration,
    questions_for_administration,
    save_question,
    unpublish_questionnaire,
    update_questionnaire,
)
from .questionnaire_admin_forms import NewQuestionnaireForm, QuestionForm, QuestionnaireForm

# The buttons that move a question, by the value they send.
DIRECTIONS = {"hoch": -1, "runter": 1}


def _readers_only(user: Any) -> None:
    decision = can_view_questionnaire_administration(user)
    if not decision:
        raise HttpForbidden(decision.reason)


def _managers_only(user: Any) -> None:
    _readers_only(user)
    decision = can_manage_questionnaires(user)
    if not decision:
        raise HttpForbidden(decision.reason)


def _question_or_404(questionnaire: Questionnaire, code: str) -> Question:
    question = next((q for q in questions_for_administration(questionnaire) if q.code == code), None)
    if question is None:
        raise Http404
    return question


def _show_refusal(form: forms.Form, error: DomainError) -> None:
    """A service's refusal on the form: on the fields it names, otherwise above the form."""
    errors = error.errors if isinstance(error, InvalidInput) else [(None, error.message)]
    for field, message in errors:
        form.add_error(field if field in form.fields else None, str(message))


@login_required
def questionnaire_list(request: HttpRequest) -> HttpResponse:
    """Every questionnaire with its number of questions and of submitted responses."""
    user: Any = request.user
    _readers_only(user)
    context = {
        "questionnaires": list(questionnaires_for_administration()),
        "can_manage": can_manage_questionnaires(user),
    }
    return render(request, "monitor/manage/questionnaire_list.html", context)


@login_required
def questionnaire_create(request: HttpRequest) -> HttpResponse:
    """The questionnaire of a new year, as a copy of an existing year's questions or empty."""
    user: Any = request.user
    _managers_only(user)
    years = list(Questionnaire.objects.order_by("-year").values_list("year", flat=True))
    proposal = proposal_for_next_year()
    form = NewQuestionnaireForm(request.POST or None, years=years, initial=asdict(proposal))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        source = Questionnaire.objects.filter(year=data["copy_from"]).first() if data["copy_from"] else None
        try:
            questionnaire = create_questionnaire(
                actor=user, year=data["year"], title=data["title"], introduction=data["introduction"],
                opens_on=data["opens_on"], closes_on=data["closes_on"], copy_from=source,
            )  # fmt: skip
        except DomainError as error:
            _show_refusal(form, error)
        else:
            messages.success(
                request, _("The questionnaire %(year)d is set up as a draft. Publish it once it is ready.")
                % {"year": questionnaire.year},
            )  # fmt: skip
            return redirect("monitor:manage_questionnaire", year=questionnaire.year)
    return render(request, "monitor/manage/questionnaire_form.html", {"form": form, "questionnaire": None})


@login_required
def questionnaire_detail(request: HttpRequest, year: int) -> HttpResponse:
    """A questionnaire with its questions in order; for programme managers, the buttons to change them."""
    user: Any = request.user
    _readers_only(user)
    questionnaire: Any = get_object_or_404(questionnaires_for_administration(), year=year)
    questions = questions_for_administration(questionnaire)
    context = {
        "questionnaire": questionnaire,
        "questions": [(question, can_delete_question(question)) for question in questions],
        "can_manage": can_manage_questionnaires(user),
        "can_publish": can_publish(questionnaire, question_count=len(questions)),
        "can_unpublish": can_unpublish(questionnaire, submitted_count=questionnaire.submitted_count),
        "answered": sum(1 for question in questions if has_answers(question)),
    }
    return render(request, "monitor/manage/questionnaire_detail.html", context)


@login_required
def questionnaire_update(request: HttpRequest, year: int) -> HttpResponse:
    """A questionnaire's title, introduction and answering period."""
    user: Any = request.user
    _managers_only(user)
    questionnaire = get_object_or_404(questionnaires_for_administration(), year=year)
    form = QuestionnaireForm(request.POST or None, initial=QuestionnaireForm.initial_of(questionnaire))
    if request.method == "POST" and form.is_valid():
        try:
            update_questionnaire(questionnaire=questionnaire, actor=user, **form.cleaned_data)
        except DomainError as error:
            _show_refusal(form, error)
        else:
            messages.success(request, _("The questionnaire is saved."))
            return redirect("monitor:manage_questionnaire", year=questionnaire.year)
    return render(request, "monitor/manage/questionnaire_form.html", {"form": form, "questionnaire": questionnaire})


@login_required
@require_POST
def questionnaire_publish(request: HttpRequest, year: int) -> HttpResponse:
    user: Any = request.user
    _managers_only(user)
    questionnaire = get_object_or_404(questionnaires_for_administration(), year=year)
    try:
        publish_questionnaire(questionnaire=questionnaire, actor=user)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The questionnaire is published: communes answer it within its dates."))
    return redirect("monitor:manage_questionnaire", year=questionnaire.year)


@login_required
@require_POST
def questionnaire_unpublish(request: HttpRequest, year: int) -> HttpResponse:
    user: Any = request.user
    _managers_only(user)
    questionnaire = get_object_or_404(questionnaires_for_administration(), year=year)
    try:
        unpublish_questionnaire(questionnaire=questionnaire, actor=user)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The questionnaire is withdrawn: communes no longer see it."))
    return redirect("monitor:manage_questionnaire", year=questionnaire.year)


def _question_page(request: HttpRequest, questionnaire: Questionnaire, question: Question | None) -> HttpResponse:
    user: Any = request.user
    fixed = question is not None and has_answers(question)
    initial = QuestionForm.initial_of(question) if question is not None else {"weight": 1}
    form = QuestionForm(request.POST or None, initial=initial, fixed=fixed)
    if request.method == "POST" and form.is_valid():
        try:
            save_question(questionnaire=questionnaire, actor=user, data=form.question_input(), question=question)
        except DomainError as error:
            _show_refusal(form, error)
        else:
            messages.success(
                request, _("The question is added.") if question is None else _("The question is saved.")
            )  # fmt: skip
            return redirect("monitor:manage_questionnaire", year=questionnaire.year)
    context = {"form": form, "questionnaire": questionnaire, "question": question, "fixed": fixed}
    return render(request, "monitor/manage/question_form.html", context)


@login_required
def question_create(request: HttpRequest, year: int) -> HttpResponse:
    """A new question at the end of the questionnaire."""
    _managers_only(request.user)
    return _question_page(request, get_object_or_404(questionnaires_for_administration(), year=year), None)


@login_required
def question_update(request: HttpRequest, year: int, code: str) -> HttpResponse:
    """A question's texts and weight; its code, kind and bounds too while nobody has answered it."""
    _managers_only(request.user)
    questionnaire = get_object_or_404(questionnaires_for_administration(), year=year)
    return _question_page(request, questionnaire, _question_or_404(questionnaire, code))


@login_required
def question_delete(request: HttpRequest, year: int, code: str) -> HttpResponse:
    """Asks first; deletes a question nobody has answered."""
    user: Any = request.user
    _managers_only(user)
    questionnaire = get_object_or_404(questionnaires_for_administration(), year=year)
    question = _question_or_404(questionnaire, code)
    if request.method == "POST":
        try:
            delete_question(question=question, actor=user)
        except DomainError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("The question %(code)s is deleted.") % {"code": code})
        return redirect("monitor:manage_questionnaire", year=questionnaire.year)
    context = {"questionnaire": questionnaire, "question": question, "allowed": can_delete_question(question)}
    return render(request, "monitor/manage/question_delete.html", context)


@login_required
@require_POST
def question_move(request: HttpRequest, year: int, code: str) -> HttpResponse:
    """One place up or down."""
    user: Any = request.user
    _managers_only(user)
    questionnaire = get_object_or_404(questionnaires_for_administration(), year=year)
    question = _question_or_404(questionnaire, code)
    offset = DIRECTIONS.get(request.POST.get("richtung", ""))
    if offset is None:
        messages.error(request, _("Move the question up or down with the buttons."))
    else:
        try:
            move_question(question=question, actor=user, offset=offset)
        except DomainError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("The order of the questions is saved."))
    # Back to the question's row, so that it can be moved again from where it is now.
    return redirect(f"{reverse('monitor:manage_questionnaire', kwargs={'year': questionnaire.year})}#frage-{code}")
