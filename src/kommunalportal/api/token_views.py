"""The signed-in person's own API token: issue (or renew) and revoke it from the browser's session."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from kommunalportal.core.errors import DomainError

from . import serializers, services
from .endpoints import SignedInEndpoint
from .problems import problem_responses
from .selectors import current_token_of

TOKEN = ["token"]


class SessionOnly(BasePermission):
    """A token cannot issue tokens: only a person signed in on the portal (CSRF-protected) can."""

    message = _("Manage your token from a browser session on the portal, not with a token.")

    def has_permission(self, request: Any, view: Any) -> bool:
        return isinstance(request.successful_authenticator, SessionAuthentication)


class TokenEndpoint(SignedInEndpoint):
    pagination_class = None

    def get_permissions(self) -> list[Any]:
        return [*super().get_permissions(), SessionOnly()]

    @extend_schema(
        tags=TOKEN,
        summary="Whether I have a token",
        description="Whether the caller has a token that works, when it was issued and when it expires. Never "
        "shows the token itself: it is shown once, when it is issued.",
        responses={200: serializers.TokenStateSerializer, **problem_responses(401, 403)},
    )
    def get(self, request: Any, version: str) -> Response:
        token = current_token_of(request.user)
        state = {
            "has_token": token is not None,
            "created": token.created if token else None,
            "expires_at": token.expiry if token else None,
        }
        return Response(serializers.TokenStateSerializer(state).data)

    @extend_schema(
        tags=TOKEN,
        summary="Issue my token (replacing the old one)",
        description="Session and CSRF token only. Ministry staff: only after the second factor. The new token is "
        "shown once, with the time it expires (a fixed number of days from now; using it does not extend it); the "
        "old one stops working. Recorded in the audit trail (without the token).",
        request=None,
        responses={201: serializers.TokenSerializer, **problem_responses(401, 403)},
    )
    def post(self, request: Any, version: str) -> Response:
        try:
            token = services.issue_token(holder=request.user, actor=request.user)
        except DomainError as error:
            raise PermissionDenied(str(error.message)) from None
        return Response(serializers.TokenSerializer(token).data, status=201)

    @extend_schema(
        tags=TOKEN,
        summary="Revoke my token",
        description="Session and CSRF token only. Answers 204 also when there was no token.",
        request=None,
        responses={204: OpenApiResponse(description="The token no longer works."), **problem_responses(401, 403)},
    )
    def delete(self, request: Any, version: str) -> Response:
        try:
            services.revoke_token(holder=request.user, actor=request.user)
        except DomainError as error:
            raise PermissionDenied(str(error.message)) from None
        return Response(status=204)
