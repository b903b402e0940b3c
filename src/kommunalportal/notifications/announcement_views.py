"""The ministry's pages of announcements to the communes: the list with read counts, the form, the receipts."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from kommunalportal.core.errors import DomainError

from .announcements import (
    Audience,
    announcements_with_reads,
    can_announce,
    can_read_receipts,
    publish_announcement,
    receipts,
)
from .forms import AnnouncementForm


def _ministry(user: Any) -> None:
    allowed = can_read_receipts(user)
    if not allowed:
        raise HttpForbidden(allowed.reason)


@login_required
def announcement_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    _ministry(user)
    return render(
        request, "notifications/announcements.html",
        {"announcements": announcements_with_reads()[:200], "can_announce": can_announce(user)},
    )  # fmt: skip


@login_required
def announcement_create(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    allowed = can_announce(user)
    if not allowed:
        raise HttpForbidden(allowed.reason)
    form = AnnouncementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        audience = Audience(
            districts=tuple(data["districts"]), kinds=tuple(data["kinds"]), size_classes=tuple(data["size_classes"])
        )
        try:
            announcement = publish_announcement(
                actor=user, subject=data["subject"], body=data["body"], link=data["link"], audience=audience
            )
        except DomainError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(
                request,
                _("The announcement went to %(count)d communes.") % {"count": announcement.communes},
            )
            return redirect("notifications:announcement", public_id=announcement.public_id)
    return render(request, "notifications/announcement_form.html", {"form": form})


@login_required
def announcement_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    user: Any = request.user
    _ministry(user)
    announcement = get_object_or_404(announcements_with_reads(), public_id=public_id)
    rows = receipts(announcement)
    return render(
        request, "notifications/announcement_detail.html",
        {"announcement": announcement, "receipts": rows,
         "without_recipients": announcement.communes - len(rows),
         "communes_read": sum(1 for r in rows if r.read)},
    )  # fmt: skip
