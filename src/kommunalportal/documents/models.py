import uuid
from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    RECEIPT = "receipt", _("Receipt of an application")
    GRANT_DECISION = "grant_decision", _("Grant decision")
    REJECTION_DECISION = "rejection_decision", _("Rejection decision")
    PAYMENT_FILE = "payment_file", _("SEPA payment file")
    RECOVERY_HEARING = "recovery_hearing", _("Hearing before a recovery")
    RECOVERY_DECISION = "recovery_decision", _("Recovery decision")


# Every document is a PDF but the payment files, which the treasury reads as SEPA XML.
FORMATS = {DocumentKind.PAYMENT_FILE: ("xml", "application/xml")}
PDF = ("pdf", "application/pdf")


def file_format(kind: str) -> tuple[str, str]:
    """The file extension and media type of a document of this kind."""
    return FORMATS.get(DocumentKind(kind), PDF)


def _path(instance: "Document", filename: str) -> str:
    return f"documents/{instance.created_at:%Y/%m}/{instance.public_id}.{file_format(instance.kind)[0]}"


class Document(models.Model):
    """A generated document (a PDF, or a payment file) that the portal issued; stored once, never changed,
    identified by its SHA-256."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=30, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=200)
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="documents", verbose_name=_("commune")
    )
    file = models.FileField(_("file"), upload_to=_path)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("size in bytes"))
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("documents are immutable")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise ValueError("documents are immutable")
