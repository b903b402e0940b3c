import pytest

from kommunalportal.core.errors import PermissionDenied
from kommunalportal.documents.models import Document, DocumentKind
from kommunalportal.grants import applications as svc
from kommunalportal.grants.models import DecisionKind
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db


def test_the_receipt_is_issued_on_first_download_from_the_frozen_version(submitted, client, municipal_applicant):
    version = submitted.versions.get()
    assert version.receipt is None  # nothing is rendered at submission
    # Later edits of the live application do not reach the receipt: it prints what was submitted.
    type(submitted).objects.filter(pk=submitted.pk).update(title="Später geändert")
    url = f"/foerderung/antraege/{submitted.public_id}/fassungen/{version.number}/eingangsbestaetigung/"
    client.force_login(municipal_applicant)
    first = client.get(url)
    version.refresh_from_db()
    assert version.receipt.kind == DocumentKind.RECEIPT
    assert first["Location"] == f"/dokumente/{version.receipt.public_id}/"
    assert client.get(url)["Location"] == first["Location"]  # issued once, then the same file
    assert Document.objects.filter(kind=DocumentKind.RECEIPT).count() == 1
    text = pdf_text(version.receipt)
    assert "Eingangsbestätigung" in text and submitted.reference in text and "Später geändert" not in text
    assert version.content_sha256 in text.replace(" ", "")
    assert f"Datum: {version.submitted_at:%d.%m.%Y}" in text


def test_the_receipt_is_the_communes_own(submitted, client, other_commune_applicant, citizen):
    url = f"/foerderung/antraege/{submitted.public_id}/fassungen/1/eingangsbestaetigung/"
    for outsider in (other_commune_applicant, citizen):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
    assert submitted.versions.get().receipt is None
    with pytest.raises(PermissionDenied):
        svc.receipt_of(version=submitted.versions.get(), actor=other_commune_applicant)


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


def test_documents_are_immutable(submitted, municipal_applicant):
    receipt = svc.receipt_of(version=submitted.versions.get(), actor=municipal_applicant)
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
