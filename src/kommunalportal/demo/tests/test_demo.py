import io
from collections import defaultdict
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum

from kommunalportal.accounts.models import Membership, User
from kommunalportal.accounts.roles import Role
from kommunalportal.core.audit import verify_chain
from kommunalportal.grants import payments, policies, proofs
from kommunalportal.grants.models import (
    Application,
    Drawdown,
    Envelope,
    GrantDecision,
    JuryScore,
    PaymentItem,
    PaymentOutcome,
    PaymentRun,
    ProofOfUse,
    Recovery,
)
from kommunalportal.grants.workflow import (
    ApplicationStatus,
    DrawdownStatus,
    PaymentRunStatus,
    ProofStatus,
    RecoveryStatus,
)
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db


def phase_one(key: str) -> Application:
    return Application.objects.select_related("organisation", "call").get(
        call__programme__code="SHH", call__shape="formula", organisation__key=key
    )


def test_the_demo_has_every_role_and_the_2020_envelopes_and_is_idempotent(demo, settings):
    settings.DEBUG = True
    counts = (User.objects.count(), Membership.objects.count(), Envelope.objects.count())
    call_command("load_demo", stdout=io.StringIO())
    assert (User.objects.count(), Membership.objects.count(), Envelope.objects.count()) == counts
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
    # Three communes of different size, each with the four commune roles.
    assert Membership.objects.filter(organisation__key__in=["06412000", "06435006", "06435024"]).count() == 12
    round_2020 = Envelope.objects.filter(call__programme__code="SHH")
    assert round_2020.count() == 443
    assert round_2020.aggregate(total=Sum("amount"))["total"] == Decimal("16000000.00")
    assert round_2020.get(organisation__key="06435024").amount == Decimal("7500.00")
    # Every commune applied and was approved, each with its Bescheid; an open call invites new applications.
    decided = GrantDecision.objects.filter(application__call__programme__code="SHH", released_at__isnull=False)
    assert decided.count() == 443 and decided.filter(document__isnull=False).count() == 443
    assert decided.aggregate(total=Sum("approved_amount"))["total"] == Decimal("16000000.00")
    # …decided in September 2020, weeks after the deadline of 31 August, and the Bescheide say so.
    assert {d.released_at.date() for d in decided} == {date(2020, 9, 14)}
    assert "Datum: 14.09.2020" in pdf_text(decided.first().document)
    assert Application.objects.filter(status=ApplicationStatus.APPROVED).count() == 443
    assert Envelope.objects.filter(call__programme__code="DKH", call__status="published").count() == 443
    # Phase 2: joint projects of several communes under review by the jury.
    joint = Application.objects.filter(call__shape="competitive", status=ApplicationStatus.SUBMITTED)
    assert joint.count() == 4 and all(a.partners.exists() for a in joint)
    assert JuryScore.objects.filter(application__in=joint).exists()
    assert "Starke-Heimat-2020" in demo and "zeichnung.ronneburg" in demo
    assert verify_chain().is_intact


@pytest.mark.django_db(transaction=True)  # the demo's services commit one by one, as on a fresh machine
def test_the_demo_queues_no_mail_for_the_replayed_round(
    registry, settings, monkeypatch, municipal_signatory, tasks_in_database
):
    from django_tasks_db.models import DBTaskResult

    from kommunalportal.demo.management.commands import load_demo
    from kommunalportal.notifications.models import Message
    from kommunalportal.notifications.services import Notice, notify_organisations
    from kommunalportal.organisations.models import Organisation

    def programme_that_notifies():  # the real one replays the round: hundreds of notifications
        commune = Organisation.objects.get(key="06435006")
        notice = Notice(organisation=commune, subject="Bescheid", body="Text", link="/")
        notify_organisations(notices=[notice], roles=[Role.MUNICIPAL_SIGNATORY], actor="demo")
        return SimpleNamespace(name="Demo", calls=SimpleNamespace(count=lambda: 0))

    settings.DEBUG = True
    monkeypatch.setattr(load_demo, "load_demo_people", list)
    monkeypatch.setattr(load_demo, "load_demo_programme", programme_that_notifies)
    call_command("load_demo", stdout=io.StringIO())
    assert Message.objects.filter(recipient=municipal_signatory).exists()  # the inbox has it
    assert not DBTaskResult.objects.exists()  # no mail for the worker


def test_the_demo_refuses_a_production_database(registry, settings):
    settings.DEBUG = False
    users = User.objects.count()
    with pytest.raises(CommandError, match="DJANGO_DEBUG"):
        call_command("load_demo", stdout=io.StringIO())
    assert User.objects.count() == users


# The money after the Bescheide of 2020.


def test_every_paid_drawdown_was_paid_once_by_a_paid_item_of_its_amount(demo):
    drawdowns = Drawdown.objects.filter(application__call__programme__code="SHH")
    # Nothing is left waiting: every drawdown of the replayed round has been paid.
    assert set(drawdowns.values_list("status", flat=True)) == {DrawdownStatus.PAID}
    paid_items: dict[int, list[Decimal]] = defaultdict(list)
    for drawdown_id, amount in PaymentItem.objects.filter(outcome=PaymentOutcome.PAID).values_list(
        "drawdown_id", "amount"
    ):
        paid_items[drawdown_id].append(amount)
    amounts = dict(drawdowns.values_list("pk", "amount"))
    assert len(amounts) > 400
    assert {pk: paid_items[pk] for pk in amounts} == {pk: [amount] for pk, amount in amounts.items()}
    assert sum(amounts.values(), Decimal(0)) == sum((sum(a, Decimal(0)) for a in paid_items.values()), Decimal(0))
    assert all(d.paid_on is not None and d.requested_at.date() < d.paid_on for d in drawdowns)


def test_no_commune_drew_more_than_its_grant(demo):
    granted = dict(
        GrantDecision.objects.filter(application__call__programme__code="SHH", released_at__isnull=False).values_list(
            "application_id", "approved_amount"
        )
    )
    drawn: dict[int, Decimal] = defaultdict(Decimal)
    for application_id, amount in Drawdown.objects.filter(application_id__in=granted).values_list(
        "application_id", "amount"
    ):
        drawn[application_id] += amount
    assert len(drawn) > 0.85 * len(granted)
    assert all(total <= granted[application_id] for application_id, total in drawn.items())
    # Most communes drew their whole grant, to the cent.
    assert sum(1 for pk, total in drawn.items() if total == granted[pk]) > 0.7 * len(drawn)


def test_the_money_went_out_in_monthly_runs_released_by_a_second_officer_with_their_sepa_file(demo):
    runs = list(PaymentRun.objects.order_by("execution_on"))
    assert len(runs) >= 6
    assert runs[0].execution_on == date(2020, 10, 28) and runs[-1].execution_on < date(2021, 7, 1)
    assert len({(r.execution_on.year, r.execution_on.month) for r in runs}) == len(runs)
    for run in runs:
        assert run.status in {PaymentRunStatus.PAID, PaymentRunStatus.PARTLY_FAILED}
        assert run.file is not None and run.message_id == f"KP-{run.reference}"
        assert run.released_by is not None and run.released_by != run.created_by
        assert run.created_at.date() < run.execution_on
        assert run.control_sum == sum((i.amount for i in run.items.all()), Decimal(0))
        with run.file.file.open("rb") as sepa:
            assert f"<CtrlSum>{run.control_sum}</CtrlSum>" in sepa.read().decode()


def test_a_bounced_transfer_went_back_to_the_pool_and_was_paid_in_the_next_run_to_a_new_account(demo):
    failed = PaymentItem.objects.select_related("run", "drawdown__application__organisation").get(
        outcome=PaymentOutcome.FAILED
    )
    assert failed.failure_reason == "Konto erloschen"
    assert failed.run.status == PaymentRunStatus.PARTLY_FAILED
    assert PaymentRun.objects.filter(status=PaymentRunStatus.PARTLY_FAILED).count() == 1
    paid = failed.drawdown.payments.get(outcome=PaymentOutcome.PAID)
    next_run = PaymentRun.objects.filter(execution_on__gt=failed.run.execution_on).order_by("execution_on").first()
    assert paid.run == next_run and paid.end_to_end_id == f"{failed.drawdown.reference}-2"
    assert paid.iban != failed.iban
    assert failed.drawdown.paid_on == next_run.execution_on


def test_every_commune_that_drew_money_has_an_account_confirmed_by_a_payment_officer(demo):
    drawing = set(Drawdown.objects.values_list("application__organisation", flat=True))
    in_force = {
        a.organisation_id: a for a in payments.accounts_in_force().select_related("proposed_by", "confirmed_by")
    }
    assert drawing <= set(in_force)
    for account in in_force.values():
        assert account.iban.startswith("DE") and account.bic and account.holder
        assert policies.can_propose_payee_account(account.proposed_by, account.organisation).allowed
        assert account.confirmed_by.username == "zahlung"
    assert len({a.iban for a in in_force.values()}) == len(in_force)
    assert in_force[phase_one("06435024").organisation_id].holder == "Gemeinde Ronneburg"


def test_proofs_of_use_of_2021_were_mostly_accepted_and_one_shortfall_was_repaid_with_interest(demo):
    settled = ProofOfUse.objects.filter(application__call__programme__code="SHH")
    assert 40 <= settled.count() <= 60
    assert {p.submitted_at.year for p in settled} == {2021}
    assert set(settled.values_list("status", flat=True)) == {ProofStatus.ACCEPTED, ProofStatus.SHORTFALL}
    assert settled.filter(status=ProofStatus.ACCEPTED).count() >= 40
    shortfalls = settled.filter(status=ProofStatus.SHORTFALL)
    assert shortfalls.exists() and all(p.shortfall_amount > 0 for p in shortfalls)

    recovery = Recovery.objects.select_related("application__organisation", "proof").get()
    assert recovery.application.organisation.key == "06435006"  # Bruchköbel
    assert recovery.status == RecoveryStatus.REPAID and recovery.proof.status == ProofStatus.SHORTFALL
    assert recovery.principal_amount == recovery.proof.shortfall_amount
    assert recovery.interest_from == max(d.paid_on for d in recovery.application.drawdowns.all())
    assert recovery.statement and recovery.issued_by != recovery.prepared_by
    assert policies.can_issue_recovery(recovery.issued_by, recovery).allowed
    assert recovery.repaid_on.year == 2022 and recovery.repaid_on > recovery.due_on
    assert recovery.interest_amount > 0
    assert recovery.interest_amount == proofs.recovery_interest(recovery, until=recovery.repaid_on).total
    assert recovery.document is not None and recovery.hearing_document is not None


def test_frankfurt_can_draw_and_prove_today_bruchkoebel_repaid_and_ronneburg_is_settled(demo):
    frankfurt, bruchkoebel, ronneburg = (phase_one(key) for key in ("06412000", "06435006", "06435024"))
    signatory = User.objects.get(username="zeichnung.frankfurt")
    position = payments.grant_position(frankfurt)
    assert position.paid > 0 and position.available > 100_000
    assert not frankfurt.proofs.exists()
    drawdown = payments.request_drawdown(
        application=frankfurt,
        actor=signatory,
        expenses=Decimal("10000.00"),
        purpose="Lizenzen",
        will_spend_in_time=True,
    )
    assert drawdown.amount == Decimal("7500.00") and drawdown.status == DrawdownStatus.REQUESTED
    actual = {m.pk: m.planned_costs_amount for m in frankfurt.measures.all()}
    proof = proofs.submit_proof(
        application=frankfurt, actor=signatory, report="Sachbericht", actual_costs=actual,
        own_share=Decimal("0.00"), third_party=Decimal("0.00"),
    )  # fmt: skip
    assert proof.status == ProofStatus.SUBMITTED

    assert bruchkoebel.recoveries.get().status == RecoveryStatus.REPAID
    assert payments.grant_position(bruchkoebel).available == 0
    assert payments.grant_position(ronneburg).paid == Decimal("7500.00")
    assert ronneburg.proofs.get().status == ProofStatus.ACCEPTED


def test_the_ministry_announced_phase_two_to_every_commune_and_some_have_read_it(demo):
    from kommunalportal.notifications.announcements import receipts
    from kommunalportal.notifications.models import Announcement

    announcement = Announcement.objects.get()
    assert announcement.communes == 443 and announcement.published_at.year == 2021
    reached = receipts(announcement)
    assert len(reached) == 443  # every commune has its signatory in the demo
    read = {r.organisation.key for r in reached if r.read}
    assert {"06412000", "06435006", "06435024"} <= read and len(read) == 3 + 21


def test_the_2020_history_and_messages_carry_the_days_of_the_round(demo):
    from kommunalportal.grants.models import ApplicationStatusChange, DrawdownStatusChange
    from kommunalportal.notifications.models import Message

    submitted = ApplicationStatusChange.objects.filter(to_status="submitted", application__call__year__year=2020)
    assert submitted.count() == 443
    assert {change.changed_at.date() for change in submitted} <= {
        change.application.submitted_at.date() for change in submitted.select_related("application")
    }
    approved = ApplicationStatusChange.objects.filter(to_status="approved", application__call__year__year=2020)
    assert {change.changed_at.year for change in approved} == {2020}
    paid = DrawdownStatusChange.objects.filter(to_status="paid")
    assert paid.exists() and {change.changed_at.year for change in paid} <= {2020, 2021, 2022}
    decided = Message.objects.filter(subject__contains="ZB-2020-")
    assert decided.exists() and min(message.created_at.year for message in decided) == 2020
    assert max(message.created_at.year for message in decided) <= 2022
