from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import IntegrityError, connection, transaction

from kommunalportal.core.audit import verify_chain
from kommunalportal.core.errors import DomainError, PermissionDenied
from kommunalportal.core.models import AuditEvent
from kommunalportal.core.workflow import TransitionNotAllowed, diagram
from kommunalportal.grants import applications as svc
from kommunalportal.grants.management.commands.state_diagrams import DIAGRAMS
from kommunalportal.grants.models import ApplicationStatusChange, DecisionKind, GrantDecision
from kommunalportal.grants.workflow import ALLOWED_TRANSITIONS, ApplicationStatus
from kommunalportal.organisations.models import Organisation

from .conftest import IN_TIME, draft

pytestmark = pytest.mark.django_db
S = ApplicationStatus


def test_a_draft_gets_a_reference_from_the_programme_and_year(call, bruchkoebel, municipal_applicant):
    first = draft(call, bruchkoebel, municipal_applicant)
    assert first.reference == "SHH-2020-0001"
    assert first.status == S.DRAFT


def test_only_the_communes_own_people_draft_its_application(
    call, bruchkoebel, other_commune_applicant, clerk, reviewer
):
    for actor in (other_commune_applicant, clerk, reviewer):
        with pytest.raises(PermissionDenied):
            svc.start_application(call=call, organisation=bruchkoebel, actor=actor, title="x", today=IN_TIME)


def test_one_live_application_per_commune_in_a_formula_call(call, bruchkoebel, municipal_applicant):
    draft(call, bruchkoebel, municipal_applicant)
    with pytest.raises(DomainError, match="bereits"):
        svc.start_application(call=call, organisation=bruchkoebel, actor=municipal_applicant, title="x", today=IN_TIME)


def test_applications_are_accepted_only_within_the_period(call, bruchkoebel, municipal_applicant):
    with pytest.raises(DomainError, match=r"31\.08\.2020"):
        svc.start_application(
            call=call, organisation=bruchkoebel, actor=municipal_applicant, title="x", today=date(2020, 9, 1)
        )


def test_the_applicant_prepares_and_only_the_signatory_submits(
    call, bruchkoebel, municipal_applicant, municipal_signatory
):
    application = draft(call, bruchkoebel, municipal_applicant)
    with pytest.raises(PermissionDenied):
        svc.submit_application(application=application, actor=municipal_applicant, today=IN_TIME)
    version = svc.submit_application(application=application, actor=municipal_signatory, today=IN_TIME)
    application.refresh_from_db()
    assert application.status == S.SUBMITTED and application.version == 1
    assert version.content["measures"][0]["title"] == "E-Akte einführen"
    assert len(version.content_sha256) == 64
    changes = ApplicationStatusChange.objects.filter(application=application)
    history = list(changes.values_list("from_status", "to_status"))
    assert history == [(S.DRAFT, S.SUBMITTED)]
    assert AuditEvent.objects.filter(action="grants.application.submitted", object_id=str(application.pk)).exists()


def test_the_submission_freezes_every_measure_in_a_fixed_number_of_statements(
    call, bruchkoebel, municipal_applicant, municipal_signatory, django_assert_num_queries
):
    application = draft(call, bruchkoebel, municipal_applicant)
    # Savepoint, 4 reads, the audit chain's head (on PostgreSQL after its lock), 5 writes, release.
    with django_assert_num_queries(13 if connection.vendor == "postgresql" else 12):
        version = svc.submit_application(application=application, actor=municipal_signatory, today=IN_TIME)
    assert version.content["measures"] == [
        {"category": "e-file", "title": "E-Akte einführen", "description": "", "planned_costs_amount": "20000.00",
         "starts_on": "2020-10-01", "ends_on": "2021-09-30"},
    ]  # fmt: skip
    assert version.content["organisation"] == "06435006" and version.content["call"] == str(call.public_id)
    assert version.content["requested_amount"] == "15000.00" and version.content["attachments"] == []


@pytest.mark.parametrize(
    ("costs", "requested", "own", "check"),
    [
        ("20000.00", "15000.00", "4000.00", "Finanzierungsplan"),  # does not add up
        ("20000.00", "15500.00", "4500.00", "Eigenanteil"),  # own share below 25 %
        ("400000.00", "300000.00", "100000.00", "Kontingent"),  # beyond the envelope of 29.074,72 €
    ],
)
def test_a_plan_that_fails_a_check_cannot_be_submitted(
    call, bruchkoebel, municipal_applicant, municipal_signatory, costs, requested, own, check
):
    application = draft(call, bruchkoebel, municipal_applicant, costs=costs, requested=requested, own=own)
    with pytest.raises(DomainError, match=check):
        svc.submit_application(application=application, actor=municipal_signatory, today=IN_TIME)
    application.refresh_from_db()
    assert application.status == S.DRAFT and application.version == 0


def test_the_checks_name_each_result_with_a_reason(call, bruchkoebel, municipal_applicant):
    application = draft(call, bruchkoebel, municipal_applicant, requested="17000.00", own="3000.00")
    results = {r.code: r for r in svc.run_checks(application, on=IN_TIME)}
    assert results["own_share"].passed is False and "5.000,00 €" in results["own_share"].reason
    assert results["eligible_applicant"].passed and results["within_envelope"].passed
    assert results["funding_rate"].passed is False


def test_a_submitted_application_is_frozen(submitted, municipal_applicant):
    with pytest.raises(DomainError):
        svc.update_financing_plan(
            application=submitted, actor=municipal_applicant, title="neu", summary="",
            own_share_amount=Decimal(1), third_party_amount=Decimal(0), requested_amount=Decimal(1), has_not_begun=True,
        )  # fmt: skip


def test_changes_requested_return_it_to_the_commune_and_it_comes_back(submitted, reviewer, municipal_signatory):
    svc.request_changes(application=submitted, actor=reviewer, message="Bitte Zeitplan ergänzen.")
    submitted.refresh_from_db()
    assert submitted.status == S.CHANGES_REQUESTED and submitted.review_message == "Bitte Zeitplan ergänzen."
    svc.submit_application(application=submitted, actor=municipal_signatory, today=IN_TIME)
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED and submitted.version == 2


def test_four_eyes_the_preparer_cannot_release(submitted, reviewer, payment_officer, programme_manager):
    decision = svc.prepare_decision(application=submitted, actor=reviewer, kind=DecisionKind.APPROVAL)
    with pytest.raises(PermissionDenied, match=r"(?i)vier.augen"):
        svc.release_decision(decision=decision, actor=reviewer)
    with pytest.raises(PermissionDenied):
        svc.release_decision(decision=decision, actor=payment_officer)
    released = svc.release_decision(decision=decision, actor=programme_manager)
    assert released.number == "ZB-2020-0001"
    submitted.refresh_from_db()
    assert submitted.status == S.APPROVED
    assert submitted.measures.get().approved_amount == Decimal("15000.00")


def test_the_database_also_refuses_a_self_released_decision(submitted, reviewer):
    decision = svc.prepare_decision(application=submitted, actor=reviewer, kind=DecisionKind.APPROVAL)
    decision.released_by = reviewer
    with pytest.raises(IntegrityError), transaction.atomic():
        decision.save()


def test_a_partial_approval_reduces_measures_with_a_reason(submitted, reviewer, programme_manager):
    measure = submitted.measures.get()
    with pytest.raises(DomainError):
        svc.prepare_decision(application=submitted, actor=reviewer, kind=DecisionKind.PARTIAL_APPROVAL)
    decision = svc.prepare_decision(
        application=submitted, actor=reviewer, kind=DecisionKind.PARTIAL_APPROVAL, reason="Hardware nicht förderfähig",
        approved_by_measure={measure.pk: Decimal("10000.00")},
    )  # fmt: skip
    assert decision.approved_amount == Decimal("10000.00")
    svc.release_decision(decision=decision, actor=programme_manager)
    submitted.refresh_from_db()
    assert submitted.status == S.PARTIALLY_APPROVED


def test_a_rejection_needs_a_reason_and_gets_its_own_number(submitted, reviewer, programme_manager):
    with pytest.raises(DomainError):
        svc.prepare_decision(application=submitted, actor=reviewer, kind=DecisionKind.REJECTION)
    decision = svc.prepare_decision(
        application=submitted, actor=reviewer, kind=DecisionKind.REJECTION, reason="zu spät"
    )
    assert svc.release_decision(decision=decision, actor=programme_manager).number == "AB-2020-0001"


def test_a_prepared_decision_can_be_sent_back(submitted, reviewer, programme_manager):
    decision = svc.prepare_decision(application=submitted, actor=reviewer, kind=DecisionKind.APPROVAL)
    svc.send_back_decision(decision=decision, actor=programme_manager, reason="Betrag prüfen")
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED
    assert submitted.measures.get().approved_amount is None
    with pytest.raises(DomainError):
        svc.release_decision(decision=decision, actor=programme_manager)


def test_refused_transitions_name_both_states(submitted, municipal_signatory):
    svc.withdraw_application(application=submitted, actor=municipal_signatory)
    with pytest.raises(TransitionNotAllowed, match="Zurückgezogen"):
        svc.withdraw_application(application=submitted, actor=municipal_signatory)


@pytest.mark.parametrize("source", list(S))
@pytest.mark.parametrize("target", list(S))
def test_the_transition_table_is_the_only_way(source, target):
    from kommunalportal.core.workflow import can_move

    assert can_move(ALLOWED_TRANSITIONS, source, target) == (target in ALLOWED_TRANSITIONS.get(source, frozenset()))


def test_bulk_decisions_decide_many_and_name_the_rest(call, programme_manager, reviewer, registry, monkeypatch):
    from kommunalportal.accounts.roles import Role
    from kommunalportal.accounts.services import grant_membership
    from tests.factories import UserFactory

    signer = UserFactory(username="signer")
    communes = list(Organisation.objects.filter(key__in=["06435006", "06435024", "06412000"]))
    for commune in communes:
        grant_membership(user=signer, organisation=commune, role=Role.MUNICIPAL_SIGNATORY, actor="t")
    applications = []
    for commune in communes:
        application = draft(call, commune, signer, costs="10000.00", requested="7500.00", own="2500.00")
        svc.submit_application(application=application, actor=signer, today=IN_TIME)
        applications.append(application)
    result = svc.prepare_approvals_in_bulk(applications=applications, actor=reviewer)
    assert len(result.done) == 3 and not result.skipped
    decisions = GrantDecision.objects.filter(released_at__isnull=True)
    assert svc.release_decisions_in_bulk(decisions=decisions, actor=reviewer).skipped  # four eyes, all refused
    monkeypatch.setattr(svc, "KEEP_CHUNK", 2)  # the Bescheide are kept two at a time, and then the last one
    released = svc.release_decisions_in_bulk(decisions=decisions, actor=programme_manager)
    assert len(released.done) == 3
    assert sorted(GrantDecision.objects.values_list("number", flat=True)) == [
        "ZB-2020-0001", "ZB-2020-0002", "ZB-2020-0003",
    ]  # fmt: skip
    kept = GrantDecision.objects.select_related("document")
    assert all(d.document and d.document.sha256 for d in kept) and len({d.document_id for d in kept}) == 3
    assert {m.approved_amount for a in applications for m in a.measures.all()} == {Decimal("7500.00")}
    assert AuditEvent.objects.filter(action="documents.document.issued").count() == 3
    assert verify_chain().is_intact


def _three_submitted(call):
    from kommunalportal.accounts.roles import Role
    from kommunalportal.accounts.services import grant_membership
    from tests.factories import UserFactory

    signer = UserFactory(username="signer")
    applications = []
    for commune in Organisation.objects.filter(key__in=["06435006", "06435024", "06412000"]).order_by("key"):
        grant_membership(user=signer, organisation=commune, role=Role.MUNICIPAL_SIGNATORY, actor="t")
        application = draft(call, commune, signer, costs="10000.00", requested="7500.00", own="2500.00")
        svc.submit_application(application=application, actor=signer, today=IN_TIME)
        applications.append(application)
    return applications


def test_bulk_preparation_refuses_what_a_single_one_would_and_writes_the_same(call, reviewer, registry):
    first, second, third = _three_submitted(call)
    svc.prepare_decision(application=first, actor=reviewer, kind=DecisionKind.APPROVAL)  # prepared singly
    type(third).objects.filter(pk=third.pk).update(has_not_begun=False)  # now fails the check "complete"
    result = svc.prepare_approvals_in_bulk(applications=[first, second, third], actor=reviewer)
    assert result.done == [second.reference]
    assert "nicht möglich" in result.skipped[first.reference]  # the state table refuses a second preparation
    assert "Vollständig" in result.skipped[third.reference]
    single, bulk = (GrantDecision.objects.get(application=a) for a in (first, second))
    assert (single.kind, single.approved_amount, single.prepared_by) == (bulk.kind, bulk.approved_amount, reviewer)
    assert second.measures.get().approved_amount == first.measures.get().approved_amount == Decimal("7500.00")
    for application in (first, second):
        change = ApplicationStatusChange.objects.filter(application=application).latest("pk")
        assert (change.from_status, change.to_status, change.actor) == (S.SUBMITTED, S.DECISION_PREPARED, reviewer)
        event = AuditEvent.objects.filter(object_id=str(application.pk), action__endswith="decision_prepared").get()
        assert event.before == {"status": "submitted"}
    third.refresh_from_db()
    assert third.status == S.SUBMITTED and not third.decisions.exists()


def test_only_reviewers_prepare_in_bulk(call, reviewer, payment_officer, registry):
    applications = _three_submitted(call)
    result = svc.prepare_approvals_in_bulk(applications=applications, actor=payment_officer)
    assert not result.done and len(result.skipped) == 3
    assert not GrantDecision.objects.exists()


def test_a_refused_release_takes_no_number_and_every_released_one_gets_its_bescheid(call, reviewer, registry):
    from conftest import LAND, _person
    from kommunalportal.accounts.roles import Role
    from kommunalportal.notifications.models import Message

    second_reviewer = _person("second_reviewer", Role.REVIEWER, LAND, device=True)
    first, second, third = _three_submitted(call)
    svc.prepare_decision(application=first, actor=second_reviewer, kind=DecisionKind.APPROVAL)
    svc.prepare_approvals_in_bulk(applications=[second, third], actor=reviewer)
    pending = GrantDecision.objects.filter(released_at__isnull=True)
    result = svc.release_decisions_in_bulk(decisions=pending, actor=second_reviewer)
    assert result.done == [second.reference, third.reference]
    assert "Vier-Augen" in result.skipped[first.reference]
    released = GrantDecision.objects.filter(released_at__isnull=False).order_by("number")
    assert [d.number for d in released] == ["ZB-2020-0001", "ZB-2020-0002"]  # gap-free, in reference order
    assert all(d.document and d.document.sha256 for d in released)
    assert Message.objects.filter(subject__contains="ZB-2020-0001").count() == 1
    assert GrantDecision.objects.get(application=first).number is None


@pytest.mark.parametrize("name", sorted(DIAGRAMS))
def test_the_state_diagrams_in_the_docs_are_current(name):
    path = Path(settings.PROJECT_DIR) / "docs" / "state-diagrams" / name
    assert path.read_text(encoding="utf-8") == diagram(DIAGRAMS[name]), (
        "regenerate with: .venv/bin/python manage.py state_diagrams"
    )
