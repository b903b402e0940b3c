from decimal import Decimal

import pytest

from kommunalportal.core.errors import DomainError, PermissionDenied
from kommunalportal.grants import applications as svc
from kommunalportal.grants.models import DecisionKind
from kommunalportal.grants.workflow import ApplicationStatus
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def granted(submitted, reviewer, programme_manager):
    decision = svc.prepare_decision(application=submitted, actor=reviewer, kind=DecisionKind.APPROVAL)
    svc.release_decision(decision=decision, actor=programme_manager)
    submitted.refresh_from_db()
    return submitted


def test_an_amendment_is_requested_prepared_and_released_with_four_eyes(
    granted, municipal_signatory, reviewer, programme_manager
):
    svc.request_amendment(
        application=granted, actor=municipal_signatory, requested_amount=Decimal("12000.00"),
        reason="Die Hardware ist günstiger geworden.",
    )  # fmt: skip
    granted.refresh_from_db()
    assert granted.status == ApplicationStatus.AMENDMENT_REQUESTED
    decision = svc.decide_amendment(application=granted, actor=reviewer, approve=True)
    with pytest.raises(PermissionDenied):
        svc.release_decision(decision=decision, actor=reviewer)
    released = svc.release_decision(decision=decision, actor=programme_manager)
    assert released.number == "ÄB-2020-0001"
    granted.refresh_from_db()
    assert granted.status == ApplicationStatus.APPROVED
    assert svc.current_grant(granted) == Decimal("12000.00")
    assert granted.measures.get().approved_amount == Decimal("12000.00")
    text = pdf_text(released.document)
    assert "Änderungsbescheid" in text and "12.000,00 €" in text and "Die Hardware ist günstiger geworden." in text


def test_a_refused_amendment_returns_to_the_grant(granted, municipal_signatory, reviewer):
    svc.request_amendment(application=granted, actor=municipal_signatory, requested_amount=Decimal(1), reason="x")
    with pytest.raises(DomainError):
        svc.decide_amendment(application=granted, actor=reviewer, approve=False)
    svc.decide_amendment(application=granted, actor=reviewer, approve=False, reason="Nicht begründet.")
    granted.refresh_from_db()
    assert granted.status == ApplicationStatus.APPROVED
    assert svc.current_grant(granted) == Decimal("15000.00")


def test_an_amendment_stays_within_the_rules(granted, municipal_signatory, municipal_applicant):
    with pytest.raises(PermissionDenied):
        svc.request_amendment(application=granted, actor=municipal_applicant, requested_amount=Decimal(1), reason="x")
    with pytest.raises(DomainError):  # beyond the envelope and the funding rate
        svc.request_amendment(
            application=granted, actor=municipal_signatory, requested_amount=Decimal("90000.00"), reason="mehr"
        )
    with pytest.raises(DomainError):
        svc.request_amendment(application=granted, actor=municipal_signatory, requested_amount=Decimal(1), reason=" ")


def test_only_granted_applications_can_be_amended(submitted, municipal_signatory):
    with pytest.raises(DomainError):
        svc.request_amendment(application=submitted, actor=municipal_signatory, requested_amount=Decimal(1), reason="x")


def test_amendment_pages(granted, client, municipal_signatory, verified_client, reviewer, other_commune_applicant):
    client.force_login(municipal_signatory)
    base = f"/foerderung/antraege/{granted.public_id}/"
    response = client.post(base + "aenderung/", {"requested_amount": "13000,00", "reason": "Preise gesunken"})
    assert response.status_code == 302
    granted.refresh_from_db()
    assert granted.status == ApplicationStatus.AMENDMENT_REQUESTED
    verified_client(reviewer).post(base + "aenderung/entscheidung/", {"outcome": "approve", "reason": ""})
    granted.refresh_from_db()
    assert granted.status == ApplicationStatus.DECISION_PREPARED
    client.force_login(other_commune_applicant)
    assert client.post(base + "aenderung/", {"requested_amount": "1", "reason": "x"}).status_code == 404
