"""Background work of the grants domain (ADR 0005): thin, idempotent tasks that call services."""

from datetime import datetime, time, timedelta

from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from .reminders import send_due_reminders

RUN_AT = time(6, 0)  # every morning, before office hours


def next_morning() -> datetime:
    tomorrow = timezone.localdate() + timedelta(days=1)
    return timezone.make_aware(datetime.combine(tomorrow, RUN_AT))


@task()
def send_reminders() -> int:
    """Send today's reminders, then queue the next morning's run (once)."""
    sent = send_due_reminders(today=timezone.localdate())
    schedule_reminders(at=next_morning())
    return sent


def schedule_reminders(*, at: datetime | None = None) -> bool:
    """Queue the reminder run unless one is already waiting; True if this call queued it."""
    waiting = DBTaskResult.objects.filter(task_path=send_reminders.module_path, status="READY").exists()
    if waiting:
        return False
    send_reminders.using(run_after=at).enqueue() if at else send_reminders.enqueue()
    return True
