import re
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from .request_context import current_request_id

# A proxy's id is taken over only when it looks like one, so that no header can smuggle text into logs.
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Give every request an id (or keep the proxy's X-Request-ID) and echo it in the response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex
        token = current_request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response["X-Request-ID"] = request_id
        return response


class LanguageMiddleware(LocaleMiddleware):
    """German unless the visitor chose English with the language switch (a cookie).

    Unlike Django's own middleware, the browser's Accept-Language is not consulted: the portal of a
    German state speaks German by default, and every visitor sees the same page for the same address.
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class MethodNotAllowedPageMiddleware:
    """Django answers a request with the wrong method with an empty 405. People meet it when they open an
    address that only takes a submitted form (after signing in again, the login's `next` may point there):
    they get a page in the portal's layout instead. Responses with a body (the API's problems) stay as they are.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 405 or response.content:
            return response
        from .errorviews import method_not_allowed  # the error pages render templates: import them when needed

        page = method_not_allowed(request)
        if response.has_header("Allow"):
            page["Allow"] = response["Allow"]
        return page
