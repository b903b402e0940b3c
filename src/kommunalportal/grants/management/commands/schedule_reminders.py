from typing import Any

from django.core.management.base import BaseCommand

from kommunalportal.grants.tasks import schedule_reminders


class Command(BaseCommand):
    help = "Queue the daily reminder run for the background worker, unless one is already waiting."

    def handle(self, *args: Any, **options: Any) -> None:
        queued = schedule_reminders()
        self.stdout.write("reminders queued" if queued else "reminders already queued")
