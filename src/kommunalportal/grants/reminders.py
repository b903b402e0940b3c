"""Deadlines and reminders: proof-of-use deadlines ahead and overdue, drawn funds to be spent, drawdown
requests waiting for the ministry. Each reminder is sent once: its key is stored, a second run finds it."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kommunalportal.accounts.roles import Role
from kommunalportal.notifications.services import Notice, notify_organisations
from kommunalportal.organisations.models import Organisation
from kommunalportal.organisations.selectors import land

from .applications import APPLICANT_ROLES
from .models import Application, Drawdown, ProofOfUse, Reminder
from .workflow import GRANTED, DrawdownStatus, ProofStatus

PROOF_AHEAD = timedelta(days=30)
SPEND_AHEAD = timedelta(days=7)
REQUEST_WAITING = timedelta(days=7)
ACTOR = "reminders"


@dataclass(frozen=True)
class Due:
    key: str
    organisation: Organisation
    roles: tuple[str, ...]
    subject: str
    body: str
    link: str


def _day(value: date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


def due_reminders(today: date) -> list[Due]:
    """Every reminder that is due today, whether or not it was sent before."""
    due: list[Due] = []
    money = reverse("grants:money")
    commune = APPLICANT_ROLES
    proven = ProofOfUse.objects.exclude(status=ProofStatus.RETURNED).values("application_id")
    for application in (
        Application.objects.filter(status__in=GRANTED, call__proof_of_use_due_on__lte=today + PROOF_AHEAD)
        .exclude(pk__in=proven).select_related("call", "organisation")
    ):  # fmt: skip
        deadline = application.call.proof_of_use_due_on
        overdue = deadline < today
        due.append(Due(
            key=f"proof-{'overdue' if overdue else 'ahead'}:{application.pk}", organisation=application.organisation,
            roles=commune, link=money,
            subject=(_("Proof of use for %(reference)s is overdue") if overdue
                     else _("Proof of use for %(reference)s is due soon")) % {"reference": application.reference},
            body=_("The proof of use (Sachbericht and figures) for %(reference)s is due on %(day)s.")
            % {"reference": application.reference, "day": _day(deadline)},
        ))  # fmt: skip
    for drawdown in Drawdown.objects.filter(
        status=DrawdownStatus.PAID, spend_by__lte=today + SPEND_AHEAD, spend_by__gte=today
    ).select_related("application__organisation"):
        due.append(Due(
            key=f"spend-ahead:{drawdown.pk}", organisation=drawdown.application.organisation, roles=commune,
            link=money, subject=_("Drawn funds %(reference)s: to be spent by %(day)s")
            % {"reference": drawdown.reference, "day": _day(drawdown.spend_by)},
            body=_("Funds not spent by then must be returned with interest (§ 49a VwVfG)."),
        ))  # fmt: skip
    state = land()
    if state is not None:
        for drawdown in Drawdown.objects.filter(
            status=DrawdownStatus.REQUESTED, requested_at__date__lte=today - REQUEST_WAITING
        ).select_related("application__organisation"):
            due.append(Due(
                key=f"request-waiting:{drawdown.pk}", organisation=state,
                roles=(Role.REVIEWER, Role.PROGRAMME_MANAGER), link=reverse("grants:drawdowns"),
                subject=_("Drawdown %(reference)s has been waiting for a week")
                % {"reference": drawdown.reference},
                body=_("%(commune)s asked for funds on %(day)s.")
                % {"commune": drawdown.application.organisation.short_name, "day": _day(drawdown.requested_at.date())},
            ))  # fmt: skip
    return due


def send_due_reminders(*, today: date, actor: Any = ACTOR) -> int:
    """Send each due reminder that was not sent before; returns how many went out. Safe to run twice at once:
    the unique key lets one run claim a reminder, the other skips it."""
    sent = 0
    for reminder in due_reminders(today):
        try:
            with transaction.atomic():
                Reminder.objects.create(key=reminder.key, organisation=reminder.organisation, subject=reminder.subject)
                notify_organisations(
                    notices=[Notice(organisation=reminder.organisation, subject=reminder.subject, body=reminder.body,
                                    link=reminder.link)],
                    roles=reminder.roles, actor=actor,
                )  # fmt: skip
        except IntegrityError:
            continue
        sent += 1
    return sent
