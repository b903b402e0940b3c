"""Telling people: in-portal inbox and e-mail (sent after the transaction commits)."""

from collections.abc import Iterable
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone

from kommunalportal.accounts.models import Membership, User
from kommunalportal.core.audit import record_event
from kommunalportal.core.errors import PermissionDenied
from kommunalportal.organisations.models import Organisation

from .models import Message


def _send_mails(mails: list[tuple[str, str, str, list[str]]]) -> None:
    if mails:
        send_mass_mail(mails, fail_silently=False)


@transaction.atomic
def notify_organisation(
    *, organisation: Organisation, roles: Iterable[str], subject: str, body: str, link: str, actor: Any
) -> list[Message]:
    """Put a message into the inbox of everyone holding one of the roles in the commune, and mail them."""
    recipients = list(
        User.objects.filter(
            pk__in=Membership.objects.filter(
                organisation=organisation, role__in=list(roles), ended_at__isnull=True
            ).values("user_id"),
            is_active=True,
        ).order_by("pk")
    )
    messages = Message.objects.bulk_create(
        Message(recipient=user, organisation=organisation, subject=subject, body=body, link=link) for user in recipients
    )
    record_event(
        actor=actor, action="notifications.organisation.notified", obj=organisation,
        after={"subject": subject, "recipients": [u.username for u in recipients]},
    )  # fmt: skip
    mails = [(subject, f"{body}\n\n{link}", settings.DEFAULT_FROM_EMAIL, [u.email]) for u in recipients if u.email]
    transaction.on_commit(partial(_send_mails, mails))
    return messages


@transaction.atomic
def mark_read(*, message: Message, actor: Any) -> Message:
    """The recipient opened the message."""
    if message.recipient_id != getattr(actor, "pk", None):
        raise PermissionDenied("not your message")
    if message.read_at is None:
        message.read_at = timezone.now()
        message.save(update_fields=["read_at"])
    return message
