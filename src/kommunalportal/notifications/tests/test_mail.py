from smtplib import SMTPServerDisconnected

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import transaction
from django_tasks import default_task_backend
from django_tasks.signals import task_finished
from django_tasks_db.models import DBTaskResult

from conftest import BRUCHKOEBEL, RONNEBURG
from kommunalportal.notifications.models import Message
from kommunalportal.notifications.services import Notice, notify_organisations
from kommunalportal.notifications.tasks import send_mails
from kommunalportal.organisations.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_queued_tasks():
    """The test settings' dummy backend keeps what was queued for the whole run."""
    default_task_backend.clear()


class MailServerDown(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise SMTPServerDisconnected("Connection unexpectedly closed")


def _tell(actor, *keys):
    notices = [
        Notice(organisation=Organisation.objects.get(key=key), subject="Bescheid erlassen", body="Text", link="/x/")
        for key in keys
    ]
    return notify_organisations(notices=notices, roles=["municipal_applicant", "municipal_signatory"], actor=actor)


def test_the_mails_of_a_notification_are_one_task_queued_when_the_change_commits(
    municipal_applicant, municipal_signatory, programme_manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _tell(programme_manager, BRUCHKOEBEL, RONNEBURG)
        assert default_task_backend.results == []  # nothing before the commit
    (queued,) = default_task_backend.results
    assert queued.task.func is send_mails.func and not mail.outbox  # the worker sends them, not the request
    (mails,) = queued.args
    assert sorted(to for _subject, _body, _sender, (to,) in mails) == sorted(
        [municipal_applicant.email, municipal_signatory.email]
    )
    assert mails[0][1] == "Text\n\n/x/"


def test_a_rolled_back_change_queues_no_mail(
    municipal_applicant, programme_manager, django_capture_on_commit_callbacks
):
    def failing_change():
        with transaction.atomic():
            _tell(programme_manager, BRUCHKOEBEL)
            raise RuntimeError("the change failed")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError, match="failed"):
        failing_change()
    assert default_task_backend.results == [] and not Message.objects.exists()


def test_a_mail_server_that_is_down_leaves_the_notification_and_a_failed_task_to_repeat(
    settings, municipal_applicant, programme_manager, django_capture_on_commit_callbacks, tasks_run_now
):
    settings.EMAIL_BACKEND = f"{__name__}.MailServerDown"
    finished = []

    def keep(sender, task_result, **kwargs):
        finished.append(task_result)

    task_finished.connect(keep)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            _tell(programme_manager, BRUCHKOEBEL)  # no exception reaches the caller (the page)
    finally:
        task_finished.disconnect(keep)
    assert Message.objects.filter(recipient=municipal_applicant).exists()
    (result,) = finished
    assert result.status == "FAILED" and "SMTPServerDisconnected" in result.errors[0].traceback
    assert result.args[0][0][3] == [municipal_applicant.email]  # the mails stay with the task, to be queued again


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_the_queued_mails(
    tasks_in_database, municipal_applicant, municipal_signatory, programme_manager
):
    _tell(programme_manager, BRUCHKOEBEL)
    assert DBTaskResult.objects.filter(task_path=send_mails.module_path, status="READY").count() == 1
    assert not mail.outbox
    call_command("db_worker", "--batch", "--no-startup-delay")
    assert DBTaskResult.objects.get(task_path=send_mails.module_path).return_value == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([municipal_applicant.email, municipal_signatory.email])
