"""Pages of the end of a grant: the proof of use and its review, recoveries with their interest, and the
table of base rates the interest is computed from."""

from datetime import date
from decimal import Decimal
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
from kommunalportal.core.errors import DomainError
from kommunalportal.core.forms import euro_amount

from . import payments, policies, proofs
from .applications import current_grant
from .documents import letter_day
from .models import Application, BaseRateEntry, Drawdown, ProofOfUse, Recovery, RecoveryKind
from .selectors import applications_visible_to, proofs_visible_to, recoveries_visible_to
from .workflow import GRANTED, DrawdownStatus, ProofStatus, RecoveryStatus


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise DomainError(_("Enter the date as day, month and year.")) from None


def _whole_number(value: str, default: int) -> int:
    text = value.strip()
    if not text:
        return default
    if not text.isdigit():
        raise DomainError(_("Enter a whole number of days."))
    return int(text)


# Proof of use


@login_required
def proof_submit(request: HttpRequest, public_id: str) -> HttpResponse:
    """The commune's proof of use of one grant: the form, or the proof as it stands."""
    user: Any = request.user
    application = get_object_or_404(applications_visible_to(user).select_related("call"), public_id=public_id)
    measures = list(application.measures.select_related("category").order_by("pk"))
    live = proofs_visible_to(user).filter(application=application).exclude(status=ProofStatus.RETURNED).first()
    returned = proofs_visible_to(user).filter(application=application, status=ProofStatus.RETURNED).first()
    values: dict[str, Any] = {"report": "", "own_share": "", "third_party": "0,00", "receipts": "",
                              "costs": {m.pk: "" for m in measures}}  # fmt: skip
    if request.method == "POST" and live is None:
        values = {
            "report": request.POST.get("report", ""), "own_share": request.POST.get("own_share", ""),
            "third_party": request.POST.get("third_party", ""), "receipts": request.POST.get("receipts", ""),
            "costs": {m.pk: request.POST.get(f"cost-{m.pk}", "") for m in measures},
        }  # fmt: skip
        try:
            proof = proofs.submit_proof(
                application=application, actor=user, report=values["report"],
                actual_costs={pk: euro_amount(text) for pk, text in values["costs"].items()},
                own_share=euro_amount(values["own_share"]), third_party=euro_amount(values["third_party"]),
                receipts=values["receipts"],
            )  # fmt: skip
        except DomainError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("The proof of use is submitted; the ministry reviews it."))
            return redirect("grants:proof", public_id=proof.public_id)
    return render(
        request, "grants/proof_form.html",
        {"application": application, "measures": [(m, values["costs"].get(m.pk, "")) for m in measures],
         "values": values, "live": live, "returned": returned, "granted": application.status in GRANTED,
         "allowed": policies.can_submit_proof(user, application)},
    )  # fmt: skip


@login_required
def proof_list(request: HttpRequest) -> HttpResponse:
    """The ministry: proofs to review and those reviewed; a commune: its own."""
    user: Any = request.user
    visible = proofs_visible_to(user).select_related("application__call").order_by("submitted_at")
    return render(
        request, "grants/proofs.html",
        {"waiting": visible.filter(status=ProofStatus.SUBMITTED),
         "reviewed": visible.exclude(status=ProofStatus.SUBMITTED).order_by("-reviewed_at")[:200],
         "is_ministry": is_ministry_user(user)},
    )  # fmt: skip


def _last_payment_day(application: Application) -> date | None:
    paid = Drawdown.objects.filter(application=application, status=DrawdownStatus.PAID, paid_on__isnull=False)
    return paid.order_by("-paid_on").values_list("paid_on", flat=True).first()


@login_required
def proof_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    user: Any = request.user
    proof = get_object_or_404(proofs_visible_to(user).select_related("application__call"), public_id=public_id)
    application = proof.application
    lines = list(proof.lines.select_related("measure__category").order_by("measure_id"))
    recovery = recoveries_visible_to(user).filter(proof=proof).exclude(status=RecoveryStatus.DROPPED).first()
    return render(
        request, "grants/proof_detail.html",
        {"proof": proof, "application": application, "lines": lines,
         "actual": sum((line.actual_costs_amount for line in lines), Decimal("0.00")),
         "planned": sum((line.measure.planned_costs_amount for line in lines), Decimal("0.00")),
         "granted": current_grant(application), "position": payments.grant_position(application),
         "can_review": proof.status == ProofStatus.SUBMITTED and policies.can_review_proof(user),
         "recovery": recovery,
         "can_start_recovery": proof.status == ProofStatus.SHORTFALL and recovery is None
         and policies.can_start_recovery(user),
         "interest_from": _last_payment_day(application)},
    )  # fmt: skip


@login_required
@require_POST
def proof_act(request: HttpRequest, public_id: str, act: str) -> HttpResponse:
    user: Any = request.user
    proof = get_object_or_404(proofs_visible_to(user).select_related("application__call"), public_id=public_id)
    note = request.POST.get("note", "")
    try:
        if act == "review":
            proof = proofs.review_proof(proof=proof, actor=user, note=note)
            message = _("The proof of use is settled: %(status)s.") % {"status": proof.get_status_display()}
        elif act == "return":
            proofs.return_proof(proof=proof, actor=user, note=note)
            message = _("The proof of use is returned to the commune.")
        else:
            raise Http404
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, message)
    return redirect("grants:proof", public_id=proof.public_id)


# Recovery


@login_required
def recovery_start(request: HttpRequest, public_id: str) -> HttpResponse:
    """The ministry starts a recovery of a grant: the hearing letter goes to the commune."""
    user: Any = request.user
    application = get_object_or_404(applications_visible_to(user).select_related("call"), public_id=public_id)
    allowed = policies.can_start_recovery(user)
    if not allowed:
        raise HttpForbidden(allowed.reason)
    shortfalls = ProofOfUse.objects.filter(application=application, status=ProofStatus.SHORTFALL)
    proof = shortfalls.order_by("-reviewed_at").first()
    paid = list(
        Drawdown.objects.filter(application=application, status=DrawdownStatus.PAID).order_by("paid_on", "reference")
    )
    last_paid = _last_payment_day(application)
    values = {
        "kind": RecoveryKind.SHORTFALL if proof else RecoveryKind.UNSPENT,
        "principal": f"{proof.shortfall_amount}".replace(".", ",") if proof and proof.shortfall_amount else "",
        "interest_from": last_paid.isoformat() if last_paid else "",
        "reason": proof.settlement_reason if proof else "", "drawdown": "", "hearing_days": "14",
        "interest_until": "",
    }  # fmt: skip
    if request.method == "POST":
        values = {name: request.POST.get(name, "") for name in values}
        try:
            kind = RecoveryKind(values["kind"]) if values["kind"] in RecoveryKind.values else None
            if kind is None:
                raise DomainError(_("Choose why the money is claimed back."))
            drawdown = next((d for d in paid if str(d.public_id) == values["drawdown"]), None)
            interim = kind == RecoveryKind.INTERIM_INTEREST
            recovery = proofs.start_recovery(
                application=application, actor=user, kind=kind, principal=euro_amount(values["principal"]),
                interest_from=_day(values["interest_from"]), reason=values["reason"],
                proof=proof if kind == RecoveryKind.SHORTFALL else None,
                drawdown=drawdown if kind != RecoveryKind.SHORTFALL else None,
                hearing_days=_whole_number(values["hearing_days"], 14),
                interest_until=_day(values["interest_until"]) if interim else None,
            )  # fmt: skip
        except DomainError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("The recovery is started; the commune has the hearing letter."))
            return redirect("grants:recovery", public_id=recovery.public_id)
    return render(
        request, "grants/recovery_form.html",
        {"application": application, "proof": proof, "paid": paid, "values": values, "kinds": RecoveryKind.choices,
         "position": payments.grant_position(application)},
    )  # fmt: skip


@login_required
def recovery_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    visible = recoveries_visible_to(user).order_by("-hearing_sent_at")
    return render(
        request, "grants/recoveries.html",
        {"open": visible.filter(status__in=(RecoveryStatus.HEARING, RecoveryStatus.ISSUED)),
         "closed": visible.filter(status__in=(RecoveryStatus.REPAID, RecoveryStatus.DROPPED))[:200],
         "is_ministry": is_ministry_user(user)},
    )  # fmt: skip


def _recovery_or_404(user: Any, public_id: str) -> Recovery:
    recoveries = recoveries_visible_to(user).select_related(
        "hearing_document", "document", "prepared_by", "issued_by", "proof", "drawdown"
    )
    return get_object_or_404(recoveries, public_id=public_id)


@login_required
def recovery_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    """A recovery with its interest: fixed at the repayment, or as it stands today while it is open."""
    user: Any = request.user
    recovery = _recovery_or_404(user, public_id)
    today = timezone.localdate()
    interest, interest_error = None, ""
    if recovery.status != RecoveryStatus.DROPPED:
        until = recovery.repaid_on or today
        try:
            interest = proofs.recovery_interest(recovery, until=until)
        except DomainError as error:
            interest_error = str(error.message)
    hearing = recovery.status == RecoveryStatus.HEARING
    may_decide = policies.can_issue_recovery(user, recovery)
    return render(
        request, "grants/recovery_detail.html",
        {"recovery": recovery, "application": recovery.application, "interest": interest,
         "interest_error": interest_error, "today": today, "is_ministry": is_ministry_user(user),
         "can_state": hearing and not recovery.statement and policies.can_submit_proof(user, recovery.application),
         "can_decide": hearing and may_decide,
         "decide_refusal": may_decide.reason if hearing and not may_decide else "",
         "can_settle": recovery.status == RecoveryStatus.ISSUED and policies.can_settle_recovery(user)},
    )  # fmt: skip


@login_required
@require_POST
def recovery_act(request: HttpRequest, public_id: str, act: str) -> HttpResponse:
    user: Any = request.user
    recovery = _recovery_or_404(user, public_id)
    try:
        if act == "statement":
            proofs.record_statement(recovery=recovery, actor=user, statement=request.POST.get("statement", ""))
            message = _("The statement is on record.")
        elif act == "issue":
            recovery = proofs.issue_recovery(
                recovery=recovery, actor=user, due_days=_whole_number(request.POST.get("due_days", ""), 30)
            )
            message = _("Recovery decision %(number)s issued.") % {"number": recovery.number}
        elif act == "drop":
            proofs.drop_recovery(recovery=recovery, actor=user, reason=request.POST.get("reason", ""))
            message = _("The recovery is dropped.")
        elif act == "repayment":
            proofs.record_repayment(recovery=recovery, actor=user, repaid_on=_day(request.POST.get("repaid_on", "")))
            message = _("The repayment is recorded; the interest is fixed.")
        else:
            raise Http404
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, message)
    return redirect("grants:recovery", public_id=recovery.public_id)


# Base rates


@login_required
def base_rates(request: HttpRequest) -> HttpResponse:
    """The table of base rates (§ 247 BGB) interest is computed from; payment officers and programme managers
    enter the next one."""
    user: Any = request.user
    if not is_ministry_user(user):
        raise HttpForbidden(_("Only ministry staff see the table of base rates."))
    allowed = policies.can_maintain_base_rates(user)
    values = {"valid_from": "", "rate": ""}
    if request.method == "POST":
        if not allowed:
            raise HttpForbidden(allowed.reason)
        values = {"valid_from": request.POST.get("valid_from", ""), "rate": request.POST.get("rate", "")}
        try:
            try:
                percent = euro_amount(values["rate"])
            except DomainError:
                raise DomainError(
                    _("Enter the base rate in percent with at most two decimal places, such as 1,27 or -0,88.")
                ) from None
            entry = proofs.set_base_rate(
                actor=user, valid_from=_day(values["valid_from"]), rate=(percent / 100).normalize()
            )
        except DomainError as error:
            messages.error(request, str(error.message))
        else:
            day = letter_day(entry.valid_from)
            messages.success(request, _("The base rate from %(day)s is in the table.") % {"day": day})
            return redirect("grants:base_rates")
    entries = list(BaseRateEntry.objects.select_related("entered_by").order_by("-valid_from"))
    next_change = proofs.next_base_rate_change(entries[0].valid_from) if entries else None
    if not values["valid_from"] and next_change:
        values["valid_from"] = next_change.isoformat()
    return render(
        request, "grants/base_rates.html",
        {"entries": entries, "values": values, "allowed": allowed, "next_change": next_change},
    )  # fmt: skip
