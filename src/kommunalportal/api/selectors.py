"""Reads of the API. The public endpoints show everyone the same, signed in or not: what the grants selectors
show a visitor (programmes with a published call; published calls, open or closed)."""

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.utils import timezone
from knox.models import AuthToken

from kommunalportal.grants.models import Call, Programme
from kommunalportal.grants.selectors import calls_visible_to, programmes_visible_to


def public_programmes() -> QuerySet[Programme]:
    return programmes_visible_to(AnonymousUser()).order_by("-starts_on", "name", "pk")


def public_calls() -> QuerySet[Call]:
    return calls_visible_to(AnonymousUser()).prefetch_related("categories").order_by("-opens_on", "name", "pk")


def current_token_of(user: Any) -> Any:
    """The person's API token while it works (an `AuthToken`, never the key), or None once it has expired."""
    working = Q(expiry__isnull=True) | Q(expiry__gt=timezone.now())
    return AuthToken.objects.filter(working, user=user).order_by("-created").first()
