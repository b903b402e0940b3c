"""Writes of the API: issuing and revoking a person's token. The database keeps only a digest of the key (and
its first characters, to find it); the key is returned once and never enters the audit trail."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from knox.models import AuthToken
from knox.settings import knox_settings

from kommunalportal.accounts.models import User
from kommunalportal.core.audit import record_event, snapshot
from kommunalportal.core.policies import require

from . import policies

# What the audit trail keeps of a token: when it was issued and when it expires; never the key or its digest.
AUDITED_FIELDS = ("created", "expiry")


@dataclass(frozen=True)
class IssuedToken:
    """A new token: the key, to be shown to its holder this once, and when it was issued and expires."""

    key: str
    created: datetime
    expires_at: datetime


def _audit(*, actor: Any, action: str, holder: User, before: Any, after: Any) -> None:
    record_event(
        actor=actor,
        action=action,
        object_type=AuthToken._meta.label_lower,
        object_id=str(holder.pk),
        object_repr=holder.get_username(),
        before=snapshot(before, AUDITED_FIELDS) if before is not None else None,
        after=snapshot(after, AUDITED_FIELDS) if after is not None else None,
    )


@transaction.atomic
def issue_token(*, holder: User, actor: Any) -> IssuedToken:
    """Give a person a new API token, valid for the configured days; the one they had stops working.

    A user actor is the holder in a session (`policies.can_issue_token`); any other actor is an operator
    running `manage.py api_token` (`policies.can_operator_issue_token`).
    """
    locked = User.objects.select_for_update().get(pk=holder.pk)  # one issuer at a time: one token per person
    if isinstance(actor, User):
        require(policies.can_issue_token(actor, locked))
    else:
        require(policies.can_operator_issue_token(locked))
    old = AuthToken.objects.filter(user=locked).order_by("-created").first()
    AuthToken.objects.filter(user=locked).delete()
    token, key = AuthToken.objects.create(user=locked, expiry=knox_settings.TOKEN_TTL)
    _audit(
        actor=actor, action="api.token.renewed" if old else "api.token.issued", holder=locked, before=old, after=token
    )
    return IssuedToken(key=key, created=token.created, expires_at=token.expiry)


@transaction.atomic
def revoke_token(*, holder: User, actor: Any) -> bool:
    """Withdraw a person's API token; False if they had none (then nothing changes and nothing is recorded)."""
    locked = User.objects.select_for_update().get(pk=holder.pk)
    if isinstance(actor, User):
        require(policies.can_revoke_token(actor, locked))
    old = AuthToken.objects.filter(user=locked).order_by("-created").first()
    if old is None:
        return False
    AuthToken.objects.filter(user=locked).delete()
    _audit(actor=actor, action="api.token.revoked", holder=locked, before=old, after=None)
    return True
