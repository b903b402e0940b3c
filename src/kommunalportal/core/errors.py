"""Errors a service raises when a business rule refuses an act; views turn them into form errors."""

from django.utils.functional import Promise


class DomainError(Exception):
    """A rule refused the act; the message is shown to the user as it is (German by default)."""

    def __init__(self, message: str | Promise) -> None:
        super().__init__(str(message))
        self.message = message


class PermissionDenied(DomainError):
    """The actor may not do this."""
