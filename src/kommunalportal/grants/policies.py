"""Who may do what in the grants domain."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from kommunalportal.accounts.policies import has_role, is_ministry_user
from kommunalportal.accounts.roles import Role
from kommunalportal.core.policies import Decision


def can_manage_programmes(user: Any) -> Decision:
    if has_role(user, Role.PROGRAMME_MANAGER):
        return Decision.allow()
    return Decision.deny(_("Only programme managers set up programmes and calls."))


def can_view_programme_administration(user: Any) -> Decision:
    if is_ministry_user(user):
        return Decision.allow()
    return Decision.deny(_("Only ministry staff see the administration of programmes."))
