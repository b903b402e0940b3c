from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp.plugins.otp_totp.models import TOTPDevice

from .policies import requires_two_factor

# The API answers for itself: a session that owes the second factor counts there as not signed in (401),
# public endpoints read no session at all; a redirect to a form would mean nothing to a program.
API_NAMESPACE = "api"

# What a signed-in person who still owes the second factor may reach.
ALLOWED_UNVERIFIED = {
    "accounts:two_factor_setup",
    "accounts:two_factor_verify",
    "accounts:logout",
    "set_language",
    "core:imprint",
    "core:accessibility",
    "core:privacy",
}


class TwoFactorRequiredMiddleware:
    """Ministry staff and operators reach nothing but the second-factor pages until they pass them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            # No session, nobody signed in: the session stays unread, so that a response that does not depend
            # on the visitor (the map's boundaries, a download) is not marked `Vary: Cookie` for shared caches.
            return None
        user: Any = request.user
        if not requires_two_factor(user) or user.is_verified():
            return None
        match = request.resolver_match
        if request.path.startswith(settings.STATIC_URL) or (
            match and (match.view_name in ALLOWED_UNVERIFIED or API_NAMESPACE in match.namespaces)
        ):
            return None
        has_device = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        target = "accounts:two_factor_verify" if has_device else "accounts:two_factor_setup"
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
