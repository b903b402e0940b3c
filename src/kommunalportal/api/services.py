"""Writes of the API: issuing and revoking a person's token. The key itself never enters the audit trail."""

from typing import Any

from django.db import transaction
from rest_framework.authtoken.models import Token

from kommunalportal.accounts.models import User
from kommunalportal.core.audit import record_event
from kommunalportal.core.policies import require

from . import policies


def _audit(*, actor: Any, action: str, holder: User, before: Token | None, after: Token | None) -> None:
    record_event(
        actor=actor,
        action=action,
        object_type="authtoken.token",
        object_id=str(holder.pk),
        object_repr=holder.get_username(),
        before={"created": before.created} if before is not None else None,
        after={"created": after.created} if after is not None else None,
    )


@transaction.atomic
def issue_token(*, holder: User, actor: Any) -> Token:
    """Give a person a new API token; the one they had stops working.

    A user actor is the holder in a session (`policies.can_issue_token`); any other actor is an operator
    running `manage.py api_token` (`policies.can_operator_issue_token`).
    """
    locked = User.objects.select_for_update().get(pk=holder.pk)
    if isinstance(actor, User):
        require(policies.can_issue_token(actor, locked))
    else:
        require(policies.can_operator_issue_token(locked))
    old = Token.objects.filter(user=locked).first()
    if old is not None:
        old.delete()
    token = Token.objects.create(user=locked)
    _audit(
        actor=actor, action="api.token.renewed" if old else "api.token.issued", holder=locked, before=old, after=token
    )
    return token


@transaction.atomic
def revoke_token(*, holder: User, actor: Any) -> bool:
    """Withdraw a person's API token; False if they had none (then nothing changes and nothing is recorded)."""
    locked = User.objects.select_for_update().get(pk=holder.pk)
    if isinstance(actor, User):
        require(policies.can_revoke_token(actor, locked))
    old = Token.objects.filter(user=locked).first()
    if old is None:
        return False
    old.delete()
    _audit(actor=actor, action="api.token.revoked", holder=locked, before=old, after=None)
    return True
