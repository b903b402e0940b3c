"""Reads of the API. The public endpoints show everyone the same, signed in or not: what the grants selectors
show a visitor (programmes with a published call; published calls, open or closed)."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from kommunalportal.grants.models import Call, Programme
from kommunalportal.grants.selectors import calls_visible_to, programmes_visible_to


def public_programmes() -> QuerySet[Programme]:
    return programmes_visible_to(AnonymousUser()).order_by("-starts_on", "name", "pk")


def public_calls() -> QuerySet[Call]:
    return calls_visible_to(AnonymousUser()).prefetch_related("categories").order_by("-opens_on", "name", "pk")
