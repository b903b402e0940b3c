import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kommunalportal.core import clock


class Announcement(models.Model):
    """News from the ministry to all communes or a selection (by district, kind, size class): one message in
    the inbox of everyone working for each commune reached, and an e-mail; the reads are its receipts."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    link = models.CharField(_("link"), max_length=300, blank=True)
    # Who was meant: the official keys of districts, organisation kinds and size class codes chosen (empty: all).
    districts = models.JSONField(_("districts"), default=list, blank=True)
    kinds = models.JSONField(_("kinds"), default=list, blank=True)
    size_classes = models.JSONField(_("size classes"), default=list, blank=True)
    communes = models.PositiveIntegerField(_("communes reached"), default=0)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(_("published at"))

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")

    def __str__(self) -> str:
        return self.subject


class Message(models.Model):
    """A message in a person's in-portal inbox; the same text goes out by e-mail where they have one."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inbox")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    link = models.CharField(_("link"), max_length=300, blank=True)
    announcement = models.ForeignKey(
        Announcement, on_delete=models.PROTECT, related_name="messages", null=True, blank=True
    )
    created_at = models.DateTimeField(_("created at"), default=clock.now, editable=False)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [models.Index(fields=["recipient", "read_at"], name="inbox_unread_idx")]

    def __str__(self) -> str:
        return self.subject
