from typing import Any

from django.http import HttpRequest

from .navigation import navigation_for


def layout(request: HttpRequest) -> dict[str, Any]:
    return {"navigation": navigation_for(request.user, request.path)}
