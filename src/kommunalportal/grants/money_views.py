"""Pages of the money after the Bescheid: the commune's money and bank account, drawdowns, payment runs."""

from datetime import date
from decimal import Decimal
from io import BytesIO
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kommunalportal.accounts.policies import is_ministry_user
from kommunalportal.accounts.roles import Role
from kommunalportal.accounts.selectors import organisations_of
from kommunalportal.core.errors import DomainError
from kommunalportal.core.forms import euro_amount, is_uuid
from kommunalportal.core.money import format_amount, round_commercial
from kommunalportal.core.spreadsheet import csv_response

from . import payments, policies
from .models import DrawdownStatus, PaymentRunStatus
from .selectors import (
    GrantMoney,
    applications_visible_to,
    drawdowns_visible_to,
    money_of,
    payee_accounts_visible_to,
    payment_runs_visible_to,
)

MONEY_COLUMNS = ["reference", "commune", "key", "call", "approved", "drawn", "paid", "proven", "open", "to_repay"]


def _cents(amount: Decimal | None) -> Decimal | str:
    """An amount to the cent (the database's sums can carry more places, or none); empty when there is none."""
    return round_commercial(amount) if amount is not None else ""


def _rows(ledger: list[GrantMoney]) -> list[list[Any]]:
    return [
        [m.application.reference, m.application.organisation.short_name, m.application.organisation.key,
         m.application.call.name, *(_cents(a) for a in (m.approved, m.drawn, m.paid, m.proven, m.open, m.to_repay))]
        for m in ledger
    ]  # fmt: skip


@login_required
def money(request: HttpRequest) -> HttpResponse:
    """A commune: each grant's money, its bank account, its drawdowns. The ministry: the same for all, by call."""
    user: Any = request.user
    applications = applications_visible_to(user)
    call = request.GET.get("aufruf", "")
    if call:
        applications = applications.filter(call__public_id=call) if is_uuid(call) else applications.none()
    ledger = money_of(applications)
    export = request.GET.get("format")
    if export in {"csv", "xlsx"}:
        return _export(ledger, export)
    context: dict[str, Any] = {
        "ledger": ledger,
        "totals": {
            name: sum((getattr(m, name) for m in ledger), Decimal("0.00"))
            for name in ("approved", "drawn", "paid", "open", "to_repay")
        },
        "is_ministry": is_ministry_user(user),
        # The account changes wait for payment officers: only they see the link to them.
        "confirms_accounts": bool(policies.can_prepare_payment_run(user)),
        "drawdowns": drawdowns_visible_to(user).order_by("-requested_at")[:200],
    }
    if not context["is_ministry"]:
        communes = list(organisations_of(user, roles=frozenset({Role.MUNICIPAL_APPLICANT, Role.MUNICIPAL_SIGNATORY})))
        context["accounts"] = [
            (c, payments.payee_account_of(c), payee_accounts_visible_to(user).filter(
                organisation=c, confirmed_at__isnull=True, is_rejected=False).first())
            for c in communes
        ]  # fmt: skip
        context["can_request"] = {
            m.application.pk for m in ledger if policies.can_request_drawdown(user, m.application) and m.open > 0
        }
    return render(request, "grants/money.html", context)


def _export(ledger: list[GrantMoney], kind: str) -> HttpResponse:
    stamp = timezone.localdate().isoformat()
    if kind == "csv":
        return csv_response(f"foerdermittel-{stamp}.csv", MONEY_COLUMNS, _rows(ledger))
    from openpyxl import Workbook  # type: ignore[import-untyped]  # the package ships no type hints

    book = Workbook()
    sheet = book.active
    sheet.title = "Foerdermittel"
    sheet.append(MONEY_COLUMNS)
    for row in _rows(ledger):
        sheet.append(row)
    for column in "EFGHIJ":
        for cell in sheet[column][1:]:
            cell.number_format = "#,##0.00"
    buffer = BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="foerdermittel-{stamp}.xlsx"'
    return response


def _back(request: HttpRequest, message: str, *, error: bool = False, to: str = "grants:money") -> HttpResponse:
    (messages.error if error else messages.success)(request, message)
    return redirect(to)


@login_required
@require_POST
def account_propose(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    organisation = get_object_or_404(organisations_of(user), key=request.POST.get("organisation", ""))
    try:
        payments.propose_payee_account(
            organisation=organisation, actor=user, holder=request.POST.get("holder", ""),
            iban=request.POST.get("iban", ""), bic=request.POST.get("bic", ""),
        )  # fmt: skip
    except DomainError as error:
        return _back(request, str(error.message), error=True)
    return _back(request, _("The new account is saved; it takes effect once the ministry has confirmed it."))


@login_required
def accounts(request: HttpRequest) -> HttpResponse:
    """Payment officers: the account changes waiting for a second person."""
    user: Any = request.user
    if not policies.can_prepare_payment_run(user):
        raise HttpForbidden(policies.can_prepare_payment_run(user).reason)
    pending = payee_accounts_visible_to(user).filter(confirmed_at__isnull=True, is_rejected=False)
    return render(request, "grants/accounts.html", {"pending": pending.select_related("proposed_by")})


@login_required
@require_POST
def account_decide(request: HttpRequest, public_id: str) -> HttpResponse:
    user: Any = request.user
    account = get_object_or_404(payee_accounts_visible_to(user), public_id=public_id)
    try:
        if request.POST.get("decision") == "confirm":
            payments.confirm_payee_account(account=account, actor=user)
            message = _("The account is confirmed and in force.")
        else:
            payments.reject_payee_account(account=account, actor=user, reason=request.POST.get("reason", ""))
            message = _("The account change is rejected.")
    except DomainError as error:
        return _back(request, str(error.message), error=True, to="grants:accounts")
    return _back(request, message, to="grants:accounts")


@login_required
def drawdown_request(request: HttpRequest, public_id: str) -> HttpResponse:
    user: Any = request.user
    application = get_object_or_404(applications_visible_to(user), public_id=public_id)
    position = payments.grant_position(application)
    values = {"expenses": "", "purpose": ""}
    if request.method == "POST":
        values = {"expenses": request.POST.get("expenses", ""), "purpose": request.POST.get("purpose", "")}
        try:
            drawdown = payments.request_drawdown(
                application=application, actor=user, expenses=euro_amount(values["expenses"]),
                purpose=values["purpose"], will_spend_in_time=request.POST.get("in_time") == "on",
            )  # fmt: skip
        except DomainError as error:
            messages.error(request, str(error.message))
        else:
            return _back(
                request, _("Drawdown %(reference)s requested: %(amount)s.")
                % {"reference": drawdown.reference, "amount": format_amount(drawdown.amount)},
            )  # fmt: skip
    return render(
        request, "grants/drawdown_form.html",
        {"application": application, "position": position, "values": values,
         "allowed": policies.can_request_drawdown(user, application)},
    )  # fmt: skip


@login_required
def drawdowns(request: HttpRequest) -> HttpResponse:
    """The ministry: requests to decide, and the approved pool a payment officer puts into a run."""
    user: Any = request.user
    if not is_ministry_user(user):
        raise HttpForbidden(_("Only ministry staff handle drawdowns."))
    visible = drawdowns_visible_to(user).order_by("requested_at")
    return render(
        request, "grants/drawdowns.html",
        {"requested": visible.filter(status=DrawdownStatus.REQUESTED),
         "pool": visible.filter(status=DrawdownStatus.APPROVED),
         "can_decide": policies.can_decide_drawdown(user), "can_pay": policies.can_prepare_payment_run(user),
         "today": timezone.localdate()},
    )  # fmt: skip


@login_required
@require_POST
def drawdown_decide(request: HttpRequest, public_id: str) -> HttpResponse:
    user: Any = request.user
    drawdown = get_object_or_404(drawdowns_visible_to(user), public_id=public_id)
    note = request.POST.get("note", "")
    try:
        if request.POST.get("decision") == "approve":
            payments.approve_drawdown(drawdown=drawdown, actor=user, note=note)
            message = _("Drawdown %(reference)s approved.") % {"reference": drawdown.reference}
        else:
            payments.reject_drawdown(drawdown=drawdown, actor=user, note=note)
            message = _("Drawdown %(reference)s rejected.") % {"reference": drawdown.reference}
    except DomainError as error:
        return _back(request, str(error.message), error=True, to="grants:drawdowns")
    return _back(request, message, to="grants:drawdowns")


@login_required
@require_POST
def run_create(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    picked = [value for value in request.POST.getlist("drawdown") if is_uuid(value)]
    chosen = drawdowns_visible_to(user).filter(public_id__in=picked)
    try:
        execution_on = date.fromisoformat(request.POST.get("execution_on", ""))
    except ValueError:
        return _back(request, _("Enter the execution date."), error=True, to="grants:drawdowns")
    try:
        run = payments.create_payment_run(actor=user, execution_on=execution_on, drawdowns=list(chosen))
    except DomainError as error:
        return _back(request, str(error.message), error=True, to="grants:drawdowns")
    messages.success(request, _("Payment run %(reference)s put together.") % {"reference": run.reference})
    return redirect("grants:payment_run", public_id=run.public_id)


@login_required
def runs(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not is_ministry_user(user):
        raise HttpForbidden(_("Only ministry staff see payment runs."))
    return render(request, "grants/payment_runs.html", {"runs": payment_runs_visible_to(user)[:200]})


@login_required
def run_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    user: Any = request.user
    run = get_object_or_404(payment_runs_visible_to(user), public_id=public_id)
    items = run.items.select_related("drawdown__application__organisation").order_by("end_to_end_id")
    return render(
        request, "grants/payment_run.html",
        {"run": run, "items": items, "total": sum((i.amount for i in items if i.outcome != "removed"), Decimal(0)),
         "can_release": policies.can_release_payment_run(user, run) and run.status == PaymentRunStatus.DRAFT,
         "can_prepare": policies.can_prepare_payment_run(user)},
    )  # fmt: skip


@login_required
@require_POST
def run_act(request: HttpRequest, public_id: str, act: str) -> HttpResponse:
    user: Any = request.user
    run = get_object_or_404(payment_runs_visible_to(user), public_id=public_id)
    try:
        if act == "release":
            payments.release_payment_run(run=run, actor=user)
            message = _("Payment run released; the SEPA file is ready.")
        elif act == "remove":
            picked = request.POST.get("item", "")
            if not picked.isdigit():
                raise Http404
            item = get_object_or_404(run.items, pk=int(picked))
            payments.remove_from_payment_run(run=run, item=item, actor=user)
            message = _("The drawdown is back in the pool.")
        elif act == "outcome":
            failed = {
                e2e: request.POST.get(f"reason-{e2e}", "") for e2e in request.POST.getlist("failed") if e2e.strip()
            }
            payments.record_payment_outcome(run=run, actor=user, failed=failed)
            message = _("The outcome of the payment run is recorded.")
        else:
            raise Http404
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, message)
    return redirect("grants:payment_run", public_id=run.public_id)
