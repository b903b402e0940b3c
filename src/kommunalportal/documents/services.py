"""Issuing documents: render, store once with its hash, audit."""

import hashlib
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from kommunalportal.core.audit import record_event
from kommunalportal.organisations.models import Organisation

from .models import Document, DocumentKind, file_format
from .pdf import render_pdf


@transaction.atomic
def issue_document(
    *, kind: DocumentKind, template: str, data: dict[str, Any], organisation: Organisation, title: str, actor: Any
) -> Document:
    """Render a PDF and keep it unchanged; the SHA-256 proves later that it is the one issued."""
    return store_document(
        kind=kind, content=render_pdf(template, data), organisation=organisation, title=title, actor=actor
    )


@transaction.atomic(savepoint=False)
def store_document(
    *, kind: DocumentKind, content: bytes, organisation: Organisation, title: str, actor: Any
) -> Document:
    """Keep a rendered document unchanged with its SHA-256 (for bulk actions that render while the database works)."""
    document = Document(
        kind=kind,
        title=title,
        organisation=organisation,
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        created_at=timezone.now(),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    document.file.save(f"{document.public_id}.{file_format(kind)[0]}", ContentFile(content), save=False)
    document.save()
    record_event(
        actor=actor, action="documents.document.issued", obj=document, after={"kind": kind, "sha256": document.sha256}
    )
    return document
