"""Writes of applications: drafting, submission, review and decisions. One service per transition."""

import dataclasses
import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import OuterRef, Prefetch, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kommunalportal.accounts.roles import Role
from kommunalportal.core import audit, clock
from kommunalportal.core.audit import record_event, snapshot
from kommunalportal.core.bulk import update_each
from kommunalportal.core.errors import DomainError
from kommunalportal.core.money import split_largest_remainder
from kommunalportal.core.policies import require
from kommunalportal.core.references import next_reference, next_references
from kommunalportal.core.workflow import move_many, move_to, refusal
from kommunalportal.documents.models import Document
from kommunalportal.documents.pdf import render_pdf
from kommunalportal.notifications.services import Notice, notify_organisations
from kommunalportal.organisations.models import Organisation

from . import policies
from .documents import decision_data, issue_receipt, store_decision
from .models import (
    AmendmentRequest,
    Application,
    ApplicationPartner,
    ApplicationStatusChange,
    ApplicationVersion,
    Attachment,
    Call,
    CallShape,
    DecisionKind,
    Envelope,
    GrantDecision,
    Measure,
    MeasureCategory,
    ReviewNote,
)
from .rules import ApplicationFacts, CheckResult, MeasureFacts, check_application
from .workflow import ALLOWED_TRANSITIONS, DECIDED, EDITABLE, GRANTED, ApplicationStatus

PLAN_FIELDS = ("title", "summary", "own_share_amount", "third_party_amount", "requested_amount", "has_not_begun")
# The checks a commune must pass before it can submit; the others are for the review.
SUBMISSION_CHECKS = frozenset(
    {"eligible_categories", "complete", "plan_balanced", "own_share", "funding_rate", "within_envelope", "grant_range",
     "duration", "deadline"}
)  # fmt: skip
LIVE_STATUSES = frozenset(set(ApplicationStatus) - {ApplicationStatus.WITHDRAWN, ApplicationStatus.REJECTED})


# Who in a commune hears about its grants: the people who apply for them and sign for them.
APPLICANT_ROLES = (Role.MUNICIPAL_APPLICANT, Role.MUNICIPAL_SIGNATORY)


def locked_application(application: Application, *, with_call: bool = False) -> Application:
    """The application, row-locked and read afresh; with its call when the act checks rules."""
    related = ("organisation", "call") if with_call else ("organisation",)
    return Application.objects.select_for_update(of=("self",)).select_related(*related).get(pk=application.pk)


def _notice(application: Application, *, subject: str, body: str) -> Notice:
    link = reverse("grants:application", kwargs={"public_id": application.public_id})
    return Notice(organisation=application.organisation, subject=subject, body=body, link=link)


def tell_communes(notices: list[Notice], *, actor: Any) -> None:
    """Inbox and mail for the applicants and signatories of each commune."""
    notify_organisations(notices=notices, roles=APPLICANT_ROLES, actor=actor)


def _tell_commune(application: Application, *, actor: Any, subject: str, body: str) -> None:
    tell_communes([_notice(application, subject=subject, body=body)], actor=actor)


def _label(status: str) -> str:
    return str(ApplicationStatus(status).label)


def _move_many(applications: list[Application], target: str, *, actor: Any, note: Callable[[Application], str]) -> None:
    """`_move` for a bulk action: one status update, one batch of history rows, an audit event each."""
    move_many(
        applications, target, transitions=ALLOWED_TRANSITIONS, actor=actor, labels=_label, note=note,
        record_history=lambda moved: ApplicationStatusChange.objects.bulk_create(
            [ApplicationStatusChange(application=a, from_status=old, to_status=a.status, actor=actor, note=note(a))
             for a, old in moved],
            batch_size=500,
        ),
    )  # fmt: skip


def _move(application: Application, target: str, *, actor: Any, note: str = "", extra: tuple[str, ...] = ()) -> None:
    move_to(
        application,
        target,
        transitions=ALLOWED_TRANSITIONS,
        actor=actor,
        labels=_label,
        record_history=lambda old, new: ApplicationStatusChange.objects.create(
            application=application, from_status=old, to_status=new, actor=actor, note=note
        ),
        note=note,
        extra_fields=extra,
    )


@transaction.atomic
def start_application(
    *, call: Call, organisation: Organisation, actor: Any, title: str, today: date | None = None
) -> Application:
    """Open a draft application of a commune in a published call (one per commune in a formula call)."""
    require(policies.can_draft_application(actor, organisation))
    today = today or timezone.localdate()
    call = Call.objects.select_for_update(of=("self",)).select_related("programme", "year").get(pk=call.pk)
    accepts = policies.call_accepts_applications(call, today)
    if not accepts:
        raise DomainError(accepts.reason)
    if organisation.kind not in call.eligible_kinds:
        raise DomainError(_("This kind of commune cannot apply in this call."))
    if call.shape == CallShape.FORMULA:
        if not Envelope.objects.filter(call=call, organisation=organisation).exists():
            raise DomainError(_("The commune has no envelope in this call."))
        if Application.objects.filter(call=call, organisation=organisation, status__in=LIVE_STATUSES).exists():
            raise DomainError(_("The commune already has an application in this call."))
    application = Application.objects.create(
        reference=next_reference(f"{call.programme.code}-{call.year.year}"),
        call=call,
        organisation=organisation,
        title=title.strip(),
        created_by=actor,
    )
    record_event(
        actor=actor, action="grants.application.created", obj=application, after=snapshot(application, PLAN_FIELDS)
    )
    return application


def lock_for_editing(application: Application, actor: Any) -> Application:
    application = locked_application(application)
    require(policies.can_draft_application(actor, application.organisation))
    if application.status not in EDITABLE:
        raise DomainError(_("The application can no longer be changed."))
    return application


@transaction.atomic
def update_financing_plan(
    *,
    application: Application,
    actor: Any,
    title: str,
    summary: str,
    own_share_amount: Decimal,
    third_party_amount: Decimal,
    requested_amount: Decimal,
    has_not_begun: bool,
) -> Application:
    """Save the draft's title and its financing plan."""
    application = lock_for_editing(application, actor)
    for amount in (own_share_amount, third_party_amount, requested_amount):
        if amount < 0 or amount != amount.quantize(Decimal("0.01")):
            raise DomainError(_("Amounts are euros with at most two decimal places, zero or more."))
    before = snapshot(application, PLAN_FIELDS)
    application.title = title.strip()
    application.summary = summary
    application.own_share_amount = own_share_amount
    application.third_party_amount = third_party_amount
    application.requested_amount = requested_amount
    application.has_not_begun = has_not_begun
    application.save(update_fields=list(PLAN_FIELDS))
    record_event(
        actor=actor, action="grants.application.plan_saved", obj=application,
        before=before, after=snapshot(application, PLAN_FIELDS),
    )  # fmt: skip
    return application


@dataclass(frozen=True)
class MeasureInput:
    category: MeasureCategory
    title: str
    description: str
    planned_costs_amount: Decimal
    starts_on: date
    ends_on: date


@transaction.atomic
def add_measure(*, application: Application, actor: Any, measure: MeasureInput) -> Measure:
    """Add a measure to a draft."""
    application = lock_for_editing(application, actor)
    if measure.planned_costs_amount <= 0 or measure.planned_costs_amount != measure.planned_costs_amount.quantize(
        Decimal("0.01")
    ):
        raise DomainError(_("The planned costs must be more than zero, in euros and cents."))
    if measure.starts_on > measure.ends_on:
        raise DomainError(_("A measure must end after it starts."))
    created = Measure.objects.create(
        application=application,
        category=measure.category,
        title=measure.title.strip(),
        description=measure.description,
        planned_costs_amount=measure.planned_costs_amount,
        starts_on=measure.starts_on,
        ends_on=measure.ends_on,
    )
    record_event(
        actor=actor, action="grants.application.measure_added", obj=application,
        after={"measure": created.pk, "category": measure.category.code, "title": created.title,
               "planned_costs_amount": created.planned_costs_amount},
    )  # fmt: skip
    return created


@transaction.atomic
def remove_measure(*, measure: Measure, actor: Any) -> None:
    """Take a measure out of a draft."""
    application = lock_for_editing(measure.application, actor)
    record_event(
        actor=actor, action="grants.application.measure_removed", obj=application,
        before={"measure": measure.pk, "title": measure.title, "planned_costs_amount": measure.planned_costs_amount},
    )  # fmt: skip
    measure.delete()


def sniff_pdf(content: bytes) -> bool:
    """Whether the bytes are a PDF: the header at the start and the end-of-file marker near the end."""
    return content.startswith(b"%PDF-") and b"%%EOF" in content[-2048:]


@transaction.atomic
def add_attachment(*, application: Application, actor: Any, name: str, content: bytes) -> Attachment:
    """Attach a PDF to a draft; anything that is not a PDF by its content is refused, whatever its name."""
    application = lock_for_editing(application, actor)
    if not content:
        raise DomainError(_("The file is empty."))
    if len(content) > settings.ATTACHMENT_MAX_BYTES:
        raise DomainError(
            _("The file is larger than %(size)d MB.") % {"size": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)}
        )
    if not sniff_pdf(content):
        raise DomainError(_("Only PDF files can be attached; this file is not a PDF."))
    attachment = Attachment(
        application=application, original_name=name[:200], size=len(content),
        sha256=hashlib.sha256(content).hexdigest(), uploaded_by=actor,
    )  # fmt: skip
    attachment.file.save("attachment.pdf", ContentFile(content), save=False)
    attachment.save()
    record_event(
        actor=actor, action="grants.application.attachment_added", obj=application,
        after={"attachment": str(attachment.public_id), "name": attachment.original_name, "sha256": attachment.sha256},
    )  # fmt: skip
    return attachment


@transaction.atomic
def remove_attachment(*, attachment: Attachment, actor: Any) -> None:
    """Take an attachment out of a draft."""
    application = lock_for_editing(attachment.application, actor)
    record_event(
        actor=actor, action="grants.application.attachment_removed", obj=application,
        before={"attachment": str(attachment.public_id), "name": attachment.original_name, "sha256": attachment.sha256},
    )  # fmt: skip
    attachment.file.delete(save=False)
    attachment.delete()


def application_facts(
    application: Application, *, on: date | None = None, measures: list[Measure] | None = None
) -> ApplicationFacts:
    known = None if measures is None else {application.pk: measure_facts(measures)}
    return facts_of_many([application], on=on, measures=known)[application.pk]


def measure_facts(measures: Iterable[Measure]) -> tuple[MeasureFacts, ...]:
    """What the checks need of each measure (its category loaded with it)."""
    return tuple(
        MeasureFacts(m.category.code, m.title, m.planned_costs_amount, m.starts_on, m.ends_on) for m in measures
    )


def _measures_of(applications: list[Application]) -> dict[int, list[Measure]]:
    """The measures of the applications with their categories, by application, in the order they were added."""
    measures: dict[int, list[Measure]] = defaultdict(list)
    for measure in Measure.objects.filter(application__in=applications).select_related("category").order_by("pk"):
        measures[measure.application_id].append(measure)
    return measures


# Reads that every submission repeats, built once (each use only adds its filter).
_CALL_CATEGORIES = Call.categories.through.objects.order_by().values_list("call_id", "measurecategory__code")


def facts_of_many(
    applications: list[Application],
    *,
    on: date | None = None,
    measures: dict[int, tuple[MeasureFacts, ...]] | None = None,
    funded_elsewhere: bool = True,
    envelopes: dict[tuple[int, int], Decimal] | None = None,
) -> dict[int, ApplicationFacts]:
    """What the checks need to know, for any number of applications in four queries (calls loaded with them).

    `funded_elsewhere=False` leaves out the commune's other applications (the submission does not check
    "not funded twice"; the review does). `envelopes` by (call, commune), when the caller read them already.
    """
    if measures is None:
        measures = {owner: measure_facts(found) for owner, found in _measures_of(applications).items()}
    calls = {a.call_id: a.call for a in applications}
    organisations = {a.organisation_id for a in applications}
    formula = [pk for pk, call in calls.items() if call.shape == CallShape.FORMULA]
    if envelopes is None:
        found = Envelope.objects.filter(call_id__in=formula, organisation_id__in=organisations).order_by()
        envelopes = {(call, organisation): amount for call, organisation, amount in found.values_list(
            "call_id", "organisation_id", "amount")}  # fmt: skip
    categories: dict[int, set[str]] = defaultdict(set)
    for call_id, code in _CALL_CATEGORIES.filter(call_id__in=calls):
        categories[call_id].add(code)
    # The same measure must not be funded twice: the commune's measures in other live applications of the programme.
    elsewhere: dict[tuple[int, int], list[tuple[int, str, str]]] = defaultdict(list)
    if funded_elsewhere:
        for owner, organisation, programme, code, title in Measure.objects.filter(
            application__organisation_id__in=organisations,
            application__call__programme_id__in={call.programme_id for call in calls.values()},
            application__status__in=LIVE_STATUSES,
        ).order_by().values_list(
            "application_id", "application__organisation_id", "application__call__programme_id",
            "category__code", "title",
        ):  # fmt: skip
            elsewhere[(organisation, programme)].append((owner, code, title.strip().lower()))
    facts = {}
    for application in applications:
        call = application.call
        facts[application.pk] = ApplicationFacts(
            applicant_kind=application.organisation.kind,
            eligible_kinds=frozenset(call.eligible_kinds),
            eligible_categories=frozenset(categories[call.pk]),
            measures=measures.get(application.pk, ()),
            requested=application.requested_amount,
            own_share=application.own_share_amount,
            third_party=application.third_party_amount,
            envelope=envelopes.get((call.pk, application.organisation_id), Decimal(0))
            if call.shape == CallShape.FORMULA
            else None,
            financing_type=call.financing_type,
            funding_rate=call.funding_rate,
            min_own_share_rate=call.min_own_share_rate,
            min_grant=call.min_grant_amount,
            max_grant=call.max_grant_amount,
            max_duration_months=call.max_duration_months,
            deadline_on=call.deadline_on,
            submitted_on=on or (application.submitted_at.date() if application.submitted_at else timezone.localdate()),
            has_title=bool(application.title.strip()),
            has_not_begun=application.has_not_begun,
            funded_elsewhere=frozenset(
                (code, title)
                for owner, code, title in elsewhere[(application.organisation_id, call.programme_id)]
                if owner != application.pk
            ),
        )
    return facts


def run_checks(
    application: Application, *, on: date | None = None, measures: list[Measure] | None = None
) -> list[CheckResult]:
    return check_application(application_facts(application, on=on, measures=measures))


def preview_checks(
    application: Application, *, requested: Decimal, own_share: Decimal, third_party: Decimal, has_not_begun: bool
) -> list[CheckResult]:
    """The checks as they would stand with a plan the commune is still typing (nothing is saved)."""
    facts = dataclasses.replace(
        application_facts(application),
        requested=requested,
        own_share=own_share,
        third_party=third_party,
        has_not_begun=has_not_begun,
    )
    return check_application(facts)


# What a submitted version keeps of each measure (its name there: where it is read from).
FROZEN_MEASURE = {
    "category": "category__code", "title": "title", "description": "description",
    "planned_costs_amount": "planned_costs_amount", "starts_on": "starts_on", "ends_on": "ends_on",
}  # fmt: skip


_FROZEN_MEASURES = Measure.objects.order_by("pk").values_list(*FROZEN_MEASURE.values())
_FROZEN_ATTACHMENTS = Attachment.objects.order_by("uploaded_at", "pk").values_list("original_name", "sha256", "size")


def _frozen_measures(application: Application) -> list[dict[str, Any]]:
    """The application's measures as its version keeps them, in the order they were added."""
    rows = _FROZEN_MEASURES.filter(application_id=application.pk)
    return [dict(zip(FROZEN_MEASURE, row, strict=True)) for row in rows]


def _content(application: Application, frozen: list[dict[str, Any]]) -> tuple[dict[str, Any], str]:
    """The frozen content of a submitted version, and its SHA-256 (of the content as sorted JSON)."""
    attachments = [
        {"name": name, "sha256": sha256, "size": size}
        for name, sha256, size in _FROZEN_ATTACHMENTS.filter(application_id=application.pk)
    ]
    content = {**snapshot(application, ("reference", *PLAN_FIELDS)), "measures": frozen, "attachments": attachments,
               "organisation": application.organisation.key, "call": str(application.call.public_id)}  # fmt: skip
    text = json.dumps(content, cls=DjangoJSONEncoder, sort_keys=True, ensure_ascii=False)
    return json.loads(text), hashlib.sha256(text.encode()).hexdigest()


# The submission's read of the application with its lock: of the commune and the call only what the checks
# and the frozen version need, and the commune's envelope with it (one read fewer). Built once: a
# submission then only adds its key (the test of the submission counts its statements).
_SUBMITTING = (
    Application.objects.select_for_update(of=("self",))
    .select_related("organisation", "call")
    .only(
        *(field.name for field in Application._meta.concrete_fields),
        "organisation__kind", "organisation__key", "call__public_id", "call__programme", "call__shape",
        "call__eligible_kinds", "call__financing_type", "call__funding_rate", "call__min_own_share_rate",
        "call__min_grant_amount", "call__max_grant_amount", "call__max_duration_months", "call__deadline_on",
    )
    .annotate(envelope_amount=Subquery(
        Envelope.objects.filter(call=OuterRef("call"), organisation=OuterRef("organisation"))
        .order_by().values("amount")[:1]
    ))
)  # fmt: skip


@transaction.atomic
def submit_application(*, application: Application, actor: Any, today: date | None = None) -> ApplicationVersion:
    """Submit the application: it is frozen as a numbered version and goes to the review."""
    application = _SUBMITTING.get(pk=application.pk)
    require(policies.can_submit_application(actor, application))
    # `today` lets the demo and data migrations replay a past round; views never pass it.
    submitted_at = timezone.now() if today is None else clock.noon(today)
    today = today or timezone.localdate()
    frozen = _frozen_measures(application)
    measures = tuple(
        MeasureFacts(m["category"], m["title"], m["planned_costs_amount"], m["starts_on"], m["ends_on"]) for m in frozen
    )
    envelopes = {(application.call_id, application.organisation_id): application.envelope_amount or Decimal(0)}
    facts = facts_of_many(
        [application], on=today, measures={application.pk: measures}, funded_elsewhere=False, envelopes=envelopes
    )
    checks = check_application(facts[application.pk])
    failed = [r for r in checks if r.code in SUBMISSION_CHECKS and not r.passed]
    if failed:
        raise DomainError("; ".join(f"{r.label}: {r.reason}" for r in failed))
    content, digest = _content(application, frozen)
    application.version += 1
    application.submitted_at = submitted_at
    application.submitted_by = actor
    application.review_message = ""
    _move(application, ApplicationStatus.SUBMITTED, actor=actor,
          extra=("version", "submitted_at", "submitted_by", "review_message"))  # fmt: skip
    version = ApplicationVersion.objects.create(
        application=application, number=application.version, content=content, content_sha256=digest,
        submitted_by=actor, submitted_at=application.submitted_at,
    )  # fmt: skip
    # The receipt is rendered from this frozen version when it is first asked for (see `receipt_of`).
    return version


@transaction.atomic
def receipt_of(*, version: ApplicationVersion, actor: Any) -> Document:
    """The Eingangsbestätigung of a submitted version: issued once, on its first download, then kept as issued."""
    version = (
        ApplicationVersion.objects.select_for_update().select_related("application__organisation").get(pk=version.pk)
    )
    require(policies.can_view_application(actor, version.application))
    if version.receipt is None:
        version.receipt = issue_receipt(version=version, actor=actor)
        version.save(update_fields=["receipt"])
    return version.receipt


@transaction.atomic
def withdraw_application(*, application: Application, actor: Any) -> Application:
    """The commune withdraws its application before a decision."""
    application = locked_application(application)
    require(policies.can_submit_application(actor, application))
    _move(application, ApplicationStatus.WITHDRAWN, actor=actor)
    return application


@transaction.atomic
def request_changes(*, application: Application, actor: Any, message: str) -> Application:
    """The review returns the application to the commune with a message."""
    application = locked_application(application)
    require(policies.can_review(actor))
    if not message.strip():
        raise DomainError(_("Tell the commune what to change."))
    application.review_message = message.strip()
    _move(
        application, ApplicationStatus.CHANGES_REQUESTED, actor=actor, note=message.strip(), extra=("review_message",)
    )
    _tell_commune(
        application,
        actor=actor,
        subject=_("Application %(reference)s: changes requested") % {"reference": application.reference},
        body=message.strip(),
    )
    return application


@transaction.atomic
def add_review_note(*, application: Application, actor: Any, kind: str, text: str) -> ReviewNote:
    """Record a Prüfvermerk with the automatic checks as they stand now."""
    require(policies.can_review(actor))
    if not text.strip():
        raise DomainError(_("The review note is empty."))
    checks = [{"code": r.code, "passed": r.passed, "reason": r.reason} for r in run_checks(application)]
    note = ReviewNote.objects.create(application=application, kind=kind, text=text.strip(), checks=checks, author=actor)
    record_event(
        actor=actor, action="grants.application.review_noted", obj=application, after={"kind": kind, "note": note.pk}
    )
    return note


@transaction.atomic
def prepare_decision(
    *,
    application: Application,
    actor: Any,
    kind: DecisionKind,
    reason: str = "",
    approved_by_measure: dict[int, Decimal] | None = None,
    on: date | None = None,
) -> GrantDecision:
    """Prepare a decision (first pair of eyes). Partial approval reduces measures, with a reason."""
    application = locked_application(application, with_call=True)
    require(policies.can_review(actor))
    measures = list(application.measures.select_related("category"))
    if kind == DecisionKind.REJECTION:
        if not reason.strip():
            raise DomainError(_("A rejection needs a reason."))
        amounts = dict.fromkeys((m.pk for m in measures), Decimal(0))
        total = Decimal(0)
    elif kind == DecisionKind.APPROVAL:
        refused = _approval_refusal(application_facts(application, measures=measures))
        if refused:
            raise DomainError(refused)
        amounts = _split_request(application, measures)
        total = application.requested_amount
    else:
        if not reason.strip():
            raise DomainError(_("A partial approval needs a reason."))
        amounts = approved_by_measure or {}
        if set(amounts) != {m.pk for m in measures}:
            raise DomainError(_("Give an approved amount for every measure."))
        requested = _split_request(application, measures)
        if any(amounts[pk] < 0 or amounts[pk] > requested[pk] for pk in amounts):
            raise DomainError(_("An approved amount must lie between zero and what was requested for the measure."))
        total = sum(amounts.values(), Decimal(0))
        if total >= application.requested_amount:
            raise DomainError(_("A partial approval must grant less than was requested."))
    for measure in measures:
        measure.approved_amount = amounts[measure.pk]
        measure.save(update_fields=["approved_amount"])
    decision = GrantDecision.objects.create(
        application=application, kind=kind, approved_amount=total, reason=reason.strip(),
        prepared_by=actor, prepared_at=timezone.now() if on is None else clock.noon(on),
    )  # fmt: skip
    _move(application, ApplicationStatus.DECISION_PREPARED, actor=actor, note=str(DecisionKind(kind).label))
    return decision


def _approval_refusal(facts: ApplicationFacts) -> str | None:
    """An approval as requested needs every check passed."""
    failed = [r for r in check_application(facts) if not r.passed]
    if not failed:
        return None
    return _("Not every check is passed: %(checks)s") % {"checks": ", ".join(str(r.label) for r in failed)}


def _split_request(application: Application, measures: list[Measure]) -> dict[int, Decimal]:
    """The requested grant spread over the measures by their planned costs, to the cent."""
    if not measures:
        return {}
    return split_largest_remainder(application.requested_amount, {m.pk: m.planned_costs_amount for m in measures})


RELEASED_STATUS = {
    DecisionKind.AMENDMENT: ApplicationStatus.APPROVED,
    DecisionKind.APPROVAL: ApplicationStatus.APPROVED,
    DecisionKind.PARTIAL_APPROVAL: ApplicationStatus.PARTIALLY_APPROVED,
    DecisionKind.REJECTION: ApplicationStatus.REJECTED,
}
# Ablehnungs- and Änderungsbescheid; everything else is a Zuwendungsbescheid (ZB).
NUMBER_PREFIX = {DecisionKind.REJECTION: "AB", DecisionKind.AMENDMENT: "ÄB"}


@transaction.atomic
def release_decision(*, decision: GrantDecision, actor: Any, on: date | None = None) -> GrantDecision:
    """Release a prepared decision (second pair of eyes): it is numbered and becomes the Bescheid."""
    pending = _lock_decisions([decision.pk])
    require(policies.can_release_decision(actor, pending[0]))
    released, refused = _number_many(pending, actor=actor, on=on)
    if refused:
        raise DomainError(next(iter(refused.values())))
    _announce_many(released, actor=actor)
    decision = released[0]
    _keep_bescheide([(decision, render_pdf("decision", decision_data(decision)))], actor=actor)
    return decision


def _lock_decisions(pks: list[int]) -> list[GrantDecision]:
    """The decisions and their applications, row-locked, with all a release and its Bescheid read."""
    decisions = list(
        GrantDecision.objects.select_for_update(of=("self",)).select_related("prepared_by").filter(pk__in=pks)
    )
    applications = Application.objects.select_for_update(of=("self",)).select_related(
        "organisation", "call__programme", "call__year"
    ).prefetch_related(
        Prefetch("measures", queryset=Measure.objects.select_related("category").order_by("pk")),
        Prefetch("partners", queryset=ApplicationPartner.objects.select_related("organisation")),
    ).in_bulk({d.application_id for d in decisions})  # fmt: skip
    for decision in decisions:
        decision.application = applications[decision.application_id]
    return sorted(decisions, key=lambda d: d.application.reference)


def _release_refusal(decision: GrantDecision, actor: Any) -> str | None:
    allowed = policies.can_release_decision(actor, decision)
    if not allowed:
        return str(allowed.reason)
    if decision.released_at is not None or decision.is_withdrawn:
        return _("This decision is no longer pending.")
    target = RELEASED_STATUS[DecisionKind(decision.kind)]
    return refusal(ALLOWED_TRANSITIONS, decision.application.status, target, _label)


def _number_many(
    decisions: list[GrantDecision], *, actor: Any, on: date | None
) -> tuple[list[GrantDecision], dict[str, str]]:
    """The first part of a release, for locked decisions, all at once: refusals are found before anything
    is written, then the released decisions get their numbers (reserved), releaser and date — all their
    Bescheid needs. They are written with the rest of the release in `_announce_many`."""
    refused: dict[str, str] = {}
    released = []
    for decision in decisions:
        reason = _release_refusal(decision, actor)
        if reason:
            refused[decision.application.reference] = reason
        else:
            released.append(decision)
    # `on` lets the demo replay a past round; views never pass it.
    released_at = timezone.now() if on is None else clock.noon(on)
    by_prefix: dict[str, list[GrantDecision]] = defaultdict(list)
    for decision in released:
        prefix = NUMBER_PREFIX.get(DecisionKind(decision.kind), "ZB")
        by_prefix[f"{prefix}-{decision.application.call.year.year}"].append(decision)
    for prefix, group in by_prefix.items():
        for decision, number in zip(group, next_references(prefix, len(group)), strict=True):
            decision.number, decision.released_by, decision.released_at = number, actor, released_at
    return released, refused


def _announce_many(released: list[GrantDecision], *, actor: Any) -> None:
    """The rest of a release of numbered decisions: the decisions, status and history, amounts of amendments, the
    communes' messages."""
    update_each(released, ["number", "released_by", "released_at"])
    numbers = {d.application_id: str(d.number) for d in released}  # the status history names the Bescheid
    by_target: dict[str, list[Application]] = defaultdict(list)
    for decision in released:
        by_target[RELEASED_STATUS[DecisionKind(decision.kind)]].append(decision.application)
    for target, applications in by_target.items():
        _move_many(applications, target, actor=actor, note=lambda a: numbers[a.pk])
    for decision in released:
        if decision.kind == DecisionKind.AMENDMENT:
            _apply_amendment(decision)
    tell_communes(
        [
            _notice(
                d.application,
                subject=_("Your grant decision %(number)s has been issued") % {"number": d.number},
                body=_(
                    "The decision on application %(reference)s “%(title)s” is released; its document can be downloaded."
                )
                % {"reference": d.application.reference, "title": d.application.title},
            )
            for d in released
        ],
        actor=actor,
    )


def _apply_amendment(decision: GrantDecision) -> None:
    """An Änderungsbescheid spreads the new grant over the measures and closes the request."""
    application = decision.application
    measures = list(application.measures.all())
    shares = split_largest_remainder(decision.approved_amount, {m.pk: m.planned_costs_amount for m in measures})
    for measure in measures:
        measure.approved_amount = shares[measure.pk]
    Measure.objects.bulk_update(measures, ["approved_amount"])
    application.amendments.filter(outcome="").update(outcome=decision.number)


# Stored Bescheide are linked to their decisions, and the audit events so far appended, this many at a time.
KEEP_CHUNK = 50


def _keep_bescheide(rendered: Iterable[tuple[GrantDecision, bytes]], *, actor: Any) -> None:
    """Store the rendered Bescheide and link each to its decision.

    A chunk at a time while the next ones render, so that little is left to write after the last one.
    Nothing of the release can be refused any more, so the batch's audit events can go in early.
    """
    chunk: list[GrantDecision] = []
    for decision, content in rendered:
        decision.document = store_decision(decision=decision, content=content, actor=actor)
        chunk.append(decision)
        if len(chunk) == KEEP_CHUNK:
            update_each(chunk, ["document"])
            audit.append_batch()
            chunk = []
    update_each(chunk, ["document"])


@transaction.atomic
def send_back_decision(*, decision: GrantDecision, actor: Any, reason: str) -> GrantDecision:
    """The second person does not release the prepared decision; the application returns to review."""
    decision = GrantDecision.objects.select_for_update().get(pk=decision.pk)
    require(policies.can_release_decision(actor, decision))
    if decision.released_at is not None or decision.is_withdrawn:
        raise DomainError(_("This decision is no longer pending."))
    decision.is_withdrawn = True
    decision.save(update_fields=["is_withdrawn"])
    application = locked_application(decision.application)
    if decision.kind == DecisionKind.AMENDMENT:
        _move(application, ApplicationStatus.AMENDMENT_REQUESTED, actor=actor, note=reason)
        return decision
    application.measures.update(approved_amount=None)
    _move(application, ApplicationStatus.SUBMITTED, actor=actor, note=reason)
    return decision


def current_grant(application: Application) -> Decimal | None:
    """The amount granted now: that of the latest released approval or amendment."""
    decision = (
        application.decisions.filter(released_at__isnull=False).exclude(kind=DecisionKind.REJECTION)
        .order_by("-released_at").first()
    )  # fmt: skip
    return decision.approved_amount if decision else None


@transaction.atomic
def request_amendment(
    *, application: Application, actor: Any, requested_amount: Decimal, reason: str
) -> AmendmentRequest:
    """The commune asks to change its grant after the Bescheid (Änderungsantrag)."""
    application = locked_application(application, with_call=True)
    require(policies.can_submit_application(actor, application))
    if application.status not in GRANTED:
        raise DomainError(_("Only a granted application can be amended."))
    if not reason.strip():
        raise DomainError(_("Give the reasons for the amendment."))
    if requested_amount < 0 or requested_amount != requested_amount.quantize(Decimal("0.01")):
        raise DomainError(_("Amounts are euros with at most two decimal places, zero or more."))
    facts = dataclasses.replace(application_facts(application), requested=requested_amount)
    failed = [
        r for r in check_application(facts)
        if r.code in {"within_envelope", "funding_rate", "grant_range"} and not r.passed
    ]  # fmt: skip
    if failed:
        raise DomainError("; ".join(f"{r.label}: {r.reason}" for r in failed))
    amendment = AmendmentRequest.objects.create(
        application=application, requested_amount=requested_amount, reason=reason.strip(), filed_by=actor,
        granted_status=application.status,
    )  # fmt: skip
    _move(application, ApplicationStatus.AMENDMENT_REQUESTED, actor=actor, note=reason.strip())
    return amendment


@transaction.atomic
def decide_amendment(*, application: Application, actor: Any, approve: bool, reason: str = "") -> GrantDecision | None:
    """The review prepares an Änderungsbescheid (released by a second person) or refuses the request."""
    application = locked_application(application)
    require(policies.can_review(actor))
    amendment = application.amendments.filter(outcome="").order_by("-filed_at").first()
    if application.status != ApplicationStatus.AMENDMENT_REQUESTED or amendment is None:
        raise DomainError(_("There is no open amendment request."))
    if not approve:
        if not reason.strip():
            raise DomainError(_("A refusal needs a reason."))
        amendment.outcome = reason.strip()
        amendment.save(update_fields=["outcome"])
        _move(application, amendment.granted_status, actor=actor, note=reason.strip())
        _tell_commune(
            application, actor=actor, body=reason.strip(),
            subject=_("Application %(reference)s: amendment refused") % {"reference": application.reference},
        )  # fmt: skip
        return None
    decision = GrantDecision.objects.create(
        application=application, kind=DecisionKind.AMENDMENT, approved_amount=amendment.requested_amount,
        reason=reason.strip() or amendment.reason, prepared_by=actor, prepared_at=timezone.now(),
    )  # fmt: skip
    _move(application, ApplicationStatus.DECISION_PREPARED, actor=actor, note=str(DecisionKind.AMENDMENT.label))
    return decision


@dataclass
class BulkResult:
    done: list[str]
    skipped: dict[str, str]


def prepare_approvals_in_bulk(*, applications: Iterable[Application], actor: Any, on: date | None = None) -> BulkResult:
    """Prepare approvals as requested for every application that passes all checks; name the others.

    The rules are those of `prepare_decision`, applied to the whole selection at once: the applications are
    locked and their facts read in a few queries, every refusal is found before anything is written, and
    the approvals are written together in one transaction (the audit events in one append).
    """
    result = BulkResult([], {})
    selected = [a.pk for a in applications]
    with transaction.atomic(), audit.batched():
        locked = list(
            Application.objects.select_for_update(of=("self",))
            .select_related("organisation", "call__programme", "call__year")
            .filter(pk__in=selected)
            .order_by("reference")
        )
        allowed = policies.can_review(actor)
        if not allowed:
            result.skipped = {a.reference: str(allowed.reason) for a in locked}
            return result
        measures = _measures_of(locked)
        facts = facts_of_many(locked, measures={pk: measure_facts(found) for pk, found in measures.items()})
        approvable = []
        for application in locked:
            refused = refusal(ALLOWED_TRANSITIONS, application.status, ApplicationStatus.DECISION_PREPARED, _label)
            refused = refused or _approval_refusal(facts[application.pk])
            if refused:
                result.skipped[application.reference] = refused
            else:
                approvable.append(application)
        prepared_at = timezone.now() if on is None else clock.noon(on)
        changed, decisions = [], []
        for application in approvable:
            amounts = _split_request(application, measures[application.pk])
            for measure in measures[application.pk]:
                measure.approved_amount = amounts[measure.pk]
                changed.append(measure)
            decisions.append(
                GrantDecision(
                    application=application,
                    kind=DecisionKind.APPROVAL,
                    approved_amount=application.requested_amount,
                    prepared_by=actor,
                    prepared_at=prepared_at,
                )
            )
        update_each(changed, ["approved_amount"])
        GrantDecision.objects.bulk_create(decisions, batch_size=500)
        approval = str(DecisionKind.APPROVAL.label)
        _move_many(approvable, ApplicationStatus.DECISION_PREPARED, actor=actor, note=lambda a: approval)
        result.done = [a.reference for a in approvable]
    return result


def release_decisions_in_bulk(*, decisions: Iterable[GrantDecision], actor: Any, on: date | None = None) -> BulkResult:
    """Release every pending decision the actor did not prepare; name the others.

    All at once, as in `prepare_approvals_in_bulk`. The Bescheide are rendered on a second thread as soon
    as the decisions are numbered, while the main one writes the status, history and messages and then
    stores each finished Bescheid (typst lets go of the interpreter while it renders); all are stored
    before the transaction commits, so no decision is released without its document.
    """
    selected = [d.pk for d in decisions]
    renderer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bescheid")
    with renderer, transaction.atomic(), audit.batched():
        released, refused = _number_many(_lock_decisions(selected), actor=actor, on=on)
        rendering = [(d, renderer.submit(render_pdf, "decision", decision_data(d))) for d in released]
        _announce_many(released, actor=actor)
        # Each Bescheid is stored as soon as it is rendered, while the next ones render.
        _keep_bescheide(((decision, content.result()) for decision, content in rendering), actor=actor)
    return BulkResult([d.application.reference for d in released], refused)


def is_decided(application: Application) -> bool:
    return application.status in DECIDED
