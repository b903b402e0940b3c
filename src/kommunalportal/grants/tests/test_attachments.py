import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kommunalportal.core.errors import DomainError
from kommunalportal.grants import applications as svc
from kommunalportal.grants.models import Attachment

from .conftest import IN_TIME, draft

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def test_a_pdf_is_attached_with_its_hash_and_frozen_with_the_version(
    call, bruchkoebel, municipal_applicant, municipal_signatory
):
    application = draft(call, bruchkoebel, municipal_applicant)
    attachment = svc.add_attachment(application=application, actor=municipal_applicant, name="Angebot.pdf", content=PDF)
    assert attachment.size == len(PDF) and len(attachment.sha256) == 64
    version = svc.submit_application(application=application, actor=municipal_signatory, today=IN_TIME)
    assert version.content["attachments"] == [{"name": "Angebot.pdf", "sha256": attachment.sha256, "size": len(PDF)}]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("Angebot.pdf", b"MZ\x90\x00 this is an executable", "kein PDF"),  # a PDF by name only
        ("scan.pdf", b"", "leer"),
        ("Angebot.pdf", b"%PDF-1.7 but cut off", "kein PDF"),
    ],
)
def test_anything_but_a_pdf_is_refused_by_its_content(call, bruchkoebel, municipal_applicant, name, content, message):
    application = draft(call, bruchkoebel, municipal_applicant)
    with pytest.raises(DomainError, match=message):
        svc.add_attachment(application=application, actor=municipal_applicant, name=name, content=content)
    assert not Attachment.objects.exists()


def test_a_file_over_the_limit_is_refused(call, bruchkoebel, municipal_applicant, settings):
    settings.ATTACHMENT_MAX_BYTES = 100
    application = draft(call, bruchkoebel, municipal_applicant)
    with pytest.raises(DomainError, match="größer"):
        svc.add_attachment(application=application, actor=municipal_applicant, name="a.pdf", content=PDF + b" " * 100)


def test_attachments_upload_and_download_only_for_the_commune(
    call, bruchkoebel, municipal_applicant, other_commune_applicant, client
):
    application = draft(call, bruchkoebel, municipal_applicant)
    client.force_login(municipal_applicant)
    upload = SimpleUploadedFile("Plan.pdf", PDF, content_type="application/pdf")
    response = client.post(f"/foerderung/antraege/{application.public_id}/anlagen/", {"file": upload})
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    url = f"/foerderung/antraege/{application.public_id}/anlagen/{attachment.public_id}/"
    assert b"".join(client.get(url).streaming_content) == PDF
    fake = SimpleUploadedFile("Trojaner.pdf", b"MZ not a pdf", content_type="application/pdf")
    page = client.post(f"/foerderung/antraege/{application.public_id}/anlagen/", {"file": fake}, follow=True)
    assert "kein PDF" in page.content.decode()
    client.force_login(other_commune_applicant)
    assert client.get(url).status_code == 404
    assert client.post(url + "entfernen/").status_code == 404
