import io
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from kommunalportal.core.audit import GENESIS_HASH, record_event, verify_chain
from kommunalportal.core.models import AppendOnlyError, AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _three_events():
    user = UserFactory()
    return [
        record_event(actor=user, action="test.thing.done", object_type="test.thing", object_id=str(n), after={"n": n})
        for n in range(3)
    ]


def test_events_form_a_chain(registry):
    events = _three_events()
    assert events[1].previous_hash == events[0].hash
    assert events[2].previous_hash == events[1].hash
    assert events[2].sequence == events[0].sequence + 2
    assert AuditEvent.objects.order_by("sequence").first().previous_hash == GENESIS_HASH
    report = verify_chain()
    assert report.is_intact and report.head_hash == events[2].hash


def test_an_event_names_actor_object_and_state(registry):
    user = UserFactory(username="pruefer")
    event = record_event(actor=user, action="test.x", obj=user, before={"a": 1}, after={"a": 2})
    event.refresh_from_db()
    assert (event.actor, event.actor_label, event.object_type, event.object_id) == (
        user, "pruefer", "accounts.user", str(user.pk)
    )  # fmt: skip
    assert (event.before, event.after) == ({"a": 1}, {"a": 2})
    assert event.occurred_at is not None


def test_a_system_actor_is_named(registry):
    event = record_event(actor="load_registry", action="test.x", object_type="t")
    assert event.actor is None and event.actor_label == "load_registry"


def test_the_application_cannot_change_or_delete_events(registry):
    event = _three_events()[0]
    event.action = "forged"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="forged")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()


@pytest.mark.parametrize(
    "statement",
    ["UPDATE core_auditevent SET action = 'forged' WHERE id = %s", "DELETE FROM core_auditevent WHERE id = %s"],
)
def test_the_database_refuses_changes_behind_the_application(registry, statement):
    event = _three_events()[0]
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, [event.pk])


def _without_triggers(cursor):
    """What an attacker with database rights would do first."""
    if connection.vendor == "postgresql":
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # deferred foreign-key checks would block the ALTER
        cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER USER")
    else:
        cursor.execute("DROP TRIGGER core_auditevent_no_update")
        cursor.execute("DROP TRIGGER core_auditevent_no_delete")


def test_verify_finds_a_changed_event(registry):
    events = _three_events()
    with connection.cursor() as cursor:
        _without_triggers(cursor)
        cursor.execute("UPDATE core_auditevent SET after = %s WHERE id = %s", ['{"n": 99}', events[1].pk])
    report = verify_chain()
    assert report.problems == [f"event #{events[1].sequence}: its content was changed after it was written"]


def test_verify_finds_a_removed_event(registry):
    events = _three_events()
    with connection.cursor() as cursor:
        _without_triggers(cursor)
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [events[1].pk])
    problems = verify_chain().problems
    assert (
        f"event #{events[2].sequence}: expected #{events[1].sequence} next, so 1 event(s) before it are missing"
        in problems
    )
    assert f"event #{events[2].sequence}: the link to its predecessor is broken" in problems


def test_verify_finds_a_rehashed_forgery(registry):
    """Rewriting an event and its own hash still breaks the link from its successor."""
    events = _three_events()
    with connection.cursor() as cursor:
        _without_triggers(cursor)
        cursor.execute("UPDATE core_auditevent SET hash = %s WHERE id = %s", ["f" * 64, events[1].pk])
    problems = verify_chain().problems
    assert f"event #{events[2].sequence}: the link to its predecessor is broken" in problems


def test_the_command_reports_intact_and_damaged_trails(registry):
    events = _three_events()
    stdout = io.StringIO()
    call_command("verify_audit", stdout=stdout)
    assert f"head {events[-1].hash}" in stdout.getvalue()
    with connection.cursor() as cursor:
        _without_triggers(cursor)
        cursor.execute("UPDATE core_auditevent SET actor_label = 'someone else' WHERE id = %s", [events[0].pk])
    with pytest.raises(CommandError, match="audit trail damaged"):
        call_command("verify_audit", stderr=io.StringIO())


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_unbroken_chain(requires_postgres):
    """32 writers in parallel transactions: no fork, no gap, no duplicate sequence."""
    user = UserFactory()
    start = AuditEvent.objects.count()

    def write(n: int) -> None:
        try:
            with transaction.atomic():
                record_event(actor=user, action="test.race", object_type="test", object_id=str(n))
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(write, range(32)))
    assert AuditEvent.objects.count() == start + 32
    report = verify_chain()
    assert report.is_intact, report.problems


def test_a_batch_appends_its_events_together_and_drops_those_of_a_failed_item(django_user_model):
    from django.db import transaction

    from kommunalportal.core.audit import batch_item, batched

    first = record_event(actor="test", action="test.before", object_type="t")
    with transaction.atomic(), batched():
        for n in range(4):
            try:
                with batch_item(), transaction.atomic():
                    record_event(actor="test", action="test.item", object_type="t", object_id=str(n))
                    if n == 2:
                        raise ValueError("refused")
            except ValueError:
                pass
        assert AuditEvent.objects.filter(sequence__gt=first.sequence).count() == 0  # appended when the batch ends
    events = AuditEvent.objects.filter(sequence__gte=first.sequence).order_by("sequence")
    assert list(events.values_list("action", "object_id")) == [
        ("test.before", ""), ("test.item", "0"), ("test.item", "1"), ("test.item", "3"),
    ]  # fmt: skip
    assert verify_chain().is_intact


def test_a_failed_batch_appends_nothing():
    from django.db import transaction

    from kommunalportal.core.audit import batched

    count = AuditEvent.objects.count()

    def failing_bulk_action():
        with transaction.atomic(), batched():
            record_event(actor="test", action="test.lost", object_type="t")
            raise ValueError("the bulk action failed")

    with pytest.raises(ValueError, match="bulk action failed"):
        failing_bulk_action()
    assert AuditEvent.objects.count() == count


def test_a_long_batch_appends_what_can_no_longer_be_undone_on_the_way():
    from kommunalportal.core.audit import append_batch, batched

    first = record_event(actor="test", action="test.before", object_type="t")
    with transaction.atomic(), batched():
        for n in range(5):
            record_event(actor="test", action="test.item", object_type="t", object_id=str(n))
            if n == 2:
                append_batch()
                assert AuditEvent.objects.filter(sequence__gt=first.sequence).count() == 3
        assert AuditEvent.objects.filter(sequence__gt=first.sequence).count() == 3  # the rest when the batch ends
    events = AuditEvent.objects.filter(sequence__gt=first.sequence).order_by("sequence")
    assert list(events.values_list("object_id", flat=True)) == ["0", "1", "2", "3", "4"]
    assert verify_chain().is_intact


def test_appending_a_batch_needs_one():
    from kommunalportal.core.audit import append_batch

    with pytest.raises(RuntimeError, match="batched"):
        append_batch()
