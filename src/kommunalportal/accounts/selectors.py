"""Reads about users and their memberships."""

from django.db.models import QuerySet

from kommunalportal.organisations.models import Organisation

from .models import Membership, User
from .roles import Role


def active_memberships_of(user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user, ended_at__isnull=True).select_related("organisation")


def organisations_of(user: User, *, roles: frozenset[Role] | None = None) -> QuerySet[Organisation]:
    """The organisations in which the user holds (one of) the roles."""
    memberships = Membership.objects.filter(user=user, ended_at__isnull=True)
    if roles is not None:
        memberships = memberships.filter(role__in=roles)
    return Organisation.objects.filter(pk__in=memberships.values("organisation_id"))
