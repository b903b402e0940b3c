"""The API's errors as problem details (RFC 9457): `application/problem+json` with type, title, status, detail
and the path of the request, and for bad parameters the list of invalid parameters with their reasons.

`problem_response` is Django REST framework's EXCEPTION_HANDLER; `not_found` answers every address under
/api/ that no endpoint serves (an unknown version too), so that no API client ever receives an HTML page.
"""

import math
import re
from http import HTTPStatus
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiExample, OpenApiResponse
from rest_framework import exceptions, serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import set_rollback

from kommunalportal.core import errorviews

PROBLEM_CONTENT_TYPE = "application/problem+json"

# The problem types. "about:blank" says no more than the HTTP status (RFC 9457, 4.2.1); the API's own
# types are tag URIs (RFC 4151): stable names that are not meant to be fetched, described in docs/api.md.
BLANK = "about:blank"
INVALID_PARAMETERS = "tag:kommunalportal,2025:problems:invalid-parameters"

# The titles of "about:blank" problems are the HTTP status phrases (RFC 9457 asks for them), translated.
_STATUS_TITLES: dict[int, Promise] = {
    400: gettext_lazy("Bad Request"),
    401: gettext_lazy("Unauthorized"),
    403: gettext_lazy("Forbidden"),
    404: gettext_lazy("Not Found"),
    405: gettext_lazy("Method Not Allowed"),
    406: gettext_lazy("Not Acceptable"),
    415: gettext_lazy("Unsupported Media Type"),
    429: gettext_lazy("Too Many Requests"),
}


def _title(status: int) -> str:
    title = _STATUS_TITLES.get(status)
    if title is not None:
        return str(title)
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return str(status)


def problem(
    status: int,
    detail: str,
    *,
    instance: str = "",
    type_: str = BLANK,
    title: str = "",
    invalid_params: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    """The body of one problem response."""
    body: dict[str, Any] = {"type": type_, "title": title or _title(status), "status": status, "detail": detail}
    if instance:
        body["instance"] = instance
    if invalid_params is not None:
        body["invalid_params"] = invalid_params
    return body


def _invalid_params(detail: Any, name: str = "") -> list[dict[str, str]]:
    """A validation error's detail (nested dicts and lists of messages) as (parameter, reason) pairs."""
    if isinstance(detail, dict):
        return [
            entry for key, value in detail.items() for entry in _invalid_params(value, f"{name}.{key}" if name else key)
        ]
    if isinstance(detail, list):
        entries: list[dict[str, str]] = []
        for index, item in enumerate(detail):
            if isinstance(item, dict | list):
                entries += _invalid_params(item, f"{name}.{index}" if name else str(index))
            else:
                entries.append({"name": name, "reason": str(item)})
        return entries
    return [{"name": name, "reason": str(detail)}]


def throttled_detail(wait: float | None) -> str:
    """The detail of a 429, in the caller's language (DRF's own text has no German translation)."""
    if wait is None:
        return _("Too many requests. Please try again later.")
    return _("Too many requests. Please try again in %(seconds)d seconds.") % {"seconds": math.ceil(wait)}


def problem_response(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Django REST framework's exception handler: every refusal as a problem response.

    Anything else (a bug) is left to Django, which logs it and answers 500.
    """
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None
    request = context.get("request")
    instance = request.path if request is not None else ""
    headers: dict[str, str] = {}
    if auth_header := getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = auth_header
    if wait := getattr(exc, "wait", None):
        headers["Retry-After"] = str(math.ceil(wait))  # whole seconds, never earlier than the limit allows
    if isinstance(exc, exceptions.Throttled):
        body = problem(exc.status_code, throttled_detail(getattr(exc, "wait", None)), instance=instance)
    elif isinstance(exc, exceptions.ValidationError):
        params = _invalid_params(exc.detail)
        body = problem(
            exc.status_code,
            "; ".join(f"{p['name']}: {p['reason']}" if p["name"] else p["reason"] for p in params),
            instance=instance,
            type_=INVALID_PARAMETERS,
            title=_("The request's parameters are not valid."),
            invalid_params=params,
        )
    else:
        body = problem(exc.status_code, str(exc.detail), instance=instance)
    set_rollback()
    return Response(body, status=exc.status_code, headers=headers, content_type=PROBLEM_CONTENT_TYPE)


class ProblemRenderingMixin:
    """For views whose own renderers are not JSON (the OpenAPI document, the docs page): their problems still
    go out as JSON."""

    def finalize_response(self, request: Any, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]  # a mixin for APIView
        if isinstance(response, Response) and response.content_type == PROBLEM_CONTENT_TYPE:
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = PROBLEM_CONTENT_TYPE
        return response


_VERSION_PREFIX = re.compile(r"^(v[0-9]+)/")


def not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    """Every address under /api/ that no endpoint serves, as a 404 problem (an unknown version named as such)."""
    versions = ", ".join(api_settings.ALLOWED_VERSIONS or [])
    version = _VERSION_PREFIX.match(rest)
    if version and version.group(1) not in (api_settings.ALLOWED_VERSIONS or []):
        detail = _("The API has no version %(version)s. Versions: %(versions)s.") % {
            "version": version.group(1),
            "versions": versions,
        }
    else:
        detail = _("The API has no endpoint at this address. Versions: %(versions)s.") % {"versions": versions}
    return _problem_json(404, detail, request)


def _problem_json(status: int, detail: str, request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        problem(status, detail, instance=request.path),
        status=status,
        content_type=PROBLEM_CONTENT_TYPE,
        json_dumps_params={"ensure_ascii": False},
    )


def is_api_request(request: HttpRequest) -> bool:
    """Whether the request is addressed to the API (everything under its root, served or not)."""
    return request.path.startswith(reverse("api:not_found", kwargs={"rest": ""}))


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's handler500: a 500 problem for the API's addresses, the portal's error page everywhere else.
    Django has logged the error before; the response tells nothing of it."""
    if is_api_request(request):
        return _problem_json(500, _("An error on the server. It has been recorded; please try again later."), request)
    return errorviews.server_error(request)


# The problem responses in the OpenAPI document.


class InvalidParamSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="The query parameter (or field) that is not valid.")
    reason = serializers.CharField(help_text="Why not.")


class ProblemSerializer(serializers.Serializer):
    type = serializers.CharField(
        help_text='The problem type: "about:blank" (no more than the HTTP status) or a tag URI.'
    )
    title = serializers.CharField(help_text="A short summary of the problem type.")
    status = serializers.IntegerField(help_text="The HTTP status code.")
    detail = serializers.CharField(help_text="What went wrong with this request.")
    instance = serializers.CharField(help_text="The path of the request.", required=False)


class ValidationProblemSerializer(ProblemSerializer):
    invalid_params = InvalidParamSerializer(many=True, help_text="Each invalid parameter with the reason.")


_DESCRIPTIONS = {
    400: "A parameter is not valid (problem details with the invalid parameters).",
    401: "Not signed in: no token, an unknown or expired token, or a session without the second factor "
    "(problem details).",
    403: "Signed in, but not allowed to do this (problem details).",
    404: "Not there, or not visible to the caller (problem details).",
    429: "Too many requests: try again after the seconds in the Retry-After header (problem details).",
}

_EXAMPLES = {
    400: OpenApiExample(
        "invalid limit",
        value=problem(
            400,
            "limit: A whole number from 1 to 500.",
            type_=INVALID_PARAMETERS,
            title="The request's parameters are not valid.",
            invalid_params=[{"name": "limit", "reason": "A whole number from 1 to 500."}],
        ),
        response_only=True,
        status_codes=["400"],
    ),
    401: OpenApiExample(
        "not signed in",
        value=problem(401, "Authentication credentials were not provided."),
        response_only=True,
        status_codes=["401"],
    ),
    404: OpenApiExample(
        "not found",
        value=problem(404, "Not found."),
        response_only=True,
        status_codes=["404"],
    ),
    429: OpenApiExample(
        "too many requests",
        value=problem(429, "Too many requests. Please try again in 12 seconds."),
        response_only=True,
        status_codes=["429"],
    ),
}


def problem_responses(*statuses: int) -> dict[tuple[int, str], OpenApiResponse]:
    """The problem responses of an operation, for `extend_schema(responses=...)`; every operation can be
    throttled, so 429 is always among them."""
    return {
        (status, PROBLEM_CONTENT_TYPE): OpenApiResponse(
            response=ValidationProblemSerializer if status == 400 else ProblemSerializer,
            description=_DESCRIPTIONS[status],
            examples=[_EXAMPLES[status]] if status in _EXAMPLES else [],
        )
        for status in (*statuses, 429)
    }
