from typing import Any

from django.core.management.base import BaseCommand, CommandError

from kommunalportal.core.audit import verify_chain


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain; exits non-zero when an event was changed or removed."

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain()
        for problem in report.problems:
            self.stderr.write(problem)
        if not report.is_intact:
            raise CommandError(f"audit trail damaged: {len(report.problems)} problem(s) in {report.checked} events")
        # The head hash is what an operator notes elsewhere: it also reveals removal of the newest events.
        self.stdout.write(f"audit trail intact: {report.checked} events, head {report.head_hash}")
