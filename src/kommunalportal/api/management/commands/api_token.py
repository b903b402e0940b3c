from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from kommunalportal.accounts.models import User
from kommunalportal.api import services
from kommunalportal.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "Issue (or renew) a person's API token and print it (shown this once; it expires after API_TOKEN_DAYS), or "
        "withdraw it with --revoke. Recorded in the audit trail. Ministry staff issue their own token from a session "
        "that passed the second factor."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--revoke", action="store_true", help="Withdraw the token instead of issuing one.")

    def handle(self, *args: Any, **options: Any) -> None:
        holder = User.objects.filter(username=options["username"]).first()
        if holder is None:
            raise CommandError(f"There is no user {options['username']}.")
        try:
            if options["revoke"]:
                revoked = services.revoke_token(holder=holder, actor="api_token")
                self.stdout.write(
                    f"token of {holder.username} revoked" if revoked else f"{holder.username} had no token"
                )
                return
            issued = services.issue_token(holder=holder, actor="api_token")
        except DomainError as error:
            raise CommandError(str(error.message)) from None
        # The token alone on stdout, so that a script can take it; it is not shown again (the database keeps only
        # its digest). When it expires goes to stderr, for the operator.
        self.stdout.write(issued.key)
        self.stderr.write(f"valid until {timezone.localtime(issued.expires_at).isoformat(timespec='seconds')}")
