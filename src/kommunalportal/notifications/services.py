"""Telling people: in-portal inbox and e-mail (queued when the transaction commits, sent by the worker)."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction

from kommunalportal.accounts.models import Membership, User
from kommunalportal.core import clock
from kommunalportal.core.audit import record_event
from kommunalportal.core.errors import PermissionDenied
from kommunalportal.organisations.models import Organisation

from .models import Announcement, Message
from .tasks import send_mails


@dataclass(frozen=True)
class Notice:
    organisation: Organisation
    subject: str
    body: str
    link: str
    announcement: Announcement | None = None


@transaction.atomic(savepoint=False)
def notify_organisations(*, notices: list[Notice], roles: Iterable[str], actor: Any) -> list[Message]:
    """Put a message into the inbox of everyone holding one of the roles in each commune, and mail them.

    One read of the recipients and one write, however many communes (a bulk action tells hundreds).
    """
    organisations = {notice.organisation.pk for notice in notices}
    recipients: dict[int, list[User]] = defaultdict(list)
    for membership in (
        Membership.objects.filter(
            organisation_id__in=organisations, role__in=list(roles), ended_at__isnull=True, user__is_active=True
        )
        .select_related("user")
        .order_by("user_id")
    ):
        people = recipients[membership.organisation_id]
        if membership.user not in people:
            people.append(membership.user)
    messages = Message.objects.bulk_create(
        [
            Message(
                recipient=user,
                organisation=notice.organisation,
                subject=notice.subject,
                body=notice.body,
                link=notice.link,
                announcement=notice.announcement,
            )
            for notice in notices
            for user in recipients[notice.organisation.pk]
        ],
        batch_size=500,
    )
    mails = []
    for notice in notices:
        people = recipients[notice.organisation.pk]
        record_event(
            actor=actor, action="notifications.organisation.notified", obj=notice.organisation,
            after={"subject": notice.subject, "recipients": [u.username for u in people]},
        )  # fmt: skip
        mails += [
            [notice.subject, f"{notice.body}\n\n{notice.link}", settings.DEFAULT_FROM_EMAIL, [u.email]]
            for u in people
            if u.email
        ]
    if mails:  # one task for all of them, queued only if the change commits
        transaction.on_commit(partial(send_mails.enqueue, mails))
    return messages


@transaction.atomic
def mark_read(*, message: Message, actor: Any) -> Message:
    """The recipient opened the message."""
    if message.recipient_id != getattr(actor, "pk", None):
        raise PermissionDenied("not your message")
    if message.read_at is None:
        message.read_at = clock.now()
        message.save(update_fields=["read_at"])
    return message
