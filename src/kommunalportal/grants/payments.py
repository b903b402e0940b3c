"""The money after the Bescheid, up to the treasury: the commune's bank account (four eyes), drawdowns
(Mittelabruf) and payment runs with their SEPA file (four eyes, each drawdown paid once)."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import schwifty
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet, Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from kommunalportal.core import clock
from kommunalportal.core.audit import record_event
from kommunalportal.core.errors import DomainError
from kommunalportal.core.money import format_amount
from kommunalportal.core.policies import require
from kommunalportal.core.references import next_reference
from kommunalportal.core.workflow import move_many, move_to
from kommunalportal.documents.models import DocumentKind
from kommunalportal.documents.services import store_document
from kommunalportal.notifications.services import Notice
from kommunalportal.organisations.models import Organisation
from kommunalportal.organisations.selectors import land

from . import policies
from .applications import current_grant, tell_communes
from .models import (
    Application,
    Drawdown,
    DrawdownStatusChange,
    PayeeAccount,
    PaymentItem,
    PaymentOutcome,
    PaymentRun,
)
from .rules import drawdown_amount
from .sepa import Debtor, Transfer, credit_transfer_file
from .workflow import DRAWDOWN_TRANSITIONS, GRANTED, PAYMENT_RUN_TRANSITIONS, DrawdownStatus, PaymentRunStatus

# Drawdowns that count against the grant: everything not rejected.
COMMITTED = (DrawdownStatus.REQUESTED, DrawdownStatus.APPROVED, DrawdownStatus.IN_RUN, DrawdownStatus.PAID)


def tell_about_money(organisation: Organisation, *, subject: str, body: str, actor: Any) -> None:
    """Inbox and mail for the commune's applicants and signatories, linking to its grant funds."""
    tell_communes(
        [Notice(organisation=organisation, subject=subject, body=body, link=reverse("grants:money"))], actor=actor
    )


# Bank account


def accounts_in_force() -> QuerySet[PayeeAccount]:
    """The accounts confirmed by a second person and not replaced since (one per commune at most)."""
    return PayeeAccount.objects.filter(confirmed_at__isnull=False, replaced_at__isnull=True)


def payee_account_of(organisation: Organisation) -> PayeeAccount | None:
    return accounts_in_force().filter(organisation=organisation).first()


def _checked_account(iban: str, bic: str) -> tuple[str, str, str]:
    """The IBAN and BIC in their standard form, with the bank's name; a German message for anything wrong."""
    try:
        parsed = schwifty.IBAN(iban)
    except (schwifty.exceptions.SchwiftyException, ValueError):
        raise DomainError(_("The IBAN is not valid; please check it digit by digit.")) from None
    derived = parsed.bic
    if bic.strip():
        try:
            given = schwifty.BIC(bic)
        except (schwifty.exceptions.SchwiftyException, ValueError):
            raise DomainError(_("The BIC is not valid.")) from None
        if derived is not None and given.compact[:6] != str(derived)[:6]:
            raise DomainError(_("The BIC %(bic)s does not belong to the bank of this IBAN (%(derived)s).") % {
                "bic": given.compact, "derived": str(derived)})  # fmt: skip
        bic_text = given.compact
    elif derived is not None:
        bic_text = str(derived)
    else:
        raise DomainError(_("Enter the BIC: it cannot be derived from this IBAN."))
    if len(bic_text) == 8:
        bic_text += "XXX"
    return parsed.compact, bic_text, parsed.bank_name or ""


@transaction.atomic
def propose_payee_account(*, organisation: Organisation, actor: Any, holder: str, iban: str, bic: str) -> PayeeAccount:
    """The commune enters a new account for its grants; it takes effect once a second person confirms it."""
    require(policies.can_propose_payee_account(actor, organisation))
    holder = holder.strip()
    if not holder:
        raise DomainError(_("Enter the account holder."))
    iban_text, bic_text, bank = _checked_account(iban, bic)
    Organisation.objects.select_for_update().get(pk=organisation.pk)  # one change at a time per commune
    if PayeeAccount.objects.filter(organisation=organisation, confirmed_at__isnull=True, is_rejected=False).exists():
        raise DomainError(_("A change of the account is already waiting for confirmation."))
    account = PayeeAccount.objects.create(
        organisation=organisation, holder=holder[:70], iban=iban_text, bic=bic_text, bank_name=bank[:200],
        proposed_by=actor, proposed_at=clock.now(),
    )  # fmt: skip
    current = payee_account_of(organisation)
    record_event(
        actor=actor, action="grants.payee_account.proposed", obj=account,
        before={"iban": current.iban, "bic": current.bic, "holder": current.holder} if current else None,
        after={"iban": iban_text, "bic": bic_text, "holder": account.holder},
    )  # fmt: skip
    return account


@transaction.atomic
def confirm_payee_account(*, account: PayeeAccount, actor: Any) -> PayeeAccount:
    """A payment officer, not the proposer, confirms the new account; the old one is replaced."""
    account = PayeeAccount.objects.select_for_update().select_related("organisation").get(pk=account.pk)
    require(policies.can_confirm_payee_account(actor, account))
    if account.confirmed_at is not None or account.is_rejected:
        raise DomainError(_("This account change has already been decided."))
    now = clock.now()
    current = payee_account_of(account.organisation)
    if current is not None:
        current.replaced_at = now
        current.save(update_fields=["replaced_at"])
    account.confirmed_by, account.confirmed_at = actor, now
    account.save(update_fields=["confirmed_by", "confirmed_at"])
    record_event(
        actor=actor, action="grants.payee_account.confirmed", obj=account,
        before={"iban": current.iban, "bic": current.bic, "holder": current.holder} if current else None,
        after={"iban": account.iban, "bic": account.bic, "holder": account.holder},
    )  # fmt: skip
    # A change of account is a classic fraud: the commune hears of it at once.
    tell_about_money(
        account.organisation, actor=actor, subject=_("Your bank account for grants has been changed"),
        body=_("From now on grants are paid to %(holder)s, IBAN %(iban)s. If you did not ask for this, call the "
               "ministry at once.") % {"holder": account.holder, "iban": account.masked_iban},
    )  # fmt: skip
    return account


@transaction.atomic
def reject_payee_account(*, account: PayeeAccount, actor: Any, reason: str) -> PayeeAccount:
    """The second person does not confirm the new account; the one in force stays."""
    account = PayeeAccount.objects.select_for_update().select_related("organisation").get(pk=account.pk)
    require(policies.can_confirm_payee_account(actor, account))
    if account.confirmed_at is not None or account.is_rejected:
        raise DomainError(_("This account change has already been decided."))
    if not reason.strip():
        raise DomainError(_("Give the commune a reason."))
    account.is_rejected = True
    account.save(update_fields=["is_rejected"])
    record_event(actor=actor, action="grants.payee_account.rejected", obj=account, after={"reason": reason.strip()})
    tell_about_money(
        account.organisation, actor=actor, subject=_("Your new bank account was not confirmed"), body=reason.strip()
    )
    return account


# Drawdowns


@dataclass(frozen=True)
class GrantPosition:
    """Where a grant stands: approved, committed by drawdowns (requested, approved, in a run), paid, available."""

    granted: Decimal
    requested: Decimal
    paid: Decimal

    @property
    def available(self) -> Decimal:
        return self.granted - self.requested - self.paid


def grant_position(application: Application) -> GrantPosition:
    granted = current_grant(application) or Decimal(0)
    sums = dict(
        application.drawdowns.filter(status__in=COMMITTED)
        .values_list("status")
        .annotate(total=Sum("amount"))
        .values_list("status", "total")
    )
    paid = sums.pop(DrawdownStatus.PAID, None) or Decimal(0)
    return GrantPosition(granted=granted, requested=sum(sums.values(), Decimal(0)), paid=paid)


def _history(drawdown: Drawdown, actor: Any, note: str) -> Any:
    return lambda old, new: DrawdownStatusChange.objects.create(
        drawdown=drawdown, from_status=old, to_status=new, actor=actor, note=note
    )


def _label(status: str) -> str:
    return str(DrawdownStatus(status).label)


@transaction.atomic
def request_drawdown(
    *, application: Application, actor: Any, expenses: Decimal, purpose: str, will_spend_in_time: bool,
    today: date | None = None,
) -> Drawdown:  # fmt: skip
    """The commune asks for funds for expenses due within the call's drawdown window (pro rata when the
    grant is a share of the costs); never more than is granted and not yet drawn."""
    # The application's row lock queues concurrent requests of the same grant: no over-draw.
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("call", "organisation")
        .get(pk=application.pk)
    )
    require(policies.can_request_drawdown(actor, application))
    if application.status not in GRANTED:
        raise DomainError(_("Funds can be drawn only from a granted application."))
    if not purpose.strip():
        raise DomainError(_("State what the funds are for."))
    if not will_spend_in_time:
        raise DomainError(
            _("Confirm that the funds will be spent within %(days)s days of payment.")
            % {"days": application.call.drawdown_window_days}
        )
    if expenses <= 0:
        raise DomainError(_("The expenses must be more than 0 €."))
    if payee_account_of(application.organisation) is None:
        raise DomainError(_("Funds can be paid only to a confirmed bank account: enter the commune's account first."))
    call = application.call
    amount = drawdown_amount(financing_type=call.financing_type, funding_rate=call.funding_rate, expenses=expenses)
    position = grant_position(application)
    if amount > position.available:
        raise DomainError(
            _("%(amount)s is more than is left of the grant: %(available)s (granted %(granted)s, already drawn or "
              "requested %(drawn)s).") % {
                "amount": format_amount(amount), "available": format_amount(position.available),
                "granted": format_amount(position.granted), "drawn": format_amount(position.requested + position.paid),
            }
        )  # fmt: skip
    today = today or clock.today()
    drawdown = Drawdown.objects.create(
        reference=next_reference(f"MA-{today.year}"), application=application, expenses_amount=expenses,
        amount=amount, purpose=purpose.strip(), spend_by=today + timedelta(days=call.drawdown_window_days),
        requested_by=actor, requested_at=clock.now(),
    )  # fmt: skip
    DrawdownStatusChange.objects.create(drawdown=drawdown, from_status="", to_status=drawdown.status, actor=actor)
    record_event(
        actor=actor, action="grants.drawdown.requested", obj=drawdown,
        after={"application": application.reference, "expenses": expenses, "amount": amount},
    )  # fmt: skip
    return drawdown


def _decide_drawdown(drawdown: Drawdown, *, actor: Any, target: str, note: str) -> Drawdown:
    drawdown = (
        Drawdown.objects.select_for_update(of=("self",)).select_related("application__organisation").get(pk=drawdown.pk)
    )
    require(policies.can_decide_drawdown(actor))
    drawdown.decided_by, drawdown.decided_at, drawdown.decision_note = actor, clock.now(), note.strip()
    move_to(
        drawdown, target, transitions=DRAWDOWN_TRANSITIONS, actor=actor, labels=_label,
        record_history=_history(drawdown, actor, note.strip()), note=note.strip(),
        extra_fields=("decided_by", "decided_at", "decision_note"),
    )  # fmt: skip
    return drawdown


@transaction.atomic
def approve_drawdown(*, drawdown: Drawdown, actor: Any, note: str = "") -> Drawdown:
    """The ministry agrees to pay the drawdown; it waits in the pool for the next payment run."""
    return _decide_drawdown(drawdown, actor=actor, target=DrawdownStatus.APPROVED, note=note)


@transaction.atomic
def reject_drawdown(*, drawdown: Drawdown, actor: Any, note: str) -> Drawdown:
    """The ministry refuses the drawdown, with a reason for the commune; the amount is free again."""
    if not note.strip():
        raise DomainError(_("Give the commune a reason."))
    drawdown = _decide_drawdown(drawdown, actor=actor, target=DrawdownStatus.REJECTED, note=note)
    tell_about_money(
        drawdown.application.organisation, actor=actor,
        subject=_("Drawdown %(reference)s rejected") % {"reference": drawdown.reference}, body=note.strip(),
    )  # fmt: skip
    return drawdown


# Payment runs


def _move_drawdowns(drawdowns: list[Drawdown], target: str, *, actor: Any, note: str) -> None:
    move_many(
        drawdowns, target, transitions=DRAWDOWN_TRANSITIONS, actor=actor, labels=_label, note=note,
        record_history=lambda moved: DrawdownStatusChange.objects.bulk_create(
            [DrawdownStatusChange(drawdown=d, from_status=old, to_status=d.status, actor=actor, note=note)
             for d, old in moved]
        ),
    )  # fmt: skip


@transaction.atomic
def create_payment_run(*, actor: Any, execution_on: date, drawdowns: Iterable[Drawdown]) -> PaymentRun:
    """A payment officer gathers approved drawdowns into a run; a second one releases it."""
    require(policies.can_prepare_payment_run(actor))
    pks = sorted({d.pk for d in drawdowns})
    if not pks:
        raise DomainError(_("Choose at least one approved drawdown."))
    chosen = list(Drawdown.objects.select_for_update(of=("self",)).filter(pk__in=pks).order_by("reference"))
    taken = [d.reference for d in chosen if d.status != DrawdownStatus.APPROVED]
    if taken or len(chosen) != len(pks):
        raise DomainError(
            _("Only approved drawdowns that are not in a run can be paid: %(references)s.")
            % {"references": ", ".join(taken) or "?"}
        )
    if execution_on < clock.today():
        raise DomainError(_("The execution date cannot be in the past."))
    run = PaymentRun.objects.create(
        reference=next_reference(f"ZL-{execution_on.year}"), execution_on=execution_on, created_by=actor,
        created_at=clock.now(),
    )  # fmt: skip
    # A drawdown whose transfer failed is paid again in a later run, under a new end-to-end id.
    attempts = dict(
        PaymentItem.objects.filter(drawdown__in=chosen)
        .values_list("drawdown")
        .annotate(n=Count("pk"))
        .values_list("drawdown", "n")
    )
    try:
        PaymentItem.objects.bulk_create(
            [PaymentItem(run=run, drawdown=d, amount=d.amount,
                         end_to_end_id=f"{d.reference}-{attempts.get(d.pk, 0) + 1}") for d in chosen]
        )  # fmt: skip
    except IntegrityError:  # the database's last word: a drawdown is in one live run at most
        raise DomainError(_("A chosen drawdown is already in another payment run.")) from None
    _move_drawdowns(chosen, DrawdownStatus.IN_RUN, actor=actor, note=run.reference)
    record_event(
        actor=actor, action="grants.payment_run.created", obj=run,
        after={"drawdowns": [d.reference for d in chosen], "total": sum((d.amount for d in chosen), Decimal(0))},
    )  # fmt: skip
    return run


def _run_label(status: str) -> str:
    return str(PaymentRunStatus(status).label)


def _move_run(run: PaymentRun, target: str, *, actor: Any, extra: tuple[str, ...] = ()) -> None:
    # The run's own history is its audit trail (created, released, settled with who and when on the row).
    move_to(
        run, target, transitions=PAYMENT_RUN_TRANSITIONS, actor=actor, labels=_run_label,
        record_history=lambda old, new: None, extra_fields=extra,
    )  # fmt: skip


def _locked_run(run: PaymentRun) -> PaymentRun:
    return PaymentRun.objects.select_for_update().get(pk=run.pk)


def _live_items(run: PaymentRun) -> list[PaymentItem]:
    return list(
        run.items.filter(outcome=PaymentOutcome.PENDING)
        .select_related("drawdown__application__organisation")
        .order_by("end_to_end_id")
    )


@transaction.atomic
def remove_from_payment_run(*, run: PaymentRun, item: PaymentItem, actor: Any) -> PaymentRun:
    """Before the release, a drawdown can be taken out of the run; it returns to the pool."""
    run = _locked_run(run)
    require(policies.can_prepare_payment_run(actor))
    if run.status != PaymentRunStatus.DRAFT:
        raise DomainError(_("A released payment run cannot be changed."))
    item = PaymentItem.objects.select_for_update().select_related("drawdown").get(pk=item.pk, run=run)
    if item.outcome != PaymentOutcome.PENDING:
        raise DomainError(_("This drawdown is no longer in the run."))
    item.outcome = PaymentOutcome.REMOVED
    item.save(update_fields=["outcome"])
    _move_drawdowns([item.drawdown], DrawdownStatus.APPROVED, actor=actor, note=run.reference)
    return run


def treasury() -> Debtor:
    return Debtor(name=settings.TREASURY_NAME, iban=settings.TREASURY_IBAN, bic=settings.TREASURY_BIC)


@transaction.atomic
def release_payment_run(*, run: PaymentRun, actor: Any) -> PaymentRun:
    """A second payment officer releases the run: the SEPA file for the treasury is written, once.

    The run's row lock and its status make a second release (a double click, a retried request, a
    colleague at the same moment) wait and then find the run released: nothing is paid twice.
    """
    run = _locked_run(run)
    require(policies.can_release_payment_run(actor, run))
    if run.status != PaymentRunStatus.DRAFT:
        raise DomainError(_("This payment run has already been released."))
    items = _live_items(run)
    if not items:
        raise DomainError(_("The payment run is empty."))
    organisations = {i.drawdown.application.organisation for i in items}
    accounts = {a.organisation_id: a for a in accounts_in_force().filter(organisation__in=organisations)}
    missing = sorted(o.short_name for o in organisations if o.pk not in accounts)
    if missing:
        raise DomainError(_("No confirmed bank account for: %(communes)s.") % {"communes": ", ".join(missing)})
    transfers = []
    for item in items:
        account = accounts[item.drawdown.application.organisation_id]
        item.holder, item.iban, item.bic = account.holder, account.iban, account.bic
        transfers.append(
            Transfer(
                end_to_end_id=item.end_to_end_id, creditor_name=account.holder, iban=account.iban, bic=account.bic,
                amount=item.amount,
                remittance=f"{item.drawdown.application.reference} {item.drawdown.reference} Zuwendung",
            )
        )  # fmt: skip
    PaymentItem.objects.bulk_update(items, ["holder", "iban", "bic"])
    message_id = f"KP-{run.reference}"
    sepa = credit_transfer_file(
        debtor=treasury(),
        message_id=message_id,
        execution_date=run.execution_on,
        transfers=transfers,
        created_at=clock.now(),
    )
    state = land()
    if state is None:
        raise DomainError(_("The state's organisation is missing from the registry."))
    run.file = store_document(
        kind=DocumentKind.PAYMENT_FILE, content=sepa.xml, organisation=state,
        title=_("SEPA payment file %(reference)s") % {"reference": run.reference}, actor=actor,
    )  # fmt: skip
    run.message_id, run.control_sum = message_id, sepa.control_sum
    run.released_by, run.released_at = actor, clock.now()
    _move_run(run, PaymentRunStatus.RELEASED, actor=actor,
              extra=("file", "message_id", "control_sum", "released_by", "released_at"))  # fmt: skip
    return run


@transaction.atomic
def record_payment_outcome(*, run: PaymentRun, actor: Any, failed: dict[str, str] | None = None) -> PaymentRun:
    """The treasury's answer: every transfer paid, or some failed (by end-to-end id, with the reason).
    Paid drawdowns are done; failed ones go back to the pool for the next run."""
    run = _locked_run(run)
    require(policies.can_prepare_payment_run(actor))
    if run.status != PaymentRunStatus.RELEASED:
        raise DomainError(_("Only a released payment run can be settled."))
    failed = {k: v.strip() or _("rejected by the bank") for k, v in (failed or {}).items()}
    items = _live_items(run)
    unknown = set(failed) - {i.end_to_end_id for i in items}
    if unknown:
        raise DomainError(_("Not in this run: %(ids)s.") % {"ids": ", ".join(sorted(unknown))})
    paid = [i for i in items if i.end_to_end_id not in failed]
    bounced = [i for i in items if i.end_to_end_id in failed]
    for item in paid:
        item.outcome = PaymentOutcome.PAID
        item.drawdown.paid_on = run.execution_on
    for item in bounced:
        item.outcome, item.failure_reason = PaymentOutcome.FAILED, failed[item.end_to_end_id][:200]
    PaymentItem.objects.bulk_update(items, ["outcome", "failure_reason"])
    Drawdown.objects.bulk_update([i.drawdown for i in paid], ["paid_on"])
    _move_drawdowns([i.drawdown for i in paid], DrawdownStatus.PAID, actor=actor, note=run.reference)
    _move_drawdowns([i.drawdown for i in bounced], DrawdownStatus.APPROVED, actor=actor, note=run.reference)
    run.settled_by, run.settled_at = actor, clock.now()
    _move_run(run, PaymentRunStatus.PARTLY_FAILED if bounced else PaymentRunStatus.PAID, actor=actor,
              extra=("settled_by", "settled_at"))  # fmt: skip
    by_commune: dict[int, list[PaymentItem]] = defaultdict(list)
    for item in paid:
        by_commune[item.drawdown.application.organisation_id].append(item)
    tell_communes(
        [
            Notice(
                organisation=items_[0].drawdown.application.organisation, link=reverse("grants:money"),
                subject=_("Grant funds paid"),
                body=_("Paid on %(day)s: %(list)s.") % {
                    "day": run.execution_on.strftime("%d.%m.%Y"),
                    "list": "; ".join(f"{i.drawdown.reference} {format_amount(i.amount)}" for i in items_),
                },
            )
            for items_ in by_commune.values()
        ],
        actor=actor,
    )  # fmt: skip
    return run
