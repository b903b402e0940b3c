import io
import re

import pypdf
import pytest

from kommunalportal.documents.models import Document, DocumentKind
from kommunalportal.grants import applications as svc
from kommunalportal.grants.models import DecisionKind

pytestmark = pytest.mark.django_db


def pdf_text(document: Document) -> str:
    with document.file.open("rb") as handle:
        reader = pypdf.PdfReader(io.BytesIO(handle.read()))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return re.sub(r"\s+", " ", text.replace("\u00ad", "-"))


def test_submission_issues_a_receipt_with_the_hash_of_the_version(submitted):
    version = submitted.versions.get()
    assert version.receipt.kind == DocumentKind.RECEIPT
    text = pdf_text(version.receipt)
    assert "Eingangsbestätigung" in text and submitted.reference in text
    assert version.content_sha256 in text.replace(" ", "")


def test_the_bescheid_carries_the_legal_minimum(submitted, reviewer, programme_manager):
    decision = svc.prepare_decision(application=submitted, actor=reviewer, kind=DecisionKind.APPROVAL)
    decision = svc.release_decision(decision=decision, actor=programme_manager)
    document = decision.document
    assert document.kind == DocumentKind.GRANT_DECISION and len(document.sha256) == 64
    text = pdf_text(document)
    for required in (
        "Zuwendungsbescheid", "ZB-2020-0001", "Bruchköbel, Stadt", "in Höhe von 15.000,00 €",  # recipient, amount
        "E-Akte einführen", "Anteilfinanzierung", "Zuwendungsfähige Ausgaben",  # purpose, financing, costs
        "Bewilligungszeitraum", "01.10.2020", "30.09.2021",  # period
        "ANBest-GK", "Verwendungsnachweis", "31.12.2021", "Prüfungsrechte", "Rechtsbehelfsbelehrung",
    ):  # fmt: skip
        assert required in text, required


def test_a_rejection_is_an_ablehnungsbescheid_with_its_reason(submitted, reviewer, programme_manager):
    decision = svc.prepare_decision(
        application=submitted, actor=reviewer, kind=DecisionKind.REJECTION, reason="Die Frist wurde versäumt."
    )
    decision = svc.release_decision(decision=decision, actor=programme_manager)
    text = pdf_text(decision.document)
    assert "Ablehnungsbescheid" in text and "AB-2020-0001" in text and "Die Frist wurde versäumt." in text
    assert "Rechtsbehelfsbelehrung" in text


def test_documents_are_immutable(submitted):
    receipt = submitted.versions.get().receipt
    with pytest.raises(ValueError, match="immutable"):
        receipt.save()
    with pytest.raises(ValueError, match="immutable"):
        receipt.delete()


def test_the_commune_downloads_its_bescheid_and_nobody_else_does(
    submitted,
    reviewer,
    programme_manager,
    client,
    municipal_applicant,
    other_commune_applicant,
    citizen,
):
    decision = svc.release_decision(
        decision=svc.prepare_decision(application=submitted, actor=reviewer, kind=DecisionKind.APPROVAL),
        actor=programme_manager,
    )
    url = f"/dokumente/{decision.document.public_id}/"
    client.force_login(municipal_applicant)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["X-Content-SHA256"] == decision.document.sha256
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    for outsider in (other_commune_applicant, citizen):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url)["Location"].startswith("/anmelden/")
