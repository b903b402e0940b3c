"""The letters of a recovery: the hearing (Anhörung) and the recovery decision (Rückforderungsbescheid)."""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone, translation

from .documents import _amount, _header, _person, letter_day
from .interest import SURCHARGE
from .models import Application, DecisionKind, Recovery, RecoveryKind
from .payments import grant_position
from .settlement import format_percent


def _iban(iban: str) -> str:
    """An IBAN in groups of four, as it is printed for people to copy."""
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


def _grant(application: Application) -> dict[str, Any] | None:
    """The Bescheid in force, which the recovery revokes in part."""
    decision = (
        application.decisions.filter(released_at__isnull=False).exclude(kind=DecisionKind.REJECTION)
        .order_by("-released_at").first()
    )  # fmt: skip
    if decision is None or decision.released_at is None:
        return None
    return {
        "number": decision.number or "",
        "date": letter_day(timezone.localtime(decision.released_at).date()),
        "amount": _amount(decision.approved_amount),
    }


# The letters are German whatever language the clerk's screen shows.
KIND_LABELS = {
    RecoveryKind.SHORTFALL: "Minderausgaben laut Verwendungsnachweis",
    RecoveryKind.UNSPENT: "Nicht rechtzeitig verwendete Mittel",
    RecoveryKind.INTERIM_INTEREST: "Verspätete Verwendung ausgezahlter Mittel (Zwischenzinsen)",
}


def _interest_rows(accrued: Any) -> list[dict[str, Any]]:
    return [
        {"from": letter_day(period.start + timedelta(days=1)), "to": letter_day(period.end), "days": period.days,
         "rate": format_percent(period.annual_rate)}
        for period in accrued.periods
    ]  # fmt: skip


def _facts(recovery: Recovery) -> dict[str, Any]:
    """What both letters state: the grant, what was paid, what is claimed back and why."""
    application = recovery.application
    proof, drawdown = recovery.proof, recovery.drawdown
    interim = recovery.kind == RecoveryKind.INTERIM_INTEREST and recovery.interest_until is not None
    return {
        "kind": recovery.kind,
        "kind_label": KIND_LABELS[RecoveryKind(recovery.kind)],
        "interim": interim,
        "used_on": letter_day(recovery.interest_until) if interim and recovery.interest_until else "",
        "grant": _grant(application),
        "paid_amount": _amount(grant_position(application).paid),
        "principal_amount": _amount(recovery.principal_amount),
        "interest_from": letter_day(recovery.interest_from),
        "surcharge": f"{(SURCHARGE * 100).normalize():f}",
        "reason": recovery.reason,
        "proof": {
            "submitted_on": letter_day(timezone.localtime(proof.submitted_at).date()),
            "eligible_amount": _amount(proof.eligible_amount or Decimal(0)),
            "settlement_reason": proof.settlement_reason,
        }
        if proof is not None
        else None,
        "drawdown": {
            "reference": drawdown.reference,
            "amount": _amount(drawdown.amount),
            "paid_on": letter_day(drawdown.paid_on) if drawdown.paid_on else "",
            "spend_by": letter_day(drawdown.spend_by),
        }
        if drawdown is not None
        else None,
        "hearing_sent_on": letter_day(timezone.localtime(recovery.hearing_sent_at).date()),
        "hearing_until": letter_day(recovery.hearing_until),
        "prepared_by": _person(recovery.prepared_by),
    }


def hearing_data(recovery: Recovery) -> dict[str, Any]:
    """What the letter of the hearing prints: the intended recovery and the time to state a view; for
    Zwischenzinsen the interest claimed, which is fixed by the days between payment and use."""
    from .proofs import recovery_interest  # see recovery_decision_data

    interim = None
    if recovery.kind == RecoveryKind.INTERIM_INTEREST and recovery.interest_until is not None:
        accrued = recovery_interest(recovery, until=recovery.interest_until)
        interim = {"amount": _amount(accrued.total), "periods": _interest_rows(accrued)}
    with translation.override("de"):
        return {
            **_header(recovery.application, recovery.reference, recovery.hearing_sent_at),
            "title": "Anhörung vor einer Rückforderung"
            if interim is None
            else "Anhörung vor der Erhebung von Zwischenzinsen",
            **_facts(recovery),
            "interim_interest": interim,
        }


def recovery_decision_data(recovery: Recovery, *, on: date) -> dict[str, Any]:
    """What the recovery decision prints, dated `on`, with the interest accrued up to that day."""
    # The services module issues this letter and owns the base-rate table; a module-level import would be a cycle.
    from .proofs import recovery_interest

    accrued = recovery_interest(recovery, until=max(on, recovery.interest_from))
    with translation.override("de"):
        return {
            **_header(recovery.application, recovery.reference, None),
            "date": letter_day(on),
            "title": "Rückforderungsbescheid"
            if recovery.kind != RecoveryKind.INTERIM_INTEREST
            else "Bescheid über Zwischenzinsen",
            "number": recovery.number or "",
            **_facts(recovery),
            "statement": recovery.statement,
            "interest_until": letter_day(accrued.end),
            "interest_amount": _amount(accrued.total),
            "interest_periods": _interest_rows(accrued),
            "due_on": letter_day(recovery.due_on) if recovery.due_on else "",
            "treasury": {
                "name": settings.TREASURY_NAME,
                "iban": _iban(settings.TREASURY_IBAN),
                "bic": settings.TREASURY_BIC,
            },
            "payment_reference": recovery.number or recovery.reference,
            "issued_by": _person(recovery.issued_by) if recovery.issued_by else "",
        }
