from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.test.utils import override_settings

from kommunalportal.core.errors import DomainError
from kommunalportal.demo.services import DEMO_PASSWORD, load_demo_people, load_demo_programme
from kommunalportal.organisations.selectors import organisation_by_key

NO_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


class Command(BaseCommand):
    help = "Load the demo (idempotent) and print the demo logins. Development databases only."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="load even with DEBUG off (never in production)")

    def handle(self, *args: Any, **options: Any) -> None:
        # Demo accounts have a published password: they must never reach a production database by accident.
        if not settings.DEBUG and not options["force"]:
            raise CommandError("load_demo runs only with DJANGO_DEBUG=true (or --force on a test system).")
        # The replayed 2020 round notifies hundreds of communes: their messages stay in the in-portal inbox,
        # and no mail is queued for the worker.
        try:
            with override_settings(TASKS=NO_TASKS):
                people = load_demo_people()
                programme = load_demo_programme()
        except DomainError as error:
            raise CommandError(str(error.message)) from None
        self.stdout.write(f"Demo programme: {programme.name} ({programme.calls.count()} call(s))")
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Demo logins (password for all: {DEMO_PASSWORD})"))
        for person in people:
            organisation = organisation_by_key(person.organisation_key)
            where = organisation.short_name if organisation else person.organisation_key
            self.stdout.write(f"  {person.username:<28} {person.role.label!s:<24} {where}")
        self.stdout.write(
            "Ministry roles sign in with a second factor: the current code of a demo account is shown by\n"
            "  .venv/bin/python manage.py totp_code <user>"
        )
