"""Who may do what, as answers with reasons (`Decision`). Services enforce them; templates explain them."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from kommunalportal.core.policies import Decision
from kommunalportal.organisations.models import Organisation

from .roles import COMMUNE_ROLES, MINISTRY_ROLES, Role


def roles_of(user: Any) -> frozenset[tuple[int, str]]:
    """(organisation id, role) pairs of the user's active memberships, cached on the user object."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached: frozenset[tuple[int, str]] | None = getattr(user, "_kp_roles", None)
    if cached is None:
        cached = frozenset(user.memberships.filter(ended_at__isnull=True).values_list("organisation_id", "role"))
        user._kp_roles = cached
    return cached


def has_role(user: Any, role: Role, organisation: Organisation | None = None) -> bool:
    return any(r == role and (organisation is None or org_id == organisation.pk) for org_id, r in roles_of(user))


def is_ministry_user(user: Any) -> bool:
    return any(role in MINISTRY_ROLES for _org, role in roles_of(user))


def is_commune_user(user: Any) -> bool:
    return any(role in COMMUNE_ROLES for _org, role in roles_of(user))


def requires_two_factor(user: Any) -> bool:
    """Ministry staff and operators sign in with a second factor; the rule has no exceptions."""
    return bool(getattr(user, "is_authenticated", False) and (user.is_staff or is_ministry_user(user)))


def can_hold_role(organisation: Organisation, role: Role) -> Decision:
    """Ministry roles exist only in the state's organisation, commune roles only in a commune."""
    if role in MINISTRY_ROLES and not organisation.is_land:
        return Decision.deny(_("Ministry roles can only be held in the state's organisation."))
    if role in COMMUNE_ROLES and not organisation.is_commune:
        return Decision.deny(_("Commune roles can only be held in a town, municipality or district."))
    if not organisation.is_active:
        return Decision.deny(_("The organisation no longer exists."))
    return Decision.allow()


def can_manage_memberships(user: Any) -> Decision:
    if getattr(user, "is_superuser", False):
        return Decision.allow()
    return Decision.deny(_("Only operators manage memberships."))
