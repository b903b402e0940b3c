"""Bank account with four eyes, drawdowns within the grant (pro rata), payment runs with their SEPA file."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import xmlschema
from django.utils import timezone

from conftest import _person
from kommunalportal.accounts.roles import Role
from kommunalportal.core.errors import DomainError, PermissionDenied
from kommunalportal.core.models import AuditEvent
from kommunalportal.core.workflow import TransitionNotAllowed
from kommunalportal.grants import payments
from kommunalportal.grants.models import (
    Drawdown,
    DrawdownStatus,
    PayeeAccount,
    PaymentItem,
    PaymentOutcome,
    PaymentRunStatus,
)
from kommunalportal.grants.sepa import parse_transfers
from kommunalportal.notifications.models import Message

from .conftest import IBAN, request

OTHER_IBAN = "DE86500500000009876543"


# Bank account


def test_a_new_account_takes_effect_only_when_a_second_person_confirms_it(grant, municipal_signatory, payment_officer):
    proposed = payments.propose_payee_account(
        organisation=grant.organisation, actor=municipal_signatory, holder="Stadt Bruchköbel", iban=IBAN, bic=""
    )
    assert proposed.bic == "HELADEFFXXX"  # derived from the IBAN
    assert payments.payee_account_of(grant.organisation) is None
    payments.confirm_payee_account(account=proposed, actor=payment_officer)
    assert payments.payee_account_of(grant.organisation) == proposed
    assert AuditEvent.objects.filter(action="grants.payee_account.confirmed", object_id=str(proposed.pk)).exists()
    assert Message.objects.filter(subject__contains="Bankverbindung").exists()


def test_a_change_replaces_the_account_in_force_and_keeps_the_old_one_on_record(
    account, municipal_signatory, payment_officer
):
    change = payments.propose_payee_account(
        organisation=account.organisation, actor=municipal_signatory, holder="Stadt Bruchköbel",
        iban=OTHER_IBAN, bic="HELADEFF",
    )  # fmt: skip
    assert payments.payee_account_of(account.organisation) == account  # unchanged until confirmed
    payments.confirm_payee_account(account=change, actor=payment_officer)
    account.refresh_from_db()
    assert account.replaced_at is not None
    assert payments.payee_account_of(account.organisation) == change
    event = AuditEvent.objects.get(action="grants.payee_account.confirmed", object_id=str(change.pk))
    assert event.before["iban"] == IBAN and event.after["iban"] == OTHER_IBAN


def test_the_proposer_cannot_confirm_their_own_account(grant, registry):
    officer_in_commune = _person("both", Role.MUNICIPAL_SIGNATORY, "06435006")
    from kommunalportal.accounts.services import grant_membership
    from kommunalportal.organisations.models import Organisation

    grant_membership(
        user=officer_in_commune, organisation=Organisation.objects.get(key="06"), role=Role.PAYMENT_OFFICER,
        actor="test",
    )  # fmt: skip
    proposed = payments.propose_payee_account(
        organisation=grant.organisation, actor=officer_in_commune, holder="Stadt Bruchköbel", iban=IBAN, bic=""
    )
    with pytest.raises(PermissionDenied, match="Vier-Augen"):
        payments.confirm_payee_account(account=proposed, actor=officer_in_commune)


@pytest.mark.parametrize(
    ("iban", "bic", "message"),
    [
        ("DE02500500000001000131", "", "IBAN ist ungültig"),
        ("DE02500500000001000130", "COBADEFFXXX", "gehört nicht zur Bank"),
        ("DE02500500000001000130", "XYZ", "BIC ist ungültig"),
    ],
)
def test_a_bad_iban_or_bic_is_refused_in_german(grant, municipal_signatory, iban, bic, message):
    with pytest.raises(DomainError, match=message):
        payments.propose_payee_account(
            organisation=grant.organisation, actor=municipal_signatory, holder="Stadt", iban=iban, bic=bic
        )
    assert not PayeeAccount.objects.exists()


def test_another_commune_cannot_change_the_account(grant, other_commune_applicant):
    with pytest.raises(PermissionDenied):
        payments.propose_payee_account(
            organisation=grant.organisation, actor=other_commune_applicant, holder="X", iban=IBAN, bic=""
        )


# Drawdowns


def test_a_proportional_grant_draws_its_share_of_the_expenses(account, grant, municipal_signatory):
    drawdown = request(grant, municipal_signatory, expenses="4000.01")
    assert drawdown.amount == Decimal("3000.01")  # 75 % of 4,000.01 = 3,000.0075 → 3,000.01
    assert drawdown.reference == f"MA-{timezone.localdate().year}-0001"
    assert drawdown.spend_by == timezone.localdate() + timedelta(days=grant.call.drawdown_window_days)
    assert drawdown.status_changes.get().to_status == DrawdownStatus.REQUESTED


def test_never_more_than_is_granted_and_not_yet_drawn(account, grant, municipal_signatory):
    request(grant, municipal_signatory, expenses="16000.00")  # 12,000.00 of 15,000.00
    with pytest.raises(DomainError, match=r"mehr als vom Zuschuss übrig"):
        request(grant, municipal_signatory, expenses="4000.02")  # 3,000.02 > 3,000.00
    last = request(grant, municipal_signatory, expenses="4000.00")  # exactly what is left
    assert last.amount == Decimal("3000.00")
    assert payments.grant_position(grant).available == 0


def test_a_rejected_drawdown_frees_its_amount(account, grant, municipal_signatory, reviewer):
    drawdown = request(grant, municipal_signatory, expenses="20000.00")
    payments.reject_drawdown(drawdown=drawdown, actor=reviewer, note="Belege fehlen")
    assert payments.grant_position(grant).available == Decimal("15000.00")


def test_a_drawdown_needs_a_granted_application_a_confirmed_account_and_the_declaration(
    submitted, grant, municipal_signatory
):
    with pytest.raises(DomainError, match="bestätigtes Konto"):
        request(grant, municipal_signatory)
    with pytest.raises(DomainError, match="innerhalb von 60 Tagen"):
        payments.request_drawdown(
            application=grant, actor=municipal_signatory, expenses=Decimal(1), purpose="x", will_spend_in_time=False
        )


def test_only_the_communes_signatory_requests_and_only_the_ministry_decides(
    account, grant, municipal_applicant, municipal_signatory, other_commune_applicant, payment_officer
):
    with pytest.raises(PermissionDenied):
        request(grant, municipal_applicant)
    with pytest.raises(PermissionDenied):
        request(grant, other_commune_applicant)
    drawdown = request(grant, municipal_signatory)
    with pytest.raises(PermissionDenied):
        payments.approve_drawdown(drawdown=drawdown, actor=municipal_signatory)
    with pytest.raises(PermissionDenied):
        payments.approve_drawdown(drawdown=drawdown, actor=payment_officer)


def test_a_decided_drawdown_cannot_be_decided_again(account, grant, municipal_signatory, reviewer):
    drawdown = request(grant, municipal_signatory)
    payments.approve_drawdown(drawdown=drawdown, actor=reviewer)
    with pytest.raises(TransitionNotAllowed):
        payments.reject_drawdown(drawdown=drawdown, actor=reviewer, note="doch nicht")


# Payment runs


def run_of(approved, officer):
    return payments.create_payment_run(actor=officer, execution_on=timezone.localdate(), drawdowns=approved)


def test_a_released_run_writes_a_valid_sepa_file_with_one_entry_per_drawdown(approved, payment_officer, second_officer):
    run = run_of(approved, payment_officer)
    assert {d.status for d in Drawdown.objects.all()} == {DrawdownStatus.IN_RUN}
    run = payments.release_payment_run(run=run, actor=second_officer)
    assert run.status == PaymentRunStatus.RELEASED
    xml = run.file.file.read()
    schema = xmlschema.XMLSchema(str(_xsd()))
    schema.validate(xml)
    entries = parse_transfers(xml)
    assert sorted(e[0] for e in entries) == sorted(i.end_to_end_id for i in run.items.all())
    assert {e[1] for e in entries} == {IBAN}
    assert sum(e[2] for e in entries) == run.control_sum == Decimal("4500.03")  # 3,000.00 + 1,500.03
    assert run.message_id.encode() in xml
    assert run.file.sha256 and run.file.kind == "payment_file"


def _xsd():
    from pathlib import Path

    import sepaxml

    return Path(sepaxml.__file__).parent / "schemas" / "pain.001.001.09.xsd"


def test_whoever_put_the_run_together_cannot_release_it(approved, payment_officer):
    run = run_of(approved, payment_officer)
    with pytest.raises(PermissionDenied, match="Vier-Augen"):
        payments.release_payment_run(run=run, actor=payment_officer)


def test_a_second_release_is_refused_and_writes_no_second_file(approved, payment_officer, second_officer):
    run = run_of(approved, payment_officer)
    payments.release_payment_run(run=run, actor=second_officer)
    with pytest.raises(DomainError, match="bereits freigegeben"):
        payments.release_payment_run(run=run, actor=second_officer)
    assert AuditEvent.objects.filter(action="documents.document.issued").count() == 2  # the Bescheid and one file


def test_a_drawdown_cannot_be_put_into_two_runs(approved, payment_officer):
    run_of(approved, payment_officer)
    with pytest.raises(DomainError, match="Nur genehmigte"):
        run_of(approved[:1], payment_officer)
    assert PaymentItem.objects.count() == 2


def test_paid_drawdowns_are_done_and_failed_ones_return_to_the_pool(
    approved, payment_officer, second_officer, municipal_signatory
):
    run = payments.release_payment_run(run=run_of(approved, payment_officer), actor=second_officer)
    first, second = run.items.order_by("end_to_end_id")
    run = payments.record_payment_outcome(
        run=run, actor=payment_officer, failed={second.end_to_end_id: "Konto erloschen"}
    )
    assert run.status == PaymentRunStatus.PARTLY_FAILED
    first.drawdown.refresh_from_db()
    second.drawdown.refresh_from_db()
    assert first.drawdown.status == DrawdownStatus.PAID and first.drawdown.paid_on == run.execution_on
    assert second.drawdown.status == DrawdownStatus.APPROVED
    position = payments.grant_position(first.drawdown.application)
    assert position.paid == Decimal("3000.00") and position.requested == Decimal("1500.03")
    # Paid again in the next run, under a new end-to-end id.
    again = payments.create_payment_run(
        actor=payment_officer, execution_on=run.execution_on, drawdowns=[second.drawdown]
    )
    assert again.items.get().end_to_end_id == second.end_to_end_id[:-2] + "-2"
    assert PaymentItem.objects.get(pk=second.pk).outcome == PaymentOutcome.FAILED
    assert Message.objects.filter(subject="Fördermittel ausgezahlt", body__contains=first.drawdown.reference).exists()


def test_a_drawdown_taken_out_before_the_release_returns_to_the_pool(approved, payment_officer, second_officer):
    run = run_of(approved, payment_officer)
    item = run.items.order_by("end_to_end_id").first()
    payments.remove_from_payment_run(run=run, item=item, actor=payment_officer)
    run = payments.release_payment_run(run=run, actor=second_officer)
    assert len(parse_transfers(run.file.file.read())) == 1
    item.drawdown.refresh_from_db()
    assert item.drawdown.status == DrawdownStatus.APPROVED


def test_only_payment_officers_handle_runs(approved, reviewer, municipal_signatory):
    for person in (reviewer, municipal_signatory):
        with pytest.raises(PermissionDenied):
            run_of(approved, person)


def test_a_run_cannot_be_dated_in_the_past(approved, payment_officer):
    with pytest.raises(DomainError, match="Vergangenheit"):
        payments.create_payment_run(actor=payment_officer, execution_on=date(2020, 1, 1), drawdowns=approved)
