from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kommunalportal.organisations.selectors import registry_summary


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"summary": registry_summary()})


def imprint(request: HttpRequest) -> HttpResponse:
    context = {"authority_name": settings.AUTHORITY_NAME, "authority_address": settings.AUTHORITY_ADDRESS}
    return render(request, "core/imprint.html", context)


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "core/privacy.html")
