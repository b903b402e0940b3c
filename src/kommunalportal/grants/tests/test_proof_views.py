"""The pages of proofs of use, recoveries and base rates through the test client, per persona."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from kommunalportal.grants import proofs
from kommunalportal.grants.models import BaseRateEntry, ProofOfUse, ProofStatus, Recovery, RecoveryStatus

from .conftest import INTEREST_FROM, REPAID_ON, submit
from .test_money_views import signed_in


def _proof_data(application, *, costs="9.000,00", own="2.500,00", report="Die E-Akte ist eingeführt."):
    measure = application.measures.get()
    return {"report": report, f"cost-{measure.pk}": costs, "own_share": own, "third_party": "0,00", "receipts": ""}


def test_the_signatory_submits_the_proof_of_use_in_german_amounts(paid, municipal_signatory):
    client = signed_in(municipal_signatory, ministry=False)
    page = client.get(f"/foerderung/antraege/{paid.public_id}/verwendungsnachweis/").content.decode()
    assert "Sachbericht" in page and "10.000,00 €" in page  # the measure's planned costs
    response = client.post(f"/foerderung/antraege/{paid.public_id}/verwendungsnachweis/", _proof_data(paid))
    proof = ProofOfUse.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/foerderung/verwendungsnachweise/{proof.public_id}/"
    assert proof.lines.get().actual_costs_amount == Decimal("9000.00")
    assert proof.own_share_amount == Decimal("2500.00")
    # Once submitted, the form shows the proof instead of a second one.
    page = client.get(f"/foerderung/antraege/{paid.public_id}/verwendungsnachweis/").content.decode()
    assert "Eingereicht" in page and "<textarea" not in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"costs": "neuntausend"}, "Betrag in Euro"),
        ({"own": "1,001"}, "höchstens zwei Nachkommastellen"),
        ({"report": "  "}, "Sachbericht"),
    ],
)
def test_a_wrong_proof_gets_a_german_message_and_saves_nothing(paid, municipal_signatory, changes, message):
    client = signed_in(municipal_signatory, ministry=False)
    response = client.post(f"/foerderung/antraege/{paid.public_id}/verwendungsnachweis/", _proof_data(paid, **changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ProofOfUse.objects.exists()


def test_only_the_signatory_sees_a_form_and_another_commune_nothing(paid, municipal_applicant, other_commune_applicant):
    page = signed_in(municipal_applicant, ministry=False).get(
        f"/foerderung/antraege/{paid.public_id}/verwendungsnachweis/"
    )
    assert page.status_code == 200 and "<textarea" not in page.content.decode()
    other = signed_in(other_commune_applicant, ministry=False)
    url = f"/foerderung/antraege/{paid.public_id}/verwendungsnachweis/"
    assert other.get(url).status_code == 404
    assert other.post(url, _proof_data(paid)).status_code == 404
    assert not ProofOfUse.objects.exists()


def test_the_reviewer_settles_the_proof_on_its_page(paid, municipal_signatory, reviewer, other_commune_applicant):
    proof = submit(paid, municipal_signatory, actual="9000.00")
    client = signed_in(reviewer, ministry=True)
    listing = client.get("/foerderung/verwendungsnachweise/").content.decode()
    assert paid.reference in listing
    page = client.get(f"/foerderung/verwendungsnachweise/{proof.public_id}/").content.decode()
    assert "9.000,00 €" in page and "Nach der Finanzierungsart abrechnen" in page
    client.post(f"/foerderung/verwendungsnachweise/{proof.public_id}/review/", {"note": ""})
    proof.refresh_from_db()
    assert proof.status == ProofStatus.SHORTFALL and proof.shortfall_amount == Decimal("750.00")
    page = client.get(f"/foerderung/verwendungsnachweise/{proof.public_id}/").content.decode()
    assert "750,00 €" in page and "Rückforderung der Überzahlung einleiten" in page
    # The commune sees its settled proof; another commune neither the proof nor the list entry.
    assert (
        "750,00 €"
        in signed_in(municipal_signatory, ministry=False)
        .get(f"/foerderung/verwendungsnachweise/{proof.public_id}/")
        .content.decode()
    )
    other = signed_in(other_commune_applicant, ministry=False)
    assert other.get(f"/foerderung/verwendungsnachweise/{proof.public_id}/").status_code == 404
    assert paid.reference not in other.get("/foerderung/verwendungsnachweise/").content.decode()


def test_a_commune_cannot_review_its_own_proof_and_a_return_needs_a_note(paid, municipal_signatory, reviewer):
    proof = submit(paid, municipal_signatory)
    commune = signed_in(municipal_signatory, ministry=False)
    response = commune.post(f"/foerderung/verwendungsnachweise/{proof.public_id}/review/", {}, follow=True)
    assert "Nur Prüfer/innen" in response.content.decode()
    ministry = signed_in(reviewer, ministry=True)
    response = ministry.post(f"/foerderung/verwendungsnachweise/{proof.public_id}/return/", {"note": " "}, follow=True)
    assert "was fehlt" in response.content.decode()
    proof.refresh_from_db()
    assert proof.status == ProofStatus.SUBMITTED
    assert ministry.post(f"/foerderung/verwendungsnachweise/{proof.public_id}/unknown/").status_code == 404


def test_a_recovery_from_start_to_repayment_through_the_pages(
    shortfall, reviewer, programme_manager, payment_officer, municipal_signatory, rates_up_to_today
):
    application = shortfall.application
    starter = signed_in(reviewer, ministry=True)
    form = starter.get(f"/foerderung/antraege/{application.public_id}/rueckforderung/").content.decode()
    assert "750,00" in form  # the shortfall is proposed
    response = starter.post(
        f"/foerderung/antraege/{application.public_id}/rueckforderung/",
        {"kind": "shortfall", "principal": "750,00", "interest_from": INTEREST_FROM.isoformat(),
         "reason": "Minderausgaben von 1.000,00 €.", "hearing_days": "14", "drawdown": ""},
    )  # fmt: skip
    recovery = Recovery.objects.get()
    assert response.status_code == 302 and recovery.proof == shortfall and recovery.hearing_document is not None
    # The starter cannot issue it: four eyes.
    page = starter.get(f"/foerderung/rueckforderungen/{recovery.public_id}/").content.decode()
    assert "Vier-Augen-Prinzip" in page and "Rückforderungsbescheid erlassen" not in page
    # The commune states its view on the page.
    commune = signed_in(municipal_signatory, ministry=False)
    commune.post(f"/foerderung/rueckforderungen/{recovery.public_id}/statement/", {"statement": "Rabatt erhalten."})
    recovery.refresh_from_db()
    assert recovery.statement == "Rabatt erhalten."
    # A second person issues the decision; a payment officer records the repayment, which fixes the interest.
    signed_in(programme_manager, ministry=True).post(
        f"/foerderung/rueckforderungen/{recovery.public_id}/issue/", {"due_days": "30"}
    )
    recovery.refresh_from_db()
    assert recovery.status == RecoveryStatus.ISSUED and recovery.number.startswith("RB-")
    officer = signed_in(payment_officer, ministry=True)
    officer.post(f"/foerderung/rueckforderungen/{recovery.public_id}/repayment/", {"repaid_on": REPAID_ON.isoformat()})
    recovery.refresh_from_db()
    # The worked example: 750.00 € from 15.10.2020 to 15.04.2021, 182 days at 4.12 % → 15.41 €.
    assert recovery.status == RecoveryStatus.REPAID and recovery.interest_amount == Decimal("15.41")
    page = commune.get(f"/foerderung/rueckforderungen/{recovery.public_id}/").content.decode()
    assert "15,41 €" in page and "182" in page and "4,12 %" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"principal": "7.501,00"}, "mehr als zurückgefordert werden kann"),
        ({"principal": "abc"}, "Betrag in Euro"),
        ({"interest_from": "15.10.2020"}, "Datum"),
        ({"kind": "other"}, "warum das Geld zurückgefordert wird"),
        ({"hearing_days": "zwei"}, "ganze Zahl"),
        ({"reason": ""}, "begründen"),
    ],
)
def test_a_wrong_recovery_gets_a_german_message_and_saves_nothing(shortfall, reviewer, changes, message):
    data = {"kind": "shortfall", "principal": "750,00", "interest_from": INTEREST_FROM.isoformat(),
            "reason": "Minderausgaben.", "hearing_days": "14", "drawdown": "", **changes}  # fmt: skip
    response = signed_in(reviewer, ministry=True).post(
        f"/foerderung/antraege/{shortfall.application.public_id}/rueckforderung/", data
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Recovery.objects.exists()


def test_only_reviewers_and_programme_managers_start_a_recovery_on_the_page(
    shortfall, payment_officer, municipal_signatory, other_commune_applicant
):
    url = f"/foerderung/antraege/{shortfall.application.public_id}/rueckforderung/"
    assert signed_in(payment_officer, ministry=True).get(url).status_code == 403
    assert signed_in(municipal_signatory, ministry=False).get(url).status_code == 403
    assert signed_in(other_commune_applicant, ministry=False).get(url).status_code == 404


def test_another_commune_sees_no_recovery(hearing, other_commune_applicant, municipal_signatory):
    other = signed_in(other_commune_applicant, ministry=False)
    assert other.get(f"/foerderung/rueckforderungen/{hearing.public_id}/").status_code == 404
    assert hearing.reference not in other.get("/foerderung/rueckforderungen/").content.decode()
    response = other.post(f"/foerderung/rueckforderungen/{hearing.public_id}/statement/", {"statement": "x"})
    assert response.status_code == 404
    assert (
        hearing.reference
        in signed_in(municipal_signatory, ministry=False).get("/foerderung/rueckforderungen/").content.decode()
    )


def test_an_open_recovery_shows_the_interest_up_to_today_or_why_it_cannot(hearing, reviewer):
    client = signed_in(reviewer, ministry=True)
    page = client.get(f"/foerderung/rueckforderungen/{hearing.public_id}/").content.decode()
    expected = proofs.recovery_interest(hearing, until=timezone.localdate()).total
    assert f"{expected:.2f}".replace(".", ",") in page
    # Without a rate for the current half-year the page says what is missing instead of a number.
    BaseRateEntry.objects.filter(valid_from__gt=date(2025, 7, 1)).delete()
    page = client.get(f"/foerderung/rueckforderungen/{hearing.public_id}/").content.decode()
    assert "kein Basiszinssatz bekannt" in page and "Basiszinssätze" in page


def test_the_ministry_keeps_the_table_of_base_rates_on_its_page(payment_officer, reviewer, municipal_signatory, db):
    from .conftest import reference_data

    if not BaseRateEntry.objects.exists():
        reference_data()
    officer = signed_in(payment_officer, ministry=True)
    page = officer.get("/foerderung/basiszinssaetze/").content.decode()
    assert "-0,88 %" in page and 'value="2026-01-01"' in page  # the next date is proposed
    response = officer.post("/foerderung/basiszinssaetze/", {"valid_from": "2026-01-01", "rate": "1,27"})
    assert response.status_code == 302
    assert BaseRateEntry.objects.get(valid_from=date(2026, 1, 1)).rate == Decimal("0.0127")
    for data, message in (
        ({"valid_from": "2026-02-01", "rate": "1,27"}, "1. Januar und 1. Juli"),
        ({"valid_from": "2026-07-01", "rate": "viel"}, "in Prozent"),
        ({"valid_from": "2026-07-01", "rate": "25"}, "zwischen"),
        ({"valid_from": "", "rate": "1,27"}, "Datum"),
    ):
        response = officer.post("/foerderung/basiszinssaetze/", data)
        assert response.status_code == 200 and message in response.content.decode()
    assert not BaseRateEntry.objects.filter(valid_from__gt=date(2026, 1, 1)).exists()
    # A reviewer reads the table but cannot enter a rate; a commune sees nothing of it.
    reader = signed_in(reviewer, ministry=True)
    assert "Basiszinssatz eintragen" not in reader.get("/foerderung/basiszinssaetze/").content.decode()
    assert reader.post("/foerderung/basiszinssaetze/", {"valid_from": "2026-07-01", "rate": "1"}).status_code == 403
    assert signed_in(municipal_signatory, ministry=False).get("/foerderung/basiszinssaetze/").status_code == 403


def test_the_money_page_leads_to_the_proof_and_the_recoveries(paid, municipal_signatory):
    page = signed_in(municipal_signatory, ministry=False).get("/foerderung/geld/").content.decode()
    assert f"/foerderung/antraege/{paid.public_id}/verwendungsnachweis/" in page
    assert "/foerderung/rueckforderungen/" in page and "/foerderung/verwendungsnachweise/" in page


def test_zwischenzinsen_are_started_on_the_same_page_and_show_the_fixed_interest(paid, reviewer):
    client = signed_in(reviewer, ministry=True)
    url = f"/foerderung/antraege/{paid.public_id}/rueckforderung/"
    data = {"kind": "interim_interest", "principal": "7.500,00", "interest_from": INTEREST_FROM.isoformat(),
            "interest_until": "2021-04-15", "reason": "Verspätete Verwendung.", "hearing_days": "14",
            "drawdown": ""}  # fmt: skip
    assert "Bitte geben Sie das Datum" in client.post(url, {**data, "interest_until": ""}).content.decode()
    response = client.post(url, data)
    recovery = Recovery.objects.get()
    assert response.status_code == 302 and recovery.interest_until == date(2021, 4, 15)
    page = client.get(f"/foerderung/rueckforderungen/{recovery.public_id}/").content.decode()
    # 7,500.00 € for 182 days at 4.12 % → 154.08 €, whatever day the page is looked at.
    assert "Zwischenzinsen bis zur Verwendung der Mittel am 15.04.2021: 154,08 €" in page
