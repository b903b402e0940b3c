import pytest
from django.core import mail

from kommunalportal.grants import applications as svc
from kommunalportal.grants.models import DecisionKind
from kommunalportal.notifications.models import Message

pytestmark = pytest.mark.django_db


@pytest.fixture
def released(submitted, reviewer, programme_manager, django_capture_on_commit_callbacks, tasks_run_now):
    with django_capture_on_commit_callbacks(execute=True):
        decision = svc.prepare_decision(application=submitted, actor=reviewer, kind=DecisionKind.APPROVAL)
        return svc.release_decision(decision=decision, actor=programme_manager)


def test_the_bescheid_is_announced_in_the_inbox_and_by_mail(released, municipal_applicant, municipal_signatory):
    for person in (municipal_applicant, municipal_signatory):
        message = Message.objects.get(recipient=person)
        assert released.number in message.subject
        assert message.link == f"/foerderung/antraege/{released.application.public_id}/"
    assert sorted(m.to[0] for m in mail.outbox) == sorted([municipal_applicant.email, municipal_signatory.email])
    assert released.number in mail.outbox[0].subject


def test_nobody_else_is_told(released, clerk, other_commune_applicant):
    assert not Message.objects.filter(recipient__in=[clerk, other_commune_applicant]).exists()


def test_the_inbox_shows_only_ones_own_messages_and_opening_marks_read(
    released, client, municipal_applicant, other_commune_applicant
):
    message = Message.objects.get(recipient=municipal_applicant)
    client.force_login(other_commune_applicant)
    assert released.number not in client.get("/postfach/").content.decode()
    assert client.post(f"/postfach/{message.pk}/").status_code == 404
    client.force_login(municipal_applicant)
    assert released.number in client.get("/postfach/").content.decode()
    response = client.post(f"/postfach/{message.pk}/")
    assert response["Location"] == message.link
    message.refresh_from_db()
    assert message.read_at is not None


def test_changes_requested_reach_the_commune(submitted, reviewer, municipal_applicant):
    svc.request_changes(application=submitted, actor=reviewer, message="Bitte Angebot beifügen.")
    assert Message.objects.get(recipient=municipal_applicant).body == "Bitte Angebot beifügen."
