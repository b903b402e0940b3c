"""Who may hold an API token."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from kommunalportal.accounts.policies import requires_two_factor
from kommunalportal.core.policies import Decision

from .authentication import second_factor_passed


def can_issue_token(actor: Any, holder: Any) -> Decision:
    """A person issues a token only for themselves; ministry staff and operators only after the second factor,
    so that a token never opens more than the signed-in person could reach."""
    if getattr(actor, "pk", None) != holder.pk:
        return Decision.deny(_("Only the holder issues their own token."))
    if not holder.is_active:
        return Decision.deny(_("The account is deactivated."))
    if requires_two_factor(holder) and not second_factor_passed(actor):
        return Decision.deny(_("Ministry staff issue a token only from a session that passed the second factor."))
    return Decision.allow()


def can_operator_issue_token(holder: Any) -> Decision:
    """An operator (`manage.py api_token`) issues tokens for active people who need no second factor; those who
    do issue their own from a session that passed it, so the rule has no back door."""
    if not holder.is_active:
        return Decision.deny(_("The account is deactivated."))
    if requires_two_factor(holder):
        return Decision.deny(_("Ministry staff issue their own token from a session that passed the second factor."))
    return Decision.allow()


def can_revoke_token(actor: Any, holder: Any) -> Decision:
    """A person withdraws their own token (an operator anyone's, with `manage.py api_token --revoke`)."""
    if getattr(actor, "pk", None) != holder.pk:
        return Decision.deny(_("Only the holder withdraws their own token."))
    return Decision.allow()
