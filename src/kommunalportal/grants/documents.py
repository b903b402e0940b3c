"""The grant's documents: the receipt of a submission and the Bescheid, rendered by the documents app."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format

from kommunalportal.core.money import format_amount
from kommunalportal.documents.models import Document, DocumentKind
from kommunalportal.documents.services import issue_document, store_document

from .models import Application, ApplicationVersion, DecisionKind, FinancingType, GrantDecision


def letter_day(value: date) -> str:
    """A day as the letters and messages print it: 15.10.2020, whatever the reader's language."""
    return date_format(value, "d.m.Y")


def _amount(value: Any) -> str:
    return format_amount(value).removesuffix(" €")


def _person(user: Any) -> str:
    return user.get_full_name() or user.get_username()


def _header(application: Application, reference: str, dated: datetime | None) -> dict[str, Any]:
    """The letterhead; a document is dated by the act it records (submission, release), not by its rendering."""
    organisation = application.organisation
    return {
        "authority": settings.AUTHORITY_NAME,
        "authority_address": settings.AUTHORITY_ADDRESS,
        "reference": reference,
        "date": letter_day(timezone.localtime(dated).date() if dated else timezone.localdate()),
        "recipient": {
            "name": organisation.name,
            "postcode": organisation.postcode,
            "town": organisation.short_name,
            "key": organisation.key,
        },
        "programme": application.call.programme.name,
        "call": application.call.name,
        "application_reference": application.reference,
        "title_of_application": application.title,
    }


def receipt_data(version: ApplicationVersion) -> dict[str, Any]:
    """The receipt prints the frozen version only, so it reads the same whenever it is rendered."""
    content = version.content
    application = version.application
    requested, own_share, third_party = (
        Decimal(content[k]) for k in ("requested_amount", "own_share_amount", "third_party_amount")
    )
    return {
        **_header(application, content["reference"], version.submitted_at),
        "title_of_application": content["title"],
        "version": version.number,
        "submitted_at": date_format(timezone.localtime(version.submitted_at), "d.m.Y H:i"),
        "submitted_by": _person(version.submitted_by),
        "requested_amount": _amount(requested),
        "own_share_amount": _amount(own_share),
        "third_party_amount": _amount(third_party),
        "total_costs": _amount(requested + own_share + third_party),
        "content_sha256": version.content_sha256,
    }


def issue_receipt(*, version: ApplicationVersion, actor: Any) -> Document:
    application = version.application
    return issue_document(
        kind=DocumentKind.RECEIPT, template="receipt", data=receipt_data(version),
        organisation=application.organisation,
        title=f"Eingangsbestätigung {application.reference} Fassung {version.number}", actor=actor,
    )  # fmt: skip


def decision_title(decision: GrantDecision) -> str:
    if decision.kind == DecisionKind.AMENDMENT:
        return "Änderungsbescheid"
    if decision.kind == DecisionKind.REJECTION:
        return "Ablehnungsbescheid"
    if decision.kind == DecisionKind.PARTIAL_APPROVAL:
        return "Zuwendungsbescheid (Teilbewilligung)"
    return "Zuwendungsbescheid"


def decision_data(decision: GrantDecision) -> dict[str, Any]:
    """What the Bescheid template prints (the same data for issuing and for the benchmark's baseline)."""
    application = decision.application
    call = application.call
    measures = list(application.measures.all())  # with their categories, when the caller prefetched them
    return {
        **_header(application, application.reference, decision.released_at),
        "title": decision_title(decision),
        "number": decision.number,
        "kind": decision.kind,
        "reason": decision.reason,
        "legal_basis": call.programme.legal_basis,
        "submitted_on": letter_day(timezone.localtime(application.submitted_at).date())
        if application.submitted_at
        else "",
        "approved_amount": _amount(decision.approved_amount),
        "requested_amount": _amount(application.requested_amount),
        "measures": [
            {
                "title": m.title,
                "category": m.category.name,
                "period": f"{letter_day(m.starts_on)}–{letter_day(m.ends_on)}",
                "costs": _amount(m.planned_costs_amount),
                "approved": _amount(m.approved_amount or Decimal(0)),
            }
            for m in measures
        ],
        "eligible_costs": _amount(sum((m.planned_costs_amount for m in measures), Decimal(0))),
        "financing_type": str(FinancingType(call.financing_type).label),
        "funding_rate": f"{(call.funding_rate * 100).normalize():f} %" if call.funding_rate else None,
        "min_own_share": f"{(call.min_own_share_rate * 100).normalize():f} %",
        "period_start": letter_day(min((m.starts_on for m in measures), default=call.opens_on)),
        "period_end": letter_day(max((m.ends_on for m in measures), default=call.proof_of_use_due_on)),
        "drawdown_window_days": call.drawdown_window_days,
        "proof_of_use_due_on": letter_day(call.proof_of_use_due_on),
        "prepared_by": _person(decision.prepared_by),
        "released_by": _person(decision.released_by),
        "partners": [
            {"name": p.organisation.name, "share": f"{(p.share_rate * 100).normalize():f} %"}
            for p in application.partners.all()
        ],
    }


def store_decision(*, decision: GrantDecision, content: bytes, actor: Any) -> Document:
    """Keep the rendered Bescheid of a released decision."""
    rejected = decision.kind == DecisionKind.REJECTION
    return store_document(
        kind=DocumentKind.REJECTION_DECISION if rejected else DocumentKind.GRANT_DECISION,
        content=content,
        organisation=decision.application.organisation,
        title=f"{decision_title(decision)} {decision.number}",
        actor=actor,
    )
