from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms import BaseInlineFormSet
from django.http import HttpRequest

from kommunalportal.core.audit import record_event, snapshot

from .models import Answer, Question, Questionnaire, Response
from .questionnaire_admin import (
    FIXED_ONCE_ANSWERED,
    QUESTION_FIELDS,
    QUESTIONNAIRE_FIELDS,
    can_change_meaning,
    can_unpublish,
)


class QuestionnaireForm(forms.ModelForm):
    """The same rule as on the ministry's pages: published for good once communes have submitted."""

    class Meta:
        model = Questionnaire
        fields = QUESTIONNAIRE_FIELDS

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.instance.pk is not None and "is_published" in self.changed_data and not data.get("is_published"):
            decision = can_unpublish(Questionnaire.objects.get(pk=self.instance.pk))
            if not decision:
                raise ValidationError(str(decision.reason))
        return data


class QuestionForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = QUESTION_FIELDS

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if any(name in self.changed_data for name in FIXED_ONCE_ANSWERED) and self.instance.pk is not None:
            decision = can_change_meaning(self.instance)
            if not decision:
                raise ValidationError(str(decision.reason))
        return data


class QuestionInline(admin.StackedInline):
    model = Question
    form = QuestionForm
    extra = 0
    fields = QUESTION_FIELDS
    ordering = ["position", "pk"]


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    """The questionnaires and their questions are data: programme managers set up a year, its questions,
    their weights and the dates; every change is audited."""

    list_display = ["year", "title", "opens_on", "closes_on", "is_published"]
    list_display_links = ["year"]
    ordering = ["-year"]
    form = QuestionnaireForm
    inlines = [QuestionInline]

    def save_model(self, request: HttpRequest, obj: Questionnaire, form: Any, change: bool) -> None:
        before = snapshot(Questionnaire.objects.get(pk=obj.pk), QUESTIONNAIRE_FIELDS) if change else None
        super().save_model(request, obj, form, change)
        action = "monitor.questionnaire.changed" if change else "monitor.questionnaire.created"
        record_event(
            actor=request.user, action=action, obj=obj, before=before, after=snapshot(obj, QUESTIONNAIRE_FIELDS)
        )

    def save_formset(self, request: HttpRequest, form: Any, formset: BaseInlineFormSet, change: bool) -> None:
        before = {
            question.pk: snapshot(question, QUESTION_FIELDS)
            for question in Question.objects.filter(pk__in=[f.instance.pk for f in formset.forms if f.instance.pk])
        }
        # A deleted question has lost its primary key by the time the formset names it.
        doomed = {id(f.instance): f.instance.pk for f in formset.deleted_forms if f.instance.pk}
        super().save_formset(request, form, formset, change)
        for question in formset.new_objects:
            record_event(
                actor=request.user, action="monitor.question.created", obj=question,
                after=snapshot(question, QUESTION_FIELDS),
            )  # fmt: skip
        for question, _changed in formset.changed_objects:
            record_event(
                actor=request.user, action="monitor.question.changed", obj=question,
                before=before.get(question.pk), after=snapshot(question, QUESTION_FIELDS),
            )  # fmt: skip
        for question in formset.deleted_objects:
            pk = doomed.get(id(question))
            record_event(
                actor=request.user, action="monitor.question.deleted", object_type="monitor.question",
                object_id=str(pk or ""), object_repr=str(question)[:300],
                before=before.get(pk) if pk is not None else None,
            )  # fmt: skip

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A questionnaire with responses stays; one without any may go (e.g. set up by mistake).
        if obj is not None and obj.responses.exists():
            return False
        return super().has_delete_permission(request, obj)


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 0
    fields = ["question", "value"]
    readonly_fields = ["question", "value"]
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    """The communes' responses, to read: they are written only by the commune through the portal."""

    list_display = ["organisation", "questionnaire", "status", "submitted_at"]
    list_filter = ["questionnaire__year", "status"]
    search_fields = ["organisation__short_name", "organisation__key"]
    list_select_related = ["organisation", "questionnaire"]
    readonly_fields = [
        "questionnaire", "organisation", "status", "created_at", "updated_at", "updated_by", "submitted_at",
        "submitted_by",
    ]  # fmt: skip
    inlines = [AnswerInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Response]:
        return super().get_queryset(request).select_related("organisation", "questionnaire")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
