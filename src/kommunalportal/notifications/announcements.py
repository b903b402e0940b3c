"""News to communes: the ministry publishes an announcement to all communes or a selection (by district,
kind, size class); it lands in the inbox of everyone working for each commune reached and goes out by
e-mail; the ministry sees who has read it."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Count, Min, Q, QuerySet
from django.utils.translation import gettext as _

from kommunalportal.accounts.policies import has_role
from kommunalportal.accounts.roles import COMMUNE_ROLES, Role
from kommunalportal.core import clock
from kommunalportal.core.audit import record_event
from kommunalportal.core.errors import DomainError
from kommunalportal.core.policies import Decision, require
from kommunalportal.organisations.models import COMMUNE_KINDS, MUNICIPAL_KINDS, Organisation, OrganisationKind
from kommunalportal.organisations.rules import SIZE_CLASSES_BY_CODE

from .models import Announcement
from .services import Notice, notify_organisations


def can_announce(user: Any) -> Decision:
    if has_role(user, Role.PROGRAMME_MANAGER):
        return Decision.allow()
    return Decision.deny(_("Only programme managers publish announcements to the communes."))


def can_read_receipts(user: Any) -> Decision:
    from kommunalportal.accounts.policies import is_ministry_user

    if is_ministry_user(user):
        return Decision.allow()
    return Decision.deny(_("Only ministry staff see the announcements and who has read them."))


@dataclass(frozen=True)
class Audience:
    """Whom an announcement is for: every filter given narrows it; none given means every commune."""

    districts: tuple[str, ...] = ()  # official keys of Landkreise: the district and its municipalities
    kinds: tuple[str, ...] = ()  # OrganisationKind values among the communes
    size_classes: tuple[str, ...] = ()  # size class codes: municipalities by inhabitants (districts have none)

    def communes(self) -> QuerySet[Organisation]:
        unknown_kinds = set(self.kinds) - {kind.value for kind in COMMUNE_KINDS}
        unknown_sizes = set(self.size_classes) - set(SIZE_CLASSES_BY_CODE)
        if unknown_kinds or unknown_sizes:
            raise DomainError(_("Choose districts, kinds and size classes from the lists."))
        communes = Organisation.objects.filter(kind__in=COMMUNE_KINDS, is_active=True)
        if self.districts:
            known = set(
                Organisation.objects.filter(kind=OrganisationKind.DISTRICT, key__in=self.districts).values_list(
                    "key", flat=True
                )
            )
            if known != set(self.districts):
                raise DomainError(_("Choose districts, kinds and size classes from the lists."))
            communes = communes.filter(Q(key__in=self.districts) | Q(district__key__in=self.districts))
        if self.kinds:
            communes = communes.filter(kind__in=self.kinds)
        if self.size_classes:
            by_size = Q()
            for code in self.size_classes:
                size = SIZE_CLASSES_BY_CODE[code]
                bounds = Q(population__gte=size.min_population)
                if size.max_population is not None:
                    bounds &= Q(population__lt=size.max_population)
                by_size |= bounds
            communes = communes.filter(by_size, kind__in=MUNICIPAL_KINDS)
        return communes.order_by("short_name", "key")


@transaction.atomic
def publish_announcement(*, actor: Any, subject: str, body: str, link: str = "", audience: Audience) -> Announcement:
    """Publish the announcement to every commune of the audience: inbox and e-mail for all who work there."""
    require(can_announce(actor))
    subject, body, link = subject.strip(), body.strip(), link.strip()
    if not subject or not body:
        raise DomainError(_("An announcement needs a subject and a text."))
    if len(subject) > 200:
        raise DomainError(_("The subject can be at most 200 characters long."))
    if link and not link.startswith("/"):
        raise DomainError(_("A link must lead to a page of the portal and start with /."))
    communes = list(audience.communes())
    if not communes:
        raise DomainError(_("No commune matches this selection."))
    announcement = Announcement.objects.create(
        subject=subject, body=body, link=link, districts=list(audience.districts), kinds=list(audience.kinds),
        size_classes=list(audience.size_classes), communes=len(communes), published_by=actor,
        published_at=clock.now(),
    )  # fmt: skip
    notify_organisations(
        notices=[
            Notice(organisation=c, subject=subject, body=body, link=link, announcement=announcement) for c in communes
        ],
        roles=COMMUNE_ROLES,
        actor=actor,
    )
    record_event(
        actor=actor, action="notifications.announcement.published", obj=announcement,
        after={"subject": subject, "districts": list(audience.districts), "kinds": list(audience.kinds),
               "size_classes": list(audience.size_classes), "communes": len(communes)},
    )  # fmt: skip
    return announcement


@dataclass(frozen=True)
class Receipt:
    """How far an announcement reached one commune: its recipients, how many have read it, and when first."""

    organisation: Organisation
    recipients: int
    read: int
    first_read_at: datetime | None


def receipts(announcement: Announcement) -> list[Receipt]:
    """The read receipts of an announcement, commune by commune, in two queries."""
    rows = (
        announcement.messages.order_by()
        .values("organisation_id")
        .annotate(
            recipients=Count("pk"),
            read=Count("pk", filter=Q(read_at__isnull=False)),
            first_read_at=Min("read_at"),
        )
    )
    by_commune = {row["organisation_id"]: row for row in rows}
    organisations = Organisation.objects.filter(pk__in=by_commune).order_by("short_name", "key")
    return [
        Receipt(
            organisation=o, recipients=by_commune[o.pk]["recipients"], read=by_commune[o.pk]["read"],
            first_read_at=by_commune[o.pk]["first_read_at"],
        )
        for o in organisations
    ]  # fmt: skip


def announcements_with_reads() -> QuerySet[Announcement]:
    """Every announcement with the number of messages sent and read, newest first (one query)."""
    return Announcement.objects.select_related("published_by").annotate(
        sent=Count("messages"), read=Count("messages", filter=Q(messages__read_at__isnull=False))
    )
