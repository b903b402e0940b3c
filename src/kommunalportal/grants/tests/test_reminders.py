"""Reminders go out when due, once and only once; the daily run is queued in the database for the worker."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from kommunalportal.grants import payments
from kommunalportal.grants.models import Reminder
from kommunalportal.grants.reminders import send_due_reminders
from kommunalportal.grants.tasks import schedule_reminders, send_reminders
from kommunalportal.notifications.models import Message
from kommunalportal.notifications.tasks import send_mails

from .conftest import request


def test_the_proof_of_use_reminder_goes_out_ahead_and_when_overdue_each_once(
    grant, django_capture_on_commit_callbacks, tasks_run_now
):
    deadline = grant.call.proof_of_use_due_on
    with django_capture_on_commit_callbacks(execute=True):  # the mails are queued after the commit
        assert send_due_reminders(today=deadline - timedelta(days=31)) == 0  # too early
        assert send_due_reminders(today=deadline - timedelta(days=30)) == 1
        assert send_due_reminders(today=deadline - timedelta(days=29)) == 0  # already sent
        assert send_due_reminders(today=deadline + timedelta(days=1)) == 1  # overdue
        assert send_due_reminders(today=deadline + timedelta(days=2)) == 0
    subjects = list(Message.objects.filter(subject__contains=grant.reference).values_list("subject", flat=True))
    assert any("bald fällig" in s for s in subjects) and any("überfällig" in s for s in subjects)
    assert len(mail.outbox) == Message.objects.filter(subject__contains=grant.reference).count()  # each one mailed


def test_a_waiting_drawdown_request_reminds_the_ministry_once(account, grant, municipal_signatory, reviewer):
    drawdown = request(grant, municipal_signatory)
    today = timezone.localdate()
    before = Message.objects.filter(recipient=reviewer).count()
    send_due_reminders(today=today + timedelta(days=6))
    assert Message.objects.filter(recipient=reviewer).count() == before
    send_due_reminders(today=today + timedelta(days=7))
    send_due_reminders(today=today + timedelta(days=8))
    assert Message.objects.filter(recipient=reviewer, subject__contains=drawdown.reference).count() == 1
    assert Reminder.objects.filter(key=f"request-waiting:{drawdown.pk}").count() == 1


def test_paid_funds_remind_the_commune_to_spend_them_in_time(
    approved, payment_officer, second_officer, municipal_signatory
):
    run = payments.create_payment_run(actor=payment_officer, execution_on=timezone.localdate(), drawdowns=approved)
    payments.record_payment_outcome(run=payments.release_payment_run(run=run, actor=second_officer),
                                    actor=payment_officer)  # fmt: skip
    spend_by = approved[0].spend_by
    send_due_reminders(today=spend_by - timedelta(days=7))
    send_due_reminders(today=spend_by)
    assert Reminder.objects.filter(key__startswith="spend-ahead:").count() == 2
    assert Message.objects.filter(recipient=municipal_signatory, subject__contains=approved[0].reference).exists()


@pytest.mark.django_db(transaction=True)
def test_the_daily_run_is_queued_once_in_the_database_and_the_worker_runs_it(grant, tasks_in_database):
    assert schedule_reminders() is True
    assert schedule_reminders() is False  # a second start of the portal queues nothing more
    assert DBTaskResult.objects.filter(task_path=send_reminders.module_path).count() == 1
    call_command("db_worker", "--batch", "--no-startup-delay")
    done = DBTaskResult.objects.get(task_path=send_reminders.module_path, status="SUCCESSFUL")
    assert done.return_value == 1  # the 2020 grant's proof of use is overdue today
    mailed = DBTaskResult.objects.get(task_path=send_mails.module_path)  # queued by the run, sent by the worker
    assert mailed.status == "SUCCESSFUL" and mailed.return_value == len(mail.outbox) > 0
    assert Reminder.objects.filter(key=f"proof-overdue:{grant.pk}").exists()
    # The next morning's run is waiting.
    waiting = DBTaskResult.objects.get(status="READY")
    assert waiting.run_after.date() == timezone.localdate() + timedelta(days=1)
