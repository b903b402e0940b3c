"""Pages of applications: the commune drafts and submits, the ministry reviews and decides."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from kommunalportal.accounts.policies import is_ministry_user
from kommunalportal.accounts.roles import Role
from kommunalportal.accounts.selectors import organisations_of
from kommunalportal.core.errors import DomainError
from kommunalportal.core.forms import euro_amount, is_uuid

from . import applications as svc
from . import policies
from .forms import (
    AttachmentForm,
    DecisionForm,
    FinancingPlanForm,
    MeasureForm,
    RequestChangesForm,
    ReviewFilterForm,
    ReviewNoteForm,
    StartApplicationForm,
)
from .models import Application, DecisionKind, GrantDecision
from .selectors import applications_visible_to, calls_visible_to, review_queue
from .workflow import EDITABLE, GRANTED, ApplicationStatus

PAGE_SIZE = 50


def _form_errors(form: Any) -> str:
    return "; ".join(
        f"{form.fields[name].label}: {' '.join(str(e) for e in errors)}"
        for name, errors in form.errors.items()
        if name in form.fields
    )


def _score_rows(application: Application, user: Any) -> list[tuple[Any, int | None]]:
    """Each criterion of the call with the juror's own score so far."""
    mine = dict(application.scores.filter(juror=user).values_list("criterion_id", "score"))
    return [(criterion, mine.get(criterion.pk)) for criterion in application.call.criteria.all()]


def _done(request: HttpRequest, application: Application, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("grants:application", public_id=application.public_id)


def _refused(request: HttpRequest, application: Application, error: DomainError) -> HttpResponse:
    messages.error(request, str(error.message))
    return redirect("grants:application", public_id=application.public_id)


@login_required
@require_POST
def application_start(request: HttpRequest, public_id: str) -> HttpResponse:
    user: Any = request.user
    call = get_object_or_404(calls_visible_to(user), public_id=public_id)
    organisation = (
        organisations_of(user, roles=frozenset({Role.MUNICIPAL_APPLICANT, Role.MUNICIPAL_SIGNATORY}))
        .filter(key=request.POST.get("organisation", ""))
        .first()
    )
    form = StartApplicationForm(request.POST)
    if organisation is None:
        raise HttpForbidden(_("Only the commune's applicants and authorised signatories prepare its applications."))
    if not form.is_valid():
        messages.error(request, _("Please give the application a title."))
        return redirect("grants:overview")
    try:
        application = svc.start_application(
            call=call, organisation=organisation, actor=user, title=form.cleaned_data["title"]
        )
    except DomainError as error:
        messages.error(request, str(error.message))
        return redirect("grants:overview")
    return _done(request, application, _("The draft is saved. Add the measures and the financing plan."))


@login_required
def application_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    user: Any = request.user
    application = get_object_or_404(applications_visible_to(user), public_id=public_id)
    is_ministry = is_ministry_user(user)
    can_edit = bool(policies.can_draft_application(user, application.organisation)) and application.status in EDITABLE
    pending = application.decisions.filter(released_at__isnull=True, is_withdrawn=False).first()
    context = {
        "application": application,
        "measures": application.measures.select_related("category"),
        "checks": svc.run_checks(application),
        "can_edit": can_edit,
        "can_submit": can_edit and bool(policies.can_submit_application(user, application)),
        "is_ministry": is_ministry,
        "can_review": is_ministry and bool(policies.can_review(user)),
        "pending": pending,
        "can_release": pending is not None and bool(policies.can_release_decision(user, pending)),
        "release_refusal": policies.can_release_decision(user, pending).reason if pending else "",
        "decisions": application.decisions.filter(released_at__isnull=False).select_related("document"),
        "versions": application.versions.select_related("receipt"),
        "attachments": application.attachments.all(),
        "partners": application.partners.select_related("organisation"),
        "is_competitive": application.call.shape == "competitive",
        "can_score": is_ministry
        and bool(policies.can_score(user))
        and application.status == ApplicationStatus.SUBMITTED,
        "score_rows": _score_rows(application, user),
        "can_amend": bool(policies.can_submit_application(user, application)) and application.status in GRANTED,
        "current_grant": svc.current_grant(application),
        "amendments": application.amendments.all(),
        "attachment_form": AttachmentForm(),
        "history": application.status_changes.select_related("actor"),
        "notes": application.review_notes.select_related("author") if is_ministry else [],
        "plan_form": FinancingPlanForm(
            initial={
                "title": application.title,
                "summary": application.summary,
                "requested_amount": application.requested_amount,
                "own_share_amount": application.own_share_amount,
                "third_party_amount": application.third_party_amount,
                "has_not_begun": application.has_not_begun,
            }
        ),
        # The plan and the review note share field names with these forms; their own ids keep every label unique.
        "measure_form": MeasureForm(
            categories=application.call.categories.filter(is_active=True), auto_id="massnahme_%s"
        ),
        "changes_form": RequestChangesForm(),
        "note_form": ReviewNoteForm(),
        "decision_form": DecisionForm(auto_id="entscheidung_%s"),
    }
    template = "grants/_checks.html" if request.headers.get("HX-Request") else "grants/application_detail.html"
    return render(request, template, context)


@login_required
@require_POST
def application_plan(request: HttpRequest, public_id: str) -> HttpResponse:
    user: Any = request.user
    application = get_object_or_404(applications_visible_to(user), public_id=public_id)
    form = FinancingPlanForm(request.POST)
    if not form.is_valid():
        errors = _form_errors(form)
        messages.error(request, _("The plan was not saved: %(errors)s") % {"errors": errors})
        return redirect("grants:application", public_id=application.public_id)
    try:
        svc.update_financing_plan(application=application, actor=user, **form.cleaned_data)
    except DomainError as error:
        return _refused(request, application, error)
    return _done(request, application, _("The financing plan is saved."))


@login_required
@require_POST
def application_plan_check(request: HttpRequest, public_id: str) -> HttpResponse:
    """htmx: the checks panel for the plan as typed so far, without saving it."""
    user: Any = request.user
    application = get_object_or_404(applications_visible_to(user), public_id=public_id)
    form = FinancingPlanForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    if any(data.get(f) is None for f in ("requested_amount", "own_share_amount", "third_party_amount")):
        checks = svc.run_checks(application)
    else:
        checks = svc.preview_checks(
            application,
            requested=data["requested_amount"],
            own_share=data["own_share_amount"],
            third_party=data["third_party_amount"],
            has_not_begun=data.get("has_not_begun", False),
        )
    return render(request, "grants/_checks.html", {"checks": checks, "is_preview": True})


@login_required
@require_POST
def application_measure_add(request: HttpRequest, public_id: str) -> HttpResponse:
    user: Any = request.user
    application = get_object_or_404(applications_visible_to(user), public_id=public_id)
    form = MeasureForm(request.POST, categories=application.call.categories.filter(is_active=True))
    if not form.is_valid():
        errors = _form_errors(form)
        messages.error(request, _("The measure was not added: %(errors)s") % {"errors": errors})
        return redirect("grants:application", public_id=application.public_id)
    try:
        svc.add_measure(application=application, actor=user, measure=svc.MeasureInput(**form.cleaned_data))
    except DomainError as error:
        return _refused(request, application, error)
    return _done(request, application, _("The measure is added."))


@login_required
@require_POST
def application_measure_remove(request: HttpRequest, public_id: str, measure_id: int) -> HttpResponse:
    return _act(
        request, public_id,
        lambda a, u: svc.remove_measure(measure=get_object_or_404(a.measures, pk=measure_id), actor=u),
        _("The measure is removed."),
    )  # fmt: skip


def _act(request: HttpRequest, public_id: str, act: Any, success: str) -> HttpResponse:
    user: Any = request.user
    application = get_object_or_404(applications_visible_to(user), public_id=public_id)
    try:
        act(application, user)
    except DomainError as error:
        return _refused(request, application, error)
    return _done(request, application, success)


@login_required
@require_POST
def application_attachment_add(request: HttpRequest, public_id: str) -> HttpResponse:
    user: Any = request.user
    application = get_object_or_404(applications_visible_to(user), public_id=public_id)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        return _refused(request, application, DomainError(_form_errors(form)))
    upload = form.cleaned_data["file"]
    try:
        svc.add_attachment(application=application, actor=user, name=upload.name, content=upload.read())
    except DomainError as error:
        return _refused(request, application, error)
    return _done(request, application, _("The attachment is added."))


@login_required
@require_POST
def application_attachment_remove(request: HttpRequest, public_id: str, attachment_id: str) -> HttpResponse:
    return _act(
        request, public_id,
        lambda a, u: svc.remove_attachment(
            attachment=get_object_or_404(a.attachments, public_id=attachment_id), actor=u
        ),
        _("The attachment is removed."),
    )  # fmt: skip


@login_required
def application_attachment_download(request: HttpRequest, public_id: str, attachment_id: str) -> FileResponse:
    application = get_object_or_404(applications_visible_to(request.user), public_id=public_id)
    attachment = get_object_or_404(application.attachments, public_id=attachment_id)
    return FileResponse(attachment.file.open("rb"), content_type="application/pdf", filename=attachment.original_name)


@login_required
def application_receipt(request: HttpRequest, public_id: str, number: int) -> HttpResponse:
    """The receipt of a submitted version; the first request issues it, every later one gets the same file."""
    application = get_object_or_404(applications_visible_to(request.user), public_id=public_id)
    version = get_object_or_404(application.versions, number=number)
    try:
        receipt = svc.receipt_of(version=version, actor=request.user)
    except DomainError as error:
        raise HttpForbidden(error.message) from error
    return redirect("documents:download", public_id=receipt.public_id)


@login_required
@require_POST
def application_submit(request: HttpRequest, public_id: str) -> HttpResponse:
    return _act(
        request, public_id, lambda a, u: svc.submit_application(application=a, actor=u),
        _("The application is submitted. The receipt is listed under versions."),
    )  # fmt: skip


@login_required
@require_POST
def application_withdraw(request: HttpRequest, public_id: str) -> HttpResponse:
    return _act(
        request, public_id, lambda a, u: svc.withdraw_application(application=a, actor=u),
        _("The application is withdrawn."),
    )  # fmt: skip


@login_required
@require_POST
def application_request_changes(request: HttpRequest, public_id: str) -> HttpResponse:
    form = RequestChangesForm(request.POST)
    message = form.cleaned_data["message"] if form.is_valid() else ""
    return _act(
        request, public_id, lambda a, u: svc.request_changes(application=a, actor=u, message=message),
        _("The application is returned to the commune."),
    )  # fmt: skip


@login_required
@require_POST
def application_note(request: HttpRequest, public_id: str) -> HttpResponse:
    form = ReviewNoteForm(request.POST)
    kind, text = (form.cleaned_data["kind"], form.cleaned_data["text"]) if form.is_valid() else ("factual", "")
    return _act(
        request, public_id, lambda a, u: svc.add_review_note(application=a, actor=u, kind=kind, text=text),
        _("The review note is recorded."),
    )  # fmt: skip


@login_required
@require_POST
def application_prepare_decision(request: HttpRequest, public_id: str) -> HttpResponse:
    user: Any = request.user
    application = get_object_or_404(applications_visible_to(user), public_id=public_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _refused(request, application, DomainError(_("Choose a decision.")))
    kind = DecisionKind(form.cleaned_data["kind"])
    approved = None
    if kind == DecisionKind.PARTIAL_APPROVAL:
        approved = {}
        for measure in application.measures.all():
            try:
                approved[measure.pk] = euro_amount(request.POST.get(f"approved_{measure.pk}", ""))
            except DomainError:
                return _refused(request, application, DomainError(_("Give an approved amount for every measure.")))
    try:
        svc.prepare_decision(
            application=application, actor=user, kind=kind, reason=form.cleaned_data["reason"],
            approved_by_measure=approved,
        )  # fmt: skip
    except DomainError as error:
        return _refused(request, application, error)
    return _done(request, application, _("The decision is prepared; a second person must release it."))


def _pending_decision(user: Any, public_id: str) -> tuple[Application, GrantDecision]:
    application = get_object_or_404(applications_visible_to(user), public_id=public_id)
    # At most one pending decision per application (constraint one_pending_decision_per_application).
    decision = get_object_or_404(application.decisions, released_at__isnull=True, is_withdrawn=False)
    return application, decision


@login_required
@require_POST
def application_release_decision(request: HttpRequest, public_id: str) -> HttpResponse:
    user: Any = request.user
    application, decision = _pending_decision(user, public_id)
    try:
        svc.release_decision(decision=decision, actor=user)
    except DomainError as error:
        return _refused(request, application, error)
    return _done(request, application, _("The decision is released."))


@login_required
@require_POST
def application_send_back(request: HttpRequest, public_id: str) -> HttpResponse:
    user: Any = request.user
    application, decision = _pending_decision(user, public_id)
    try:
        svc.send_back_decision(decision=decision, actor=user, reason=request.POST.get("reason", ""))
    except DomainError as error:
        return _refused(request, application, error)
    return _done(request, application, _("The decision is sent back to the review."))


@login_required
@require_POST
def application_amendment(request: HttpRequest, public_id: str) -> HttpResponse:
    user: Any = request.user
    application = get_object_or_404(applications_visible_to(user), public_id=public_id)
    try:
        amount = euro_amount(request.POST.get("requested_amount", ""))
    except DomainError as error:
        return _refused(request, application, error)
    try:
        svc.request_amendment(
            application=application, actor=user, requested_amount=amount, reason=request.POST.get("reason", "")
        )
    except DomainError as error:
        return _refused(request, application, error)
    return _done(request, application, _("The amendment request is filed."))


@login_required
@require_POST
def application_amendment_decide(request: HttpRequest, public_id: str) -> HttpResponse:
    user: Any = request.user
    application = get_object_or_404(applications_visible_to(user), public_id=public_id)
    approve = request.POST.get("outcome") == "approve"
    try:
        svc.decide_amendment(
            application=application, actor=user, approve=approve, reason=request.POST.get("reason", "")
        )
    except DomainError as error:
        return _refused(request, application, error)
    message = (
        _("The amendment is prepared; a second person must release it.") if approve else _("The amendment is refused.")
    )
    return _done(request, application, message)


@login_required
def review(request: HttpRequest) -> HttpResponse:
    """The ministry's queue: filters, sorting, and bulk actions on the selected applications."""
    user: Any = request.user
    if not is_ministry_user(user):
        raise Http404
    form = ReviewFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    queue = review_queue(
        user, status=data.get("status", ""), text=data.get("q", ""), sort=data.get("sort") or "reference"
    )
    page = Paginator(queue, PAGE_SIZE).get_page(request.GET.get("seite"))
    query = request.GET.copy()
    query.pop("seite", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "can_review": policies.can_review(user),
        "can_release": policies.can_release_decisions(user),
        "submitted_count": queue.filter(status=ApplicationStatus.SUBMITTED).count(),
    }
    return render(request, "grants/review.html", context)


@login_required
@require_POST
def review_bulk(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not is_ministry_user(user):
        raise Http404
    if request.POST.get("all_matching"):
        # Every application the queue's filter matches, not only the ticked rows of the page shown.
        form = ReviewFilterForm(request.POST)
        data = form.cleaned_data if form.is_valid() else {}
        selected = review_queue(user, status=data.get("status", ""), text=data.get("q", ""))
    else:
        picked = [value for value in request.POST.getlist("selected") if is_uuid(value)]
        selected = applications_visible_to(user).filter(public_id__in=picked)
    action = request.POST.get("action")
    if action == "prepare_approvals":
        result = svc.prepare_approvals_in_bulk(applications=selected, actor=user)
        done = ngettext("%(count)d approval prepared.", "%(count)d approvals prepared.", len(result.done))
    elif action == "release":
        decisions = GrantDecision.objects.filter(
            application__in=selected, released_at__isnull=True, is_withdrawn=False
        ).select_related("application")
        result = svc.release_decisions_in_bulk(decisions=decisions, actor=user)
        done = ngettext("%(count)d decision released.", "%(count)d decisions released.", len(result.done))
    else:
        messages.error(request, _("Choose an action."))
        return redirect("grants:review")
    messages.success(request, done % {"count": len(result.done)})
    if result.skipped:
        shown = [f"{ref}: {reason}" for ref, reason in list(result.skipped.items())[:10]]
        more = len(result.skipped) - len(shown)
        messages.warning(
            request,
            _("Not done: %(list)s") % {"list": "; ".join(shown) + (f" … (+{more})" if more else "")},
        )
    back = request.POST.get("back", "")
    # Only back to the queue with its filters, never elsewhere.
    return redirect(back if back.startswith("/foerderung/pruefung/") and "//" not in back else "grants:review")
