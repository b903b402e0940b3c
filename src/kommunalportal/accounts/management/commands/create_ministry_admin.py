import getpass
import os
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kommunalportal.accounts.services import create_ministry_admin
from kommunalportal.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "Create the first ministry administrator (Django admin and programme manager). "
        "The password comes from KP_ADMIN_PASSWORD or is asked for."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--email", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        password = os.environ.get("KP_ADMIN_PASSWORD") or ""
        if not password:
            if not options.get("interactive", True) or not os.isatty(0):
                raise CommandError("Set KP_ADMIN_PASSWORD or run the command in a terminal.")
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The passwords differ.")
        try:
            user = create_ministry_admin(
                username=options["username"], email=options["email"], password=password, actor="create_ministry_admin"
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        except DomainError as error:
            raise CommandError(str(error.message)) from None
        self.stdout.write(
            self.style.SUCCESS(f"created {user.username}; two-factor login is set up at the first sign-in.")
        )
