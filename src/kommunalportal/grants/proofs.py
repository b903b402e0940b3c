"""The end of a grant: the proof of use (Verwendungsnachweis) and its review, the recovery (Rückforderung)
of money paid beyond what the proof justifies, with a hearing, a decision by a second person and interest
under § 49a VwVfG, and the base-rate table the interest is computed from."""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from kommunalportal.core import clock
from kommunalportal.core.audit import record_event
from kommunalportal.core.errors import DomainError
from kommunalportal.core.money import CENT, format_amount
from kommunalportal.core.policies import require
from kommunalportal.core.references import next_reference
from kommunalportal.core.workflow import move_to
from kommunalportal.documents.models import DocumentKind
from kommunalportal.documents.services import issue_document

from . import interest, policies
from .applications import current_grant, locked_application
from .documents import letter_day
from .models import (
    Application,
    BaseRateEntry,
    Drawdown,
    ProofLine,
    ProofOfUse,
    Recovery,
    RecoveryKind,
)
from .payments import grant_position, tell_about_money
from .recovery_documents import hearing_data, recovery_decision_data
from .settlement import Settlement, settle
from .workflow import (
    GRANTED,
    PROOF_TRANSITIONS,
    RECOVERY_TRANSITIONS,
    DrawdownStatus,
    ProofStatus,
    RecoveryStatus,
)

# Proofs that stand: a returned one is replaced by a new one, every other one is the application's proof.
LIVE_PROOF = (ProofStatus.SUBMITTED, ProofStatus.ACCEPTED, ProofStatus.SHORTFALL)
# Recoveries that claim money: a dropped one claims nothing.
CLAIMING = (RecoveryStatus.HEARING, RecoveryStatus.ISSUED, RecoveryStatus.REPAID)
INTERIM = RecoveryKind.INTERIM_INTEREST
# The published rates since 2015 lie between −0.88 % and 3.62 %; a rate far outside these bounds is a typo.
LOWEST_BASE_RATE = Decimal("-0.10")
HIGHEST_BASE_RATE = Decimal("0.20")


def _is_cents(amount: Decimal) -> bool:
    return amount.is_finite() and amount >= 0 and amount == amount.quantize(CENT)


def _paid(application: Application) -> Decimal:
    """What the treasury has paid out of the grant: the drawdowns it confirmed as paid."""
    return grant_position(application).paid


# Proof of use


def _proof_label(status: str) -> str:
    return str(ProofStatus(status).label)


def _locked_proof(proof: ProofOfUse) -> ProofOfUse:
    return (
        ProofOfUse.objects.select_for_update(of=("self",))
        .select_related("application__call", "application__organisation")
        .get(pk=proof.pk)
    )


def _move_proof(proof: ProofOfUse, target: str, *, actor: Any, note: str, extra: tuple[str, ...]) -> None:
    # The proof keeps who reviewed it and when on its row; the status change itself is audited by move_to.
    move_to(
        proof, target, transitions=PROOF_TRANSITIONS, actor=actor, labels=_proof_label,
        record_history=lambda old, new: None, note=note, extra_fields=extra,
    )  # fmt: skip


@transaction.atomic
def submit_proof(
    *, application: Application, actor: Any, report: str, actual_costs: dict[int, Decimal], own_share: Decimal,
    third_party: Decimal, receipts: str = "",
) -> ProofOfUse:  # fmt: skip
    """The commune submits its proof of use: the factual report and the actual costs of every measure."""
    # The application's row lock queues two submissions of the same proof; the second finds the first.
    application = locked_application(application, with_call=True)
    require(policies.can_submit_proof(actor, application))
    if application.status not in GRANTED:
        raise DomainError(_("A proof of use can be submitted only for a granted application."))
    if ProofOfUse.objects.filter(application=application, status__in=LIVE_PROOF).exists():
        raise DomainError(_("The proof of use of this application has already been submitted."))
    report = report.strip()
    if not report:
        raise DomainError(_("Write the factual report: what was done and what it achieved."))
    measures = set(application.measures.values_list("pk", flat=True))
    if set(actual_costs) != measures:
        raise DomainError(_("Give the actual costs of every measure of the application, each once."))
    if not all(_is_cents(amount) for amount in (own_share, third_party, *actual_costs.values())):
        raise DomainError(_("Amounts are euros with at most two decimal places, zero or more."))
    try:
        with transaction.atomic():
            proof = ProofOfUse.objects.create(
                application=application, report=report, own_share_amount=own_share, third_party_amount=third_party,
                receipts=receipts.strip(), submitted_by=actor, submitted_at=clock.now(),
            )  # fmt: skip
    except IntegrityError:  # the database's last word: one live proof per application
        raise DomainError(_("The proof of use of this application has already been submitted.")) from None
    ProofLine.objects.bulk_create(
        [ProofLine(proof=proof, measure_id=pk, actual_costs_amount=actual_costs[pk]) for pk in sorted(measures)]
    )
    record_event(
        actor=actor, action="grants.proof.submitted", obj=proof,
        after={
            "application": application.reference, "own_share": own_share, "third_party": third_party,
            "actual_costs": {str(pk): actual_costs[pk] for pk in sorted(measures)},
        },
    )  # fmt: skip
    return proof


def _settlement(proof: ProofOfUse) -> Settlement:
    """What the proof justifies of the grant, by the call's financing type, against what has been paid."""
    application = proof.application
    call = application.call
    approved = current_grant(application)
    if approved is None:
        raise DomainError(_("The application has no grant in force."))
    actual = proof.lines.aggregate(total=Sum("actual_costs_amount"))["total"] or Decimal("0.00")
    return settle(
        financing_type=call.financing_type, approved=approved, paid=_paid(application), actual_costs=actual,
        own_share=proof.own_share_amount, third_party=proof.third_party_amount, funding_rate=call.funding_rate,
    )  # fmt: skip


@transaction.atomic
def review_proof(*, proof: ProofOfUse, actor: Any, note: str = "") -> ProofOfUse:
    """A reviewer settles the proof of use: accepted, or accepted with a shortfall the commune must repay."""
    proof = _locked_proof(proof)
    require(policies.can_review_proof(actor))
    if proof.status != ProofStatus.SUBMITTED:
        raise DomainError(_("Only a submitted proof of use can be reviewed."))
    settlement = _settlement(proof)
    proof.eligible_amount, proof.shortfall_amount = settlement.eligible, settlement.shortfall
    proof.settlement_reason = settlement.reason
    proof.reviewed_by, proof.reviewed_at, proof.review_note = actor, clock.now(), note.strip()
    target = ProofStatus.SHORTFALL if settlement.shortfall else ProofStatus.ACCEPTED
    _move_proof(
        proof, target, actor=actor, note=note.strip(),
        extra=("eligible_amount", "shortfall_amount", "settlement_reason", "reviewed_by", "reviewed_at",
               "review_note"),
    )  # fmt: skip
    record_event(
        actor=actor, action="grants.proof.settled", obj=proof,
        after={"approved": settlement.approved, "paid": settlement.paid, "eligible": settlement.eligible,
               "shortfall": settlement.shortfall, "unpaid": settlement.unpaid, "reason": settlement.reason},
    )  # fmt: skip
    application = proof.application
    if settlement.shortfall:
        subject = _("Proof of use %(reference)s: %(amount)s to be repaid") % {
            "reference": application.reference, "amount": format_amount(settlement.shortfall)}  # fmt: skip
        body = _("%(reason)s The ministry will hear you before it claims the amount back.") % {
            "reason": settlement.reason}  # fmt: skip
    else:
        subject = _("Proof of use %(reference)s accepted") % {"reference": application.reference}
        body = settlement.reason
    tell_about_money(application.organisation, actor=actor, subject=subject, body=f"{body}\n\n{note.strip()}".strip())
    return proof


@transaction.atomic
def return_proof(*, proof: ProofOfUse, actor: Any, note: str) -> ProofOfUse:
    """A reviewer sends the proof of use back for completion; the commune submits a new one."""
    proof = _locked_proof(proof)
    require(policies.can_review_proof(actor))
    note = note.strip()
    if not note:
        raise DomainError(_("Tell the commune what is missing."))
    proof.reviewed_by, proof.reviewed_at, proof.review_note = actor, clock.now(), note
    _move_proof(
        proof, ProofStatus.RETURNED, actor=actor, note=note, extra=("reviewed_by", "reviewed_at", "review_note")
    )
    tell_about_money(
        proof.application.organisation, actor=actor, body=note,
        subject=_("Proof of use %(reference)s returned for completion") % {"reference": proof.application.reference},
    )  # fmt: skip
    return proof


# Base rates and interest


def base_rates() -> list[interest.BaseRate]:
    """The base rates of the ministry's table, oldest first."""
    return [
        interest.BaseRate(valid_from=valid_from, rate=rate)
        for valid_from, rate in BaseRateEntry.objects.order_by("valid_from").values_list("valid_from", "rate")
    ]


@transaction.atomic
def set_base_rate(*, actor: Any, valid_from: date, rate: Decimal) -> BaseRateEntry:
    """The ministry enters the base rate the Bundesbank has published for the coming half-year."""
    require(policies.can_maintain_base_rates(actor))
    # § 247 (1) BGB: the base rate changes on 1 January and 1 July only.
    if valid_from.day != 1 or valid_from.month not in (1, 7):
        raise DomainError(_("The base rate changes on 1 January and 1 July only."))
    if not rate.is_finite() or not LOWEST_BASE_RATE <= rate <= HIGHEST_BASE_RATE:
        raise DomainError(_("The base rate must lie between minus 10 and plus 20 percent."))
    if rate != rate.quantize(Decimal("0.000001")):
        raise DomainError(_("The base rate has at most six decimal places as a fraction."))
    try:
        with transaction.atomic():
            entry = BaseRateEntry.objects.create(valid_from=valid_from, rate=rate, entered_by=actor)
    except IntegrityError:  # one rate per date, also when two people enter it at the same moment
        day = letter_day(valid_from)
        raise DomainError(_("A base rate from %(day)s is already in the table.") % {"day": day}) from None
    record_event(
        actor=actor, action="grants.base_rate.set", obj=entry,
        after={"valid_from": valid_from, "rate": rate},
    )  # fmt: skip
    return entry


def next_base_rate_change(day: date) -> date:
    """The next 1 January or 1 July after `day`: the base rate may change then (§ 247 (1) BGB)."""
    return date(day.year, 7, 1) if day.month < 7 else date(day.year + 1, 1, 1)


def _interest(principal: Decimal, start: date, end: date) -> interest.InterestResult:
    if end < start:
        raise DomainError(_("Interest cannot end before the day it runs from."))
    rates = base_rates()
    # The last rate holds only until the next date the base rate may change: after it, the table must say.
    if rates and end >= next_base_rate_change(rates[-1].valid_from):
        raise DomainError(
            _("No base rate is known for %(day)s: complete the table of base rates first.")
            % {"day": letter_day(next_base_rate_change(rates[-1].valid_from))}
        )
    try:
        return interest.interest(principal=principal, start=start, end=end, base_rates=rates)
    except ValueError:  # only a gap in the table is left once the dates are in order
        raise DomainError(
            _("No base rate is known for %(day)s: complete the table of base rates first.")
            % {"day": letter_day(start + timedelta(days=1))}
        ) from None


def recovery_interest(recovery: Recovery, *, until: date) -> interest.InterestResult:
    """The interest under § 49a (3) VwVfG on the amount claimed back, from `interest_from` up to `until`;
    Zwischenzinsen (§ 49a (4)) only up to the day the funds were used, whatever `until` is."""
    if recovery.kind == INTERIM and recovery.interest_until is not None:
        until = recovery.interest_until
    return _interest(recovery.principal_amount, recovery.interest_from, until)


# Recovery


def _recovery_label(status: str) -> str:
    return str(RecoveryStatus(status).label)


def _locked_recovery(recovery: Recovery) -> Recovery:
    return (
        Recovery.objects.select_for_update(of=("self",))
        .select_related("application__call", "application__organisation", "prepared_by")
        .get(pk=recovery.pk)
    )


def _move_recovery(recovery: Recovery, target: str, *, actor: Any, note: str = "", extra: tuple[str, ...]) -> None:
    # The recovery keeps its hearing, decision and repayment on its row; move_to audits each change of status.
    move_to(
        recovery, target, transitions=RECOVERY_TRANSITIONS, actor=actor, labels=_recovery_label,
        record_history=lambda old, new: None, note=note, extra_fields=extra,
    )  # fmt: skip


@transaction.atomic
def start_recovery(
    *, application: Application, actor: Any, kind: RecoveryKind, principal: Decimal, interest_from: date, reason: str,
    proof: ProofOfUse | None = None, drawdown: Drawdown | None = None, hearing_days: int = 14,
    interest_until: date | None = None,
) -> Recovery:  # fmt: skip
    """The ministry intends to claim money back and hears the commune first (Anhörung, § 28 VwVfG).

    Zwischenzinsen (`kind=INTERIM_INTEREST`): `principal` is the amount used late, `interest_until` the day
    it was used; the amount stays with the commune and only its interest is claimed.
    """
    # The application's row lock queues two recoveries of the same grant: together never more than was paid.
    application = locked_application(application, with_call=True)
    require(policies.can_start_recovery(actor))
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Give the reasons for the recovery."))
    if not _is_cents(principal) or principal <= 0:
        raise DomainError(_("The amount to repay is euros with at most two decimal places, more than 0 €."))
    if hearing_days < 1:
        raise DomainError(_("The commune needs at least one day to state its view."))
    if proof is not None and proof.application_id != application.pk:
        raise DomainError(_("The proof of use belongs to another application."))
    if drawdown is not None and (drawdown.application_id != application.pk or drawdown.status != DrawdownStatus.PAID):
        raise DomainError(_("Only a paid drawdown of this application can be claimed back."))
    today = clock.today()
    if interest_from > today:
        raise DomainError(_("Interest cannot run from a day in the future."))
    if kind == INTERIM:
        if interest_until is None or not interest_from < interest_until <= today:
            raise DomainError(_("Give the day the funds were used: after the day of payment and not in the future."))
    elif interest_until is not None:
        raise DomainError(_("Only Zwischenzinsen end on the day the funds were used."))
    # Zwischenzinsen claim no amount back (any paid euro may have been used late); the others share what was paid.
    claimed = Decimal("0.00")
    if kind != INTERIM:
        claiming = Recovery.objects.filter(application=application, status__in=CLAIMING).exclude(kind=INTERIM)
        claimed = claiming.aggregate(total=Sum("principal_amount"))["total"] or claimed
    paid = _paid(application)
    if principal > paid - claimed:
        raise DomainError(
            _("%(amount)s is more than can be claimed back: %(left)s (paid %(paid)s, already claimed %(claimed)s).")
            % {"amount": format_amount(principal), "left": format_amount(max(paid - claimed, Decimal(0))),
               "paid": format_amount(paid), "claimed": format_amount(claimed)}
        )  # fmt: skip
    # Refuses a day the table of base rates does not cover.
    accrued = _interest(principal, interest_from, interest_until or today)
    if kind == INTERIM and not accrued.total:
        raise DomainError(_("No interest arises on this amount for these days."))
    recovery = Recovery.objects.create(
        reference=next_reference(f"RF-{today.year}"), application=application, kind=kind,
        status=RecoveryStatus.HEARING, principal_amount=principal, interest_from=interest_from, reason=reason,
        proof=proof, drawdown=drawdown, prepared_by=actor, hearing_sent_at=clock.now(), interest_until=interest_until,
        hearing_until=today + timedelta(days=hearing_days),
    )  # fmt: skip
    recovery.hearing_document = issue_document(
        kind=DocumentKind.RECOVERY_HEARING, template="recovery_hearing", data=hearing_data(recovery),
        organisation=application.organisation, title=f"Anhörung zur Rückforderung {recovery.reference}", actor=actor,
    )  # fmt: skip
    recovery.save(update_fields=["hearing_document"])
    record_event(
        actor=actor, action="grants.recovery.started", obj=recovery,
        after={"application": application.reference, "kind": kind, "principal": principal,
               "interest_from": interest_from, "interest_until": interest_until,
               "hearing_until": recovery.hearing_until, "reason": reason},
    )  # fmt: skip
    facts = {"amount": format_amount(principal), "application": application.reference,
             "day": letter_day(recovery.hearing_until), "interest": format_amount(accrued.total)}  # fmt: skip
    if kind == INTERIM:
        body = _("The ministry intends to claim interest of %(interest)s on %(amount)s of the grant %(application)s "
                 "that were used late (Zwischenzinsen). You may state your view until %(day)s; the letter is among "
                 "your documents.") % facts  # fmt: skip
    else:
        body = _("The ministry intends to claim back %(amount)s of the grant %(application)s. You may state your "
                 "view until %(day)s; the letter is among your documents.") % facts  # fmt: skip
    tell_about_money(
        application.organisation, actor=actor, body=body,
        subject=_("Hearing before a recovery: %(reference)s") % {"reference": recovery.reference},
    )  # fmt: skip
    return recovery


@transaction.atomic
def record_statement(*, recovery: Recovery, actor: Any, statement: str) -> Recovery:
    """The commune states its view on the intended recovery during the hearing."""
    recovery = _locked_recovery(recovery)
    require(policies.can_submit_proof(actor, recovery.application))
    if recovery.status != RecoveryStatus.HEARING:
        raise DomainError(_("The hearing is over: the ministry has decided."))
    statement = statement.strip()
    if not statement:
        raise DomainError(_("Write the commune's statement."))
    # One statement is the commune's answer: once it is on record, the ministry may decide at once.
    if recovery.statement:
        raise DomainError(_("The commune's statement is already on record."))
    recovery.statement = statement
    recovery.save(update_fields=["statement"])
    record_event(actor=actor, action="grants.recovery.statement_recorded", obj=recovery, after={"statement": statement})
    return recovery


def _heard(recovery: Recovery, today: date) -> bool:
    """The commune has been heard: it has stated its view, or the time to do so has passed."""
    return bool(recovery.statement) or today > recovery.hearing_until


@transaction.atomic
def issue_recovery(*, recovery: Recovery, actor: Any, due_days: int = 30, today: date | None = None) -> Recovery:
    """A second person issues the recovery decision (Rückforderungsbescheid) after the hearing."""
    recovery = _locked_recovery(recovery)
    require(policies.can_issue_recovery(actor, recovery))
    if recovery.status != RecoveryStatus.HEARING:
        raise DomainError(_("This recovery has already been decided."))
    today = today or clock.today()
    if not _heard(recovery, today):
        raise DomainError(
            _("The commune may state its view until %(day)s; the decision can be issued after that or once its "
              "statement is on record.") % {"day": letter_day(recovery.hearing_until)}
        )  # fmt: skip
    if due_days < 1:
        raise DomainError(_("The commune needs at least one day to repay."))
    recovery.number = next_reference(f"RB-{today.year}")
    recovery.issued_by, recovery.issued_at, recovery.due_on = actor, clock.now(), today + timedelta(days=due_days)
    recovery.document = issue_document(
        kind=DocumentKind.RECOVERY_DECISION, template="recovery_decision",
        data=recovery_decision_data(recovery, on=today), organisation=recovery.application.organisation,
        title=f"Rückforderungsbescheid {recovery.number}", actor=actor,
    )  # fmt: skip
    _move_recovery(
        recovery, RecoveryStatus.ISSUED, actor=actor, note=recovery.number,
        extra=("number", "issued_by", "issued_at", "due_on", "document"),
    )  # fmt: skip
    facts = {"amount": format_amount(recovery.principal_amount), "application": recovery.application.reference,
             "day": letter_day(recovery.due_on), "number": recovery.number}  # fmt: skip
    if recovery.kind == INTERIM:
        facts["interest"] = format_amount(recovery_interest(recovery, until=today).total)
        body = _("Please pay %(interest)s interest (Zwischenzinsen) on %(amount)s of the grant %(application)s used "
                 "late by %(day)s, quoting %(number)s; the decision is among your documents.") % facts  # fmt: skip
    else:
        body = _("Please repay %(amount)s of the grant %(application)s by %(day)s, quoting %(number)s, with interest "
                 "under § 49a VwVfG; the decision is among your documents.") % facts  # fmt: skip
    tell_about_money(
        recovery.application.organisation, actor=actor, body=body,
        subject=_("Recovery decision %(number)s") % {"number": recovery.number},
    )  # fmt: skip
    return recovery


@transaction.atomic
def drop_recovery(*, recovery: Recovery, actor: Any, reason: str) -> Recovery:
    """The ministry drops the intended recovery after hearing the commune; nothing is claimed."""
    recovery = _locked_recovery(recovery)
    # Dropping forgoes the state's money: the same second person decides as would issue the decision.
    require(policies.can_issue_recovery(actor, recovery))
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Give the commune a reason."))
    _move_recovery(recovery, RecoveryStatus.DROPPED, actor=actor, note=reason, extra=())
    tell_about_money(
        recovery.application.organisation, actor=actor, body=reason,
        subject=_("Recovery %(reference)s dropped") % {"reference": recovery.reference},
    )  # fmt: skip
    return recovery


@transaction.atomic
def record_repayment(*, recovery: Recovery, actor: Any, repaid_on: date) -> Recovery:
    """A payment officer records the commune's repayment; the interest up to that day is fixed."""
    recovery = _locked_recovery(recovery)
    require(policies.can_settle_recovery(actor))
    if recovery.status != RecoveryStatus.ISSUED:
        raise DomainError(_("Only an issued recovery decision can be repaid."))
    if repaid_on > clock.today():
        raise DomainError(_("The repayment cannot lie in the future."))
    result = recovery_interest(recovery, until=repaid_on)
    before = {"status": recovery.status, "repaid_on": recovery.repaid_on, "interest_amount": recovery.interest_amount}
    recovery.repaid_on, recovery.interest_amount = repaid_on, result.total
    _move_recovery(recovery, RecoveryStatus.REPAID, actor=actor, extra=("repaid_on", "interest_amount"))
    record_event(
        actor=actor, action="grants.recovery.repayment_recorded", obj=recovery, before=before,
        after={"status": recovery.status, "repaid_on": repaid_on, "interest_amount": result.total,
               "principal": recovery.principal_amount,
               "periods": [{"start": p.start, "end": p.end, "days": p.days, "rate": p.annual_rate}
                           for p in result.periods]},
    )  # fmt: skip
    return recovery
