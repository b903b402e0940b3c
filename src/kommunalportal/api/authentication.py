"""How API callers prove who they are: a token (programmatic access) or the browser's session.

A session counts only if its holder needs no second factor or has passed it (ministry staff and operators
must, as on the pages). A token counts as its holder, whoever presents it; tokens of ministry staff are only
issued from a session that passed the second factor (see `policies.can_issue_token`).
"""

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import (
    SessionAuthentication,
    TokenAuthentication,
)

from kommunalportal.accounts.policies import requires_two_factor


def second_factor_passed(user: Any) -> bool:
    """Whether this request's user passed the second factor (django-otp marks the session's user)."""
    is_verified = getattr(user, "is_verified", None)
    return bool(callable(is_verified) and is_verified())


class VerifiedSessionAuthentication(SessionAuthentication):
    """The browser's session (with Django's CSRF check for writes), refused while a second factor is owed."""

    def authenticate(self, request: Any) -> tuple[Any, None] | None:
        result = super().authenticate(request)
        if result is None:
            return None
        user = result[0]
        if requires_two_factor(user) and not second_factor_passed(user):
            raise exceptions.AuthenticationFailed(_("Confirm the second factor first (sign in on the portal)."))
        return result


# Token first: its `WWW-Authenticate: Token` header makes "not signed in" a 401, as HTTP asks.
SIGNED_IN = (TokenAuthentication, VerifiedSessionAuthentication)


class VerifiedSessionScheme(OpenApiAuthenticationExtension):
    target_class = VerifiedSessionAuthentication
    name = "sessionAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": settings.SESSION_COOKIE_NAME,
            "description": "The portal's session after signing in (ministry staff: with the second factor). "
            "Writes also need the CSRF token in the X-CSRFToken header.",
        }
