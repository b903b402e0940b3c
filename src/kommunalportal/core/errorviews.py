"""Error pages in the portal's layout (the 500 page renders without context processors, so it stands alone)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def method_not_allowed(request: HttpRequest) -> HttpResponse:
    return render(request, "errors/405.html", status=405)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Django's CSRF_FAILURE_VIEW: a form sent without a valid token (mostly an old tab or an expired session)."""
    return render(request, "errors/csrf.html", status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    return HttpResponse(loader.get_template("errors/500.html").render(), status=500)
