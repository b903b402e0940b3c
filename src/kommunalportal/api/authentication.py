"""How API callers prove who they are: a token (programmatic access) or the browser's session.

A session counts only if its holder needs no second factor or has passed it (ministry staff and operators
must, as on the pages). A token (django-rest-knox: the database keeps only its digest) counts as its holder,
whoever presents it, until it expires; tokens of ministry staff are only issued from a session that passed the
second factor (see `policies.can_issue_token`). An unknown or expired token, or the token of a deactivated
account, is a 401.
"""

from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication
from knox.settings import knox_settings
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication

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


class ApiTokenAuthentication(TokenAuthentication):
    """django-rest-knox's token: the key is compared with the stored digest, and an expired token is refused like
    an unknown one (401). Unlike knox, this does not delete expired tokens when it meets them: a token row changes
    only through `services`, which records every change in the audit trail; renewing replaces the expired one."""

    def _cleanup_token(self, auth_token: Any) -> bool:  # knox asks here whether to skip the token
        return auth_token.expiry is not None and auth_token.expiry <= timezone.now()


# Token first: its `WWW-Authenticate: Token` header makes "not signed in" a 401, as HTTP asks.
SIGNED_IN = (ApiTokenAuthentication, VerifiedSessionAuthentication)


class TokenScheme(OpenApiAuthenticationExtension):
    """The token in the OpenAPI document, as "tokenAuth"."""

    target_class = ApiTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": f'"Authorization: {knox_settings.AUTH_HEADER_PREFIX} <token>". A token is valid for '
            f"{knox_settings.TOKEN_TTL.days} days from when it was issued; renewing it replaces it.",
        }


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
