"""Proof of use and its review, recovery with hearing, four eyes and interest, the table of base rates."""

import importlib
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.utils import timezone

from kommunalportal.core.errors import DomainError, PermissionDenied
from kommunalportal.core.models import AuditEvent
from kommunalportal.documents.models import DocumentKind
from kommunalportal.grants import proofs
from kommunalportal.grants.interest import PUBLISHED_BASE_RATES, BaseRate
from kommunalportal.grants.models import (
    BaseRateEntry,
    ProofOfUse,
    ProofStatus,
    Recovery,
    RecoveryKind,
    RecoveryStatus,
)
from kommunalportal.grants.settlement import settle
from kommunalportal.notifications.models import Message
from tests.pdf import pdf_text

from .conftest import INTEREST_FROM, REPAID_ON, REPORT, start, submit

# Proof of use


def test_the_signatory_submits_the_proof_with_one_line_per_measure(paid, municipal_signatory):
    proof = submit(paid, municipal_signatory, actual="9000.00")
    assert proof.status == ProofStatus.SUBMITTED
    assert [(line.measure_id, line.actual_costs_amount) for line in proof.lines.all()] == [
        (paid.measures.get().pk, Decimal("9000.00"))
    ]
    assert (proof.own_share_amount, proof.third_party_amount, proof.report) == (Decimal("2500.00"), 0, REPORT)
    event = AuditEvent.objects.get(action="grants.proof.submitted", object_id=str(proof.pk))
    assert event.after["application"] == paid.reference


def test_only_the_communes_signatory_submits_the_proof(
    paid, municipal_applicant, other_commune_applicant, ronneburg_signatory, reviewer
):
    for person in (municipal_applicant, other_commune_applicant, ronneburg_signatory, reviewer):
        with pytest.raises(PermissionDenied):
            submit(paid, person)
    assert not ProofOfUse.objects.exists()


def test_a_proof_needs_a_granted_application(submitted, municipal_signatory):
    with pytest.raises(DomainError):
        submit(submitted, municipal_signatory)
    assert not ProofOfUse.objects.exists()


def test_one_live_proof_per_application_but_a_new_one_after_a_return(paid, municipal_signatory, reviewer):
    first = submit(paid, municipal_signatory)
    with pytest.raises(DomainError):
        submit(paid, municipal_signatory)
    proofs.return_proof(proof=first, actor=reviewer, note="Die Belegliste fehlt.")
    first.refresh_from_db()
    assert (first.status, first.review_note, first.reviewed_by) == (
        ProofStatus.RETURNED,
        "Die Belegliste fehlt.",
        reviewer,
    )
    assert Message.objects.filter(subject__contains=paid.reference, body="Die Belegliste fehlt.").exists()
    second = submit(paid, municipal_signatory)
    assert second.status == ProofStatus.SUBMITTED
    with pytest.raises(DomainError):
        submit(paid, municipal_signatory)


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"actual_costs": {}}, id="missing-measure-line"),
        pytest.param({"actual": "-1.00"}, id="negative-actual-costs"),
        pytest.param({"own_share": Decimal("-0.01")}, id="negative-own-share"),
        pytest.param({"third_party": Decimal("100.005")}, id="fraction-of-a-cent"),
        pytest.param({"report": "   "}, id="empty-report"),
    ],
)
def test_an_incomplete_or_wrong_proof_is_refused(paid, municipal_signatory, changes):
    with pytest.raises(DomainError) as refused:
        submit(paid, municipal_signatory, **changes)
    assert not isinstance(refused.value, PermissionDenied)
    assert not ProofOfUse.objects.exists()


def test_a_line_for_a_measure_of_another_application_is_refused(paid, municipal_signatory):
    own = paid.measures.get().pk
    with pytest.raises(DomainError):
        submit(paid, municipal_signatory, actual_costs={own: Decimal("9000.00"), own + 1000: Decimal("1.00")})
    assert not ProofOfUse.objects.exists()


def test_a_proof_that_justifies_all_that_was_paid_is_accepted(paid, municipal_signatory, reviewer):
    # 10,000.00 € × 75 % = 7,500.00 € = approved = paid.
    proof = proofs.review_proof(proof=submit(paid, municipal_signatory), actor=reviewer, note="Vollständig.")
    proof.refresh_from_db()
    assert proof.status == ProofStatus.ACCEPTED
    assert (proof.eligible_amount, proof.shortfall_amount) == (Decimal("7500.00"), Decimal("0.00"))
    assert (proof.reviewed_by, proof.review_note) == (reviewer, "Vollständig.")
    assert proof.settlement_reason.startswith("Anteilfinanzierung: 75 % der zuwendungsfähigen Ausgaben")
    assert AuditEvent.objects.filter(action="grants.proofofuse.accepted", object_id=str(proof.pk)).exists()
    assert Message.objects.filter(subject__contains=paid.reference, organisation=paid.organisation).exists()


def test_lower_actual_costs_leave_the_shortfall_that_settle_computes(shortfall):
    # Ronneburg, phase 1: 9,000.00 € × 75 % = 6,750.00 € justified; 7,500.00 € − 6,750.00 € = 750.00 € to repay.
    expected = settle(
        financing_type="proportional", approved=Decimal("7500.00"), paid=Decimal("7500.00"),
        actual_costs=Decimal("9000.00"), own_share=Decimal("2500.00"), third_party=Decimal("0.00"),
        funding_rate=Decimal("0.75"),
    )  # fmt: skip
    proof = ProofOfUse.objects.get(pk=shortfall.pk)
    assert proof.status == ProofStatus.SHORTFALL
    assert (proof.eligible_amount, proof.shortfall_amount) == (expected.eligible, expected.shortfall)
    assert (expected.eligible, expected.shortfall) == (Decimal("6750.00"), Decimal("750.00"))
    assert proof.settlement_reason == expected.reason
    event = AuditEvent.objects.get(action="grants.proof.settled", object_id=str(proof.pk))
    assert event.after["shortfall"] == "750.00"
    assert Message.objects.filter(body__contains="zu erstatten sind 750,00 €").exists()


def test_only_reviewers_review_and_a_reviewed_proof_stays_reviewed(
    paid, municipal_signatory, programme_manager, payment_officer, reviewer
):
    proof = submit(paid, municipal_signatory)
    for person in (municipal_signatory, programme_manager, payment_officer):
        with pytest.raises(PermissionDenied):
            proofs.review_proof(proof=proof, actor=person)
        with pytest.raises(PermissionDenied):
            proofs.return_proof(proof=proof, actor=person, note="x")
    proofs.review_proof(proof=proof, actor=reviewer)
    with pytest.raises(DomainError):
        proofs.review_proof(proof=proof, actor=reviewer)
    with pytest.raises(DomainError):
        proofs.return_proof(proof=proof, actor=reviewer, note="doch nicht")


def test_a_return_needs_a_note(paid, municipal_signatory, reviewer):
    proof = submit(paid, municipal_signatory)
    with pytest.raises(DomainError):
        proofs.return_proof(proof=proof, actor=reviewer, note="  ")
    proof.refresh_from_db()
    assert proof.status == ProofStatus.SUBMITTED


# Recovery: the hearing


def test_a_recovery_starts_with_a_hearing_letter(hearing, shortfall, reviewer):
    today = timezone.localdate()
    assert hearing.status == RecoveryStatus.HEARING
    assert hearing.reference == f"RF-{today.year}-0001"
    assert (hearing.prepared_by, hearing.proof) == (reviewer, shortfall)
    assert hearing.hearing_until == today + timedelta(days=14)
    assert hearing.hearing_document.kind == DocumentKind.RECOVERY_HEARING
    text = pdf_text(hearing.hearing_document)
    expected_phrases = [
        "Anhörung", "750,00 €", "7.500,00 €", "§ 28", "§ 49a Abs. 3", "15.10.2020",
        f"{hearing.hearing_until:%d.%m.%Y}", hearing.reference, hearing.application.organisation.name,
    ]  # fmt: skip
    for expected in expected_phrases:
        assert expected in text, expected
    assert AuditEvent.objects.filter(action="grants.recovery.started", object_id=str(hearing.pk)).exists()
    assert Message.objects.filter(
        subject__contains=hearing.reference, organisation=hearing.application.organisation
    ).exists()


def test_a_recovery_claims_no_more_than_was_paid_and_not_yet_claimed(shortfall, reviewer):
    application = shortfall.application
    with pytest.raises(DomainError):
        start(application, reviewer, principal=Decimal("7500.01"))
    start(application, reviewer, principal=Decimal("750.00"))
    with pytest.raises(DomainError):
        start(application, reviewer, principal=Decimal("6750.01"))  # 7,500.00 − 750.00 = 6,750.00 left
    assert start(application, reviewer, principal=Decimal("6750.00")).principal_amount == Decimal("6750.00")


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"principal": Decimal("0.00")}, id="nothing"),
        pytest.param({"principal": Decimal("10.001")}, id="fraction-of-a-cent"),
        pytest.param({"reason": " "}, id="no-reason"),
        pytest.param({"interest_from": date(2014, 6, 1)}, id="before-the-table-of-base-rates"),
        pytest.param({"hearing_days": 0}, id="no-time-to-answer"),
    ],
)
def test_a_recovery_needs_an_amount_a_reason_and_a_time_to_answer(shortfall, reviewer, changes):
    with pytest.raises(DomainError):
        start(shortfall.application, reviewer, **changes)
    assert not Recovery.objects.exists()


def test_only_reviewers_and_programme_managers_start_a_recovery(
    shortfall, payment_officer, municipal_signatory, programme_manager
):
    for person in (payment_officer, municipal_signatory):
        with pytest.raises(PermissionDenied):
            start(shortfall.application, person)
    assert start(shortfall.application, programme_manager).prepared_by == programme_manager


def test_the_communes_signatory_states_its_view_once(hearing, municipal_signatory, municipal_applicant):
    with pytest.raises(PermissionDenied):
        proofs.record_statement(recovery=hearing, actor=municipal_applicant, statement="Einspruch")
    proofs.record_statement(recovery=hearing, actor=municipal_signatory, statement="Ein Rabatt senkte die Kosten.")
    hearing.refresh_from_db()
    assert hearing.statement == "Ein Rabatt senkte die Kosten."
    with pytest.raises(DomainError):
        proofs.record_statement(recovery=hearing, actor=municipal_signatory, statement="Noch etwas.")
    assert AuditEvent.objects.filter(action="grants.recovery.statement_recorded", object_id=str(hearing.pk)).exists()


# Recovery: the decision


def test_whoever_started_a_recovery_cannot_issue_its_decision(hearing, reviewer):
    later = hearing.hearing_until + timedelta(days=1)
    with pytest.raises(PermissionDenied):
        proofs.issue_recovery(recovery=hearing, actor=reviewer, today=later)
    hearing.refresh_from_db()
    assert hearing.status == RecoveryStatus.HEARING and hearing.number is None


def test_the_decision_waits_until_the_commune_is_heard(hearing, programme_manager):
    with pytest.raises(DomainError):
        proofs.issue_recovery(recovery=hearing, actor=programme_manager, today=hearing.hearing_until)
    after = hearing.hearing_until + timedelta(days=1)
    issued = proofs.issue_recovery(recovery=hearing, actor=programme_manager, today=after)
    assert issued.status == RecoveryStatus.ISSUED
    assert issued.due_on == after + timedelta(days=30)
    assert "Sie haben sich nicht geäußert" in pdf_text(issued.document)


def test_a_second_person_issues_the_recovery_decision_with_the_interest_accrued(issued, programme_manager):
    # 750.00 € from 15.10.2020 to 15.04.2021: interest days 16.10.2020–15.04.2021
    #   = 16 + 30 + 31 (2020) + 31 + 28 + 31 + 15 (2021) = 182 days
    #   base −0.88 % + 5 = 4.12 % (the unchanged value of 01.01.2021 starts no new period)
    #   750 × 0.0412 × 182 / 365 = 5623.8 / 365 = 15.4076… → 15.41 €
    issued.refresh_from_db()
    assert (issued.status, issued.number, issued.issued_by) == (
        RecoveryStatus.ISSUED,
        "RB-2021-0001",
        programme_manager,
    )
    assert issued.due_on == date(2021, 5, 15)
    assert issued.document.kind == DocumentKind.RECOVERY_DECISION
    text = pdf_text(issued.document)
    expected_phrases = [
        "Rückforderungsbescheid", "RB-2021-0001", "§ 49a", "§ 49 Abs. 3", "Nr. 9 ANBest-GK", "750,00 €", "15,41 €",
        "182", "4,12 %", "15.10.2020", "15.05.2021", "Landeshauptkasse", "DE02 5005 0000 0001 0001 30", "Rabatt",
        "Rechtsbehelfsbelehrung", "Verwaltungsgericht", "innerhalb eines Monats",
    ]  # fmt: skip
    for expected in expected_phrases:
        assert expected in text, expected
    assert Message.objects.filter(subject__contains="RB-2021-0001").exists()


def test_a_recovery_can_be_dropped_after_the_hearing_and_frees_its_amount(hearing, reviewer, programme_manager):
    with pytest.raises(PermissionDenied):
        proofs.drop_recovery(recovery=hearing, actor=reviewer, reason="x")  # the preparer: four eyes
    with pytest.raises(DomainError):
        proofs.drop_recovery(recovery=hearing, actor=programme_manager, reason=" ")
    dropped = proofs.drop_recovery(recovery=hearing, actor=programme_manager, reason="Der Rabatt war zulässig.")
    assert dropped.status == RecoveryStatus.DROPPED
    assert Message.objects.filter(subject__contains=hearing.reference, body="Der Rabatt war zulässig.").exists()
    with pytest.raises(DomainError):
        proofs.issue_recovery(
            recovery=hearing, actor=programme_manager, today=hearing.hearing_until + timedelta(days=1)
        )
    assert start(hearing.application, reviewer, principal=Decimal("7500.00")).status == RecoveryStatus.HEARING


# Recovery: the repayment


def test_the_repayment_fixes_the_interest_from_the_table_of_base_rates(issued, payment_officer):
    # The worked example above: 750.00 € × 4.12 % × 182 / 365 = 15.4076… → 15.41 €.
    assert Decimal("750.00") * Decimal("0.0412") * 182 == Decimal("5623.8")
    repaid = proofs.record_repayment(recovery=issued, actor=payment_officer, repaid_on=REPAID_ON)
    repaid.refresh_from_db()
    assert (repaid.status, repaid.repaid_on, repaid.interest_amount) == (
        RecoveryStatus.REPAID,
        REPAID_ON,
        Decimal("15.41"),
    )
    event = AuditEvent.objects.get(action="grants.recovery.repayment_recorded", object_id=str(repaid.pk))
    assert event.before == {"status": "issued", "repaid_on": None, "interest_amount": None}
    assert (event.after["status"], event.after["repaid_on"], event.after["interest_amount"]) == (
        "repaid", "2021-04-15", "15.41",
    )  # fmt: skip
    assert event.after["periods"] == [{"start": "2020-10-15", "end": "2021-04-15", "days": 182, "rate": "0.041200"}]


def test_only_payment_officers_record_a_repayment_and_only_once(issued, payment_officer, reviewer, programme_manager):
    for person in (reviewer, programme_manager):
        with pytest.raises(PermissionDenied):
            proofs.record_repayment(recovery=issued, actor=person, repaid_on=REPAID_ON)
    with pytest.raises(DomainError):
        proofs.record_repayment(
            recovery=issued, actor=payment_officer, repaid_on=timezone.localdate() + timedelta(days=1)
        )
    proofs.record_repayment(recovery=issued, actor=payment_officer, repaid_on=REPAID_ON)
    with pytest.raises(DomainError):
        proofs.record_repayment(recovery=issued, actor=payment_officer, repaid_on=REPAID_ON)


# Zwischenzinsen: funds used late, interest only (§ 49a (4) VwVfG)

USED_ON = date(2021, 4, 15)


def interim(application, actor, **changes):
    values = {"kind": RecoveryKind.INTERIM_INTEREST, "principal": Decimal("7500.00"), "interest_until": USED_ON,
              "reason": "Die Mittel wurden erst sechs Monate nach der Auszahlung verwendet."}  # fmt: skip
    return start(application, actor, **{**values, **changes})


def test_zwischenzinsen_claim_the_interest_up_to_the_day_of_use_and_leave_the_grant(
    paid, reviewer, programme_manager, payment_officer, municipal_signatory
):
    recovery = interim(paid, reviewer)
    # 7,500.00 € from 15.10.2020 to 15.04.2021: 182 days at −0.88 + 5 = 4.12 %:
    #   7500 × 0.0412 × 182 / 365 = 56238 / 365 = 154.0767… → 154.08 €
    assert proofs.recovery_interest(recovery, until=timezone.localdate()).total == Decimal("154.08")
    hearing_text = pdf_text(recovery.hearing_document)
    assert "Zwischenzinsen" in hearing_text and "154,08 €" in hearing_text and "15.04.2021" in hearing_text
    assert "widerrufen" not in hearing_text
    # Nothing of the grant itself is to be repaid: the money page shows no amount to repay.
    from kommunalportal.grants.models import Application
    from kommunalportal.grants.selectors import money_of

    assert money_of(Application.objects.filter(pk=paid.pk))[0].to_repay == Decimal("0.00")
    proofs.record_statement(recovery=recovery, actor=municipal_signatory, statement="Lieferverzug des Herstellers.")
    recovery = proofs.issue_recovery(recovery=recovery, actor=programme_manager)
    decision_text = pdf_text(recovery.document)
    assert "Bescheid über Zwischenzinsen" in decision_text and "Zu zahlen: 154,08 €" in decision_text
    assert "§ 49a Abs. 4" in decision_text and "Zu erstatten" not in decision_text
    # The interest is fixed by the day of use, not by the day the interest is paid.
    recovery = proofs.record_repayment(recovery=recovery, actor=payment_officer, repaid_on=timezone.localdate())
    assert recovery.interest_amount == Decimal("154.08")


def test_zwischenzinsen_do_not_count_against_what_can_be_claimed_back(paid, reviewer):
    interim(paid, reviewer)
    # The whole 7,500.00 € was used late, and 750.00 € of it may still be claimed back after the proof of use.
    assert start(paid, reviewer).principal_amount == Decimal("750.00")
    with pytest.raises(DomainError):
        interim(paid, reviewer, principal=Decimal("7500.01"))  # never more than was paid


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"interest_until": None}, id="no-day-of-use"),
        pytest.param({"interest_until": INTEREST_FROM}, id="used-on-the-day-of-payment"),
        pytest.param({"interest_until": date(2020, 10, 1)}, id="used-before-the-payment"),
        pytest.param({"interest_until": date.today() + timedelta(days=2)}, id="used-in-the-future"),
        pytest.param({"kind": RecoveryKind.SHORTFALL}, id="day-of-use-for-another-kind"),
        pytest.param({"principal": Decimal("0.01"), "interest_until": INTEREST_FROM + timedelta(days=1)},
                     id="no-interest-arises"),
    ],
)  # fmt: skip
def test_wrong_zwischenzinsen_are_refused(paid, reviewer, changes):
    with pytest.raises(DomainError):
        interim(paid, reviewer, **changes)
    assert not Recovery.objects.exists()


def test_the_database_keeps_the_day_of_use_to_zwischenzinsen(paid, reviewer):
    from django.db import IntegrityError, transaction

    recovery = interim(paid, reviewer)
    for kind, until in ((RecoveryKind.INTERIM_INTEREST, None), (RecoveryKind.SHORTFALL, USED_ON)):
        with pytest.raises(IntegrityError), transaction.atomic():
            Recovery.objects.filter(pk=recovery.pk).update(kind=kind, interest_until=until)


def test_interest_across_a_change_of_the_base_rate_reads_the_table(db):
    # 750.00 € from 15.11.2022 to 15.02.2023:
    #   16.11.–31.12.2022: 46 days at −0.88 + 5 = 4.12 %;  01.01.–15.02.2023: 46 days at 1.62 + 5 = 6.62 %
    #   750 × (0.0412 + 0.0662) × 46 / 365 = 3705.3 / 365 = 10.1515… → 10.15 €
    recovery = Recovery(principal_amount=Decimal("750.00"), interest_from=date(2022, 11, 15))
    result = proofs.recovery_interest(recovery, until=date(2023, 2, 15))
    assert [(p.days, p.annual_rate) for p in result.periods] == [(46, Decimal("0.0412")), (46, Decimal("0.0662"))]
    assert result.total == Decimal("10.15")
    # The ministry's table decides: a different rate for 2023 gives different interest.
    BaseRateEntry.objects.filter(valid_from=date(2023, 1, 1)).update(rate=Decimal("-0.0088"))
    # 92 days at 4.12 %: 750 × 0.0412 × 92 / 365 = 2842.8 / 365 = 7.7884… → 7.79 €
    assert proofs.recovery_interest(recovery, until=date(2023, 2, 15)).total == Decimal("7.79")


def test_interest_is_not_computed_past_the_half_year_of_the_last_rate_in_the_table(db):
    # The seeded table ends with 1 July 2025: it says nothing about the rate from 1 January 2026 on.
    recovery = Recovery(principal_amount=Decimal("750.00"), interest_from=date(2025, 10, 1))
    assert proofs.recovery_interest(recovery, until=date(2025, 12, 31)).total > 0
    with pytest.raises(DomainError, match=r"01\.01\.2026"):
        proofs.recovery_interest(recovery, until=date(2026, 1, 1))
    BaseRateEntry.objects.create(valid_from=date(2026, 1, 1), rate=Decimal("0.0127"))
    # 01.10.2025–01.01.2026: 92 days at 1.27 + 5 = 6.27 %: 750 × 0.0627 × 92 / 365 = 4326.3 / 365 = 11.853 → 11.85 €
    assert proofs.recovery_interest(recovery, until=date(2026, 1, 1)).total == Decimal("11.85")


# The table of base rates


def test_the_table_starts_with_the_published_base_rates(db):
    assert proofs.base_rates() == list(PUBLISHED_BASE_RATES)


def test_the_seeding_migration_removes_only_its_own_rows(payment_officer):
    migration = importlib.import_module("kommunalportal.grants.migrations.0011_published_base_rates")
    entered = proofs.set_base_rate(actor=payment_officer, valid_from=date(2026, 1, 1), rate=Decimal("0.0127"))
    migration.remove_base_rates(apps, None)
    assert list(BaseRateEntry.objects.all()) == [entered]
    migration.add_base_rates(apps, None)
    assert proofs.base_rates() == [*PUBLISHED_BASE_RATES, BaseRate(date(2026, 1, 1), Decimal("0.0127"))]


def test_the_ministry_enters_the_next_base_rate(payment_officer, programme_manager):
    entry = proofs.set_base_rate(actor=payment_officer, valid_from=date(2026, 1, 1), rate=Decimal("0.0127"))
    assert entry.entered_by == payment_officer
    assert proofs.base_rates()[-1] == BaseRate(date(2026, 1, 1), Decimal("0.0127"))
    event = AuditEvent.objects.get(action="grants.base_rate.set", object_id=str(entry.pk))
    assert event.after == {"valid_from": "2026-01-01", "rate": "0.0127"}
    assert proofs.set_base_rate(actor=programme_manager, valid_from=date(2026, 7, 1), rate=Decimal("-0.0088"))


@pytest.mark.parametrize(
    ("valid_from", "rate"),
    [
        pytest.param(date(2026, 2, 1), "0.0127", id="not-a-half-year-date"),
        pytest.param(date(2026, 1, 2), "0.0127", id="not-the-first-of-the-month"),
        pytest.param(date(2026, 1, 1), "0.2001", id="too-high"),
        pytest.param(date(2026, 1, 1), "-0.1001", id="too-low"),
        pytest.param(date(2026, 1, 1), "0.0000001", id="too-many-places"),
        pytest.param(date(2025, 7, 1), "0.0127", id="date-already-in-the-table"),
    ],
)
def test_a_wrong_base_rate_is_refused(payment_officer, valid_from, rate):
    before = proofs.base_rates()
    with pytest.raises(DomainError) as refused:
        proofs.set_base_rate(actor=payment_officer, valid_from=valid_from, rate=Decimal(rate))
    assert not isinstance(refused.value, PermissionDenied)
    assert proofs.base_rates() == before


def test_only_payment_officers_and_programme_managers_keep_the_table(reviewer, municipal_signatory):
    for person in (reviewer, municipal_signatory):
        with pytest.raises(PermissionDenied):
            proofs.set_base_rate(actor=person, valid_from=date(2026, 1, 1), rate=Decimal("0.0127"))
    assert not BaseRateEntry.objects.filter(valid_from=date(2026, 1, 1)).exists()


# Another commune


def test_another_commune_can_do_none_of_it(
    paid, municipal_signatory, reviewer, programme_manager, other_commune_applicant, ronneburg_signatory
):
    proof = submit(paid, municipal_signatory, actual="9000.00")
    strangers = (other_commune_applicant, ronneburg_signatory)
    for person in strangers:
        with pytest.raises(PermissionDenied):
            submit(paid, person)
        with pytest.raises(PermissionDenied):
            proofs.review_proof(proof=proof, actor=person)
        with pytest.raises(PermissionDenied):
            proofs.return_proof(proof=proof, actor=person, note="x")
    proofs.review_proof(proof=proof, actor=reviewer)
    for person in strangers:
        with pytest.raises(PermissionDenied):
            start(paid, person, proof=proof)
    hearing = start(paid, reviewer, proof=proof)
    after_the_hearing = hearing.hearing_until + timedelta(days=1)
    for person in strangers:
        with pytest.raises(PermissionDenied):
            proofs.record_statement(recovery=hearing, actor=person, statement="Nicht unsere Sache.")
        with pytest.raises(PermissionDenied):
            proofs.issue_recovery(recovery=hearing, actor=person, today=after_the_hearing)
        with pytest.raises(PermissionDenied):
            proofs.drop_recovery(recovery=hearing, actor=person, reason="x")
        with pytest.raises(PermissionDenied):
            proofs.set_base_rate(actor=person, valid_from=date(2026, 1, 1), rate=Decimal("0.0127"))
    issued = proofs.issue_recovery(recovery=hearing, actor=programme_manager, today=after_the_hearing)
    for person in strangers:
        with pytest.raises(PermissionDenied):
            proofs.record_repayment(recovery=issued, actor=person, repaid_on=timezone.localdate())
    hearing.refresh_from_db()
    assert (hearing.status, hearing.statement) == (RecoveryStatus.ISSUED, "")
