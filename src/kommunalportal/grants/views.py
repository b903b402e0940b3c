from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from kommunalportal.accounts.policies import is_ministry_user
from kommunalportal.accounts.selectors import active_memberships_of
from kommunalportal.core.errors import DomainError
from kommunalportal.core.spreadsheet import csv_response

from . import competition, policies, services
from .applications import LIVE_STATUSES
from .forms import CallForm, CapacityUploadForm, ProgrammeForm, YearBudgetForm
from .models import CallShape, CallStatus
from .selectors import (
    applications_visible_to,
    calls_visible_to,
    distribution,
    envelopes_visible_to,
    programmes_visible_to,
    year_budgets,
)

PERCENT = Decimal(100)


def _percent_to_rate(value: Decimal | None) -> Decimal | None:
    return None if value is None else (value / PERCENT).quantize(Decimal("0.0001"))


def _manager_only(user: Any) -> None:
    decision = policies.can_manage_programmes(user)
    if not decision:
        raise HttpForbidden(decision.reason)


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """Ministry: every programme with its calls. Commune: its envelopes in the published calls."""
    user: Any = request.user
    if is_ministry_user(user):
        programmes = programmes_visible_to(user).prefetch_related("calls")
        return render(
            request,
            "grants/overview_ministry.html",
            {"programmes": programmes, "can_manage": policies.can_manage_programmes(user)},
        )
    envelopes = list(envelopes_visible_to(user).order_by("-call__opens_on", "organisation__short_name"))
    applications = list(applications_visible_to(user).order_by("-created_at"))
    live = {(a.call_id, a.organisation_id) for a in applications if a.status in LIVE_STATUSES}
    drafting = {
        m.organisation_id for m in active_memberships_of(user) if policies.can_draft_application(user, m.organisation)
    }
    today = timezone.localdate()
    for envelope in envelopes:
        envelope.can_start = (  # type: ignore[attr-defined]  # shown next to the envelope
            envelope.organisation_id in drafting
            and bool(policies.call_accepts_applications(envelope.call, today))
            and (envelope.call_id, envelope.organisation_id) not in live
        )
    return render(request, "grants/overview_commune.html", {"envelopes": envelopes, "applications": applications})


@login_required
def programme_create(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    _manager_only(user)
    form = ProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            programme = services.create_programme(
                actor=user,
                code=data["code"],
                name=data["name"],
                legal_basis=data["legal_basis"],
                description=data["description"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                year_budgets=dict.fromkeys(
                    range(data["starts_on"].year, data["ends_on"].year + 1), data["yearly_budget"]
                ),
            )
        except DomainError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("The programme is set up."))
            return redirect("grants:programme", public_id=programme.public_id)
    return render(request, "grants/programme_form.html", {"form": form})


@login_required
def programme_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    user: Any = request.user
    if not policies.can_view_programme_administration(user):
        raise Http404
    programme = get_object_or_404(programmes_visible_to(user), public_id=public_id)
    context = {
        "programme": programme,
        "years": year_budgets(programme),
        "calls": programme.calls.select_related("year").order_by("opens_on"),
        "can_manage": policies.can_manage_programmes(user),
        "year_form": YearBudgetForm(),
    }
    return render(request, "grants/programme_detail.html", context)


@login_required
@require_POST
def year_budget_update(request: HttpRequest, public_id: str, year: int) -> HttpResponse:
    user: Any = request.user
    _manager_only(user)
    programme = get_object_or_404(programmes_visible_to(user), public_id=public_id)
    form = YearBudgetForm(request.POST)
    if form.is_valid():
        try:
            services.set_year_budget(
                programme=programme, year=year, budget_amount=form.cleaned_data["budget_amount"], actor=user
            )
            messages.success(request, _("The budget of %(year)d is saved.") % {"year": year})
        except DomainError as error:
            messages.error(request, str(error.message))
    else:
        messages.error(request, " ".join(str(e) for e in form.errors.get("budget_amount", [])))
    return redirect("grants:programme", public_id=programme.public_id)


@login_required
def call_create(request: HttpRequest, public_id: str) -> HttpResponse:
    user: Any = request.user
    _manager_only(user)
    programme = get_object_or_404(programmes_visible_to(user), public_id=public_id)
    years = [y.year for y in programme.years.order_by("year")]
    form = CallForm(request.POST or None, years=years)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        settings = services.CallSettings(
            name=data["name"],
            shape=data["shape"],
            budget_amount=data["budget_amount"],
            opens_on=data["opens_on"],
            deadline_on=data["deadline_on"],
            eligible_kinds=data["eligible_kinds"],
            categories=data["categories"],
            financing_type=data["financing_type"],
            proof_of_use_due_on=data["proof_of_use_due_on"],
            funding_rate=_percent_to_rate(data["funding_percent"]),
            min_own_share_rate=_percent_to_rate(data["min_own_share_percent"]) or Decimal(0),
            min_grant_amount=data["min_grant_amount"],
            max_grant_amount=data["max_grant_amount"],
            max_duration_months=data["max_duration_months"],
            drawdown_window_days=data["drawdown_window_days"],
            floor_amount=data["floor_amount"],
            population_weight=_percent_to_rate(data["population_percent"]) or Decimal(0),
            capacity_weight=_percent_to_rate(data["capacity_percent"]) or Decimal(0),
            district_share_rate=_percent_to_rate(data["district_share_percent"]),
        )
        try:
            call = services.create_call(programme=programme, year=data["year"], settings=settings, actor=user)
        except DomainError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("The call is saved as a draft."))
            return redirect("grants:call", public_id=call.public_id)
    return render(request, "grants/call_form.html", {"form": form, "programme": programme})


@login_required
def call_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    user: Any = request.user
    if not policies.can_view_programme_administration(user):
        raise Http404
    call = get_object_or_404(calls_visible_to(user), public_id=public_id)
    envelopes: list[Any] = []
    allocation_error = ""
    if call.shape == CallShape.FORMULA:
        if call.envelopes_published_at:
            envelopes = list(call.envelopes.select_related("organisation").order_by("-amount", "organisation__key"))
        else:
            try:
                envelopes = services.compute_envelopes(call)
            except DomainError as error:
                allocation_error = str(error.message)
            envelopes.sort(key=lambda e: (-e.amount, e.organisation.key))
    context = {
        "call": call,
        "envelopes": envelopes,
        "distribution": distribution([e.amount for e in envelopes], call.floor_amount),
        "allocation_error": allocation_error,
        "can_manage": policies.can_manage_programmes(user),
        "capacity_form": CapacityUploadForm(),
        "capacity_count": call.capacities.count(),
        "is_draft": call.status == CallStatus.DRAFT,
        "criteria": call.criteria.all(),
        "ranking": competition.ranking(call) if call.shape == CallShape.COMPETITIVE else None,
        "can_fund": policies.can_review(user),
    }
    return render(request, "grants/call_detail.html", context)


@login_required
def call_envelopes_csv(request: HttpRequest, public_id: str) -> HttpResponse:
    """The envelopes (or, before publication, the preview) as CSV for a spreadsheet."""
    user: Any = request.user
    if not policies.can_view_programme_administration(user):
        raise Http404
    call = get_object_or_404(calls_visible_to(user), public_id=public_id)
    try:
        rows = (
            [(e.organisation, e.key, e.amount) for e in call.envelopes.select_related("organisation")]
            if call.envelopes_published_at
            else [(d.organisation, d.key, d.amount) for d in services.compute_envelopes(call)]
        )
    except DomainError as error:
        messages.error(request, str(error.message))
        return redirect("grants:call", public_id=call.public_id)
    return csv_response(
        f"kontingente-{call.public_id}.csv",
        ["key", "name", "kind", "population", "allocation_key", "amount"],
        [[o.key, o.name, o.kind, o.population, key, amount] for o, key, amount in rows],
    )


@login_required
@require_POST
def call_import_capacity(request: HttpRequest, public_id: str) -> HttpResponse:
    user: Any = request.user
    _manager_only(user)
    call = get_object_or_404(calls_visible_to(user), public_id=public_id)
    form = CapacityUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            count = services.import_financial_capacity(call=call, text=form.cleaned_data["file"], actor=user)
            messages.success(
                request, ngettext("%(count)d figure imported.", "%(count)d figures imported.", count) % {"count": count}
            )
        except services.CapacityImportError as error:
            shown = error.problems[:10]
            more = len(error.problems) - len(shown)
            text = "; ".join(shown) + (_(" … and %(more)d more") % {"more": more} if more else "")
            messages.error(request, _("Nothing was imported: %(problems)s") % {"problems": text})
        except DomainError as error:
            messages.error(request, str(error.message))
    else:
        messages.error(request, " ".join(str(e) for e in form.errors.get("file", [])))
    return redirect("grants:call", public_id=call.public_id)


@login_required
@require_POST
def call_publish_envelopes(request: HttpRequest, public_id: str) -> HttpResponse:
    user: Any = request.user
    _manager_only(user)
    call = get_object_or_404(calls_visible_to(user), public_id=public_id)
    try:
        count = services.publish_envelopes(call=call, actor=user)
        messages.success(
            request,
            ngettext("%(count)d envelope is published.", "%(count)d envelopes are published.", count)
            % {"count": count},
        )
    except DomainError as error:
        messages.error(request, str(error.message))
    return redirect("grants:call", public_id=call.public_id)


@login_required
@require_POST
def call_publish(request: HttpRequest, public_id: str) -> HttpResponse:
    user: Any = request.user
    _manager_only(user)
    call = get_object_or_404(calls_visible_to(user), public_id=public_id)
    try:
        services.publish_call(call=call, actor=user)
        messages.success(request, _("The call is open for applications."))
    except DomainError as error:
        messages.error(request, str(error.message))
    return redirect("grants:call", public_id=call.public_id)
