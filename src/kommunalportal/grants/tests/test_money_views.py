"""The money pages through the test client, per persona: what each may see and do, and what not."""

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from conftest import signed_in
from kommunalportal.grants import payments
from kommunalportal.grants.models import Drawdown, DrawdownStatus, PayeeAccount, PaymentRun, PaymentRunStatus
from kommunalportal.grants.sepa import parse_transfers

from .conftest import IBAN, request

MINISTRY = {"programme_manager", "reviewer", "payment_officer", "auditor", "second_officer"}


def as_(persona, pytest_request):
    return signed_in(pytest_request.getfixturevalue(persona), ministry=persona in MINISTRY)


def test_the_commune_sees_its_grant_and_requests_funds_in_german_amounts(account, grant, municipal_signatory):
    client = signed_in(municipal_signatory, ministry=False)
    page = client.get("/foerderung/geld/").content.decode()
    assert grant.reference in page and "15.000,00 €" in page and "Mittel abrufen" in page
    response = client.post(
        f"/foerderung/antraege/{grant.public_id}/mittelabruf/",
        {"expenses": "4.000,00", "purpose": "Lizenzen E-Akte", "in_time": "on"},
    )
    assert response.status_code == 302
    assert Drawdown.objects.get().amount == Decimal("3000.00")
    assert "beantragt: 3.000,00 €." in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    ("expenses", "in_time", "message"),
    [
        ("viertausend", "on", "Betrag in Euro"),
        ("1,001", "on", "höchstens zwei Nachkommastellen"),
        ("30.000,00", "on", "mehr als vom Zuschuss übrig"),
        ("100,00", "", "innerhalb von 60 Tagen"),
    ],
)
def test_bad_input_gets_a_german_message_and_saves_nothing(
    account, grant, municipal_signatory, expenses, in_time, message
):
    client = signed_in(municipal_signatory, ministry=False)
    data = {"expenses": expenses, "purpose": "Lizenzen", **({"in_time": in_time} if in_time else {})}
    response = client.post(f"/foerderung/antraege/{grant.public_id}/mittelabruf/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Drawdown.objects.exists()


def test_another_commune_sees_nothing_of_the_grant_and_cannot_draw_from_it(
    account, grant, municipal_signatory, other_commune_applicant
):
    request(grant, municipal_signatory)
    client = signed_in(other_commune_applicant, ministry=False)
    page = client.get("/foerderung/geld/").content.decode()
    assert grant.reference not in page and "MA-" not in page
    assert client.get(f"/foerderung/antraege/{grant.public_id}/mittelabruf/").status_code == 404
    rows = list(csv.reader(io.StringIO(client.get("/foerderung/geld/?format=csv").content.decode()), delimiter=";"))
    assert len(rows) == 1  # the header only
    drawdown = Drawdown.objects.get()
    assert (
        client.post(f"/foerderung/mittelabrufe/{drawdown.public_id}/entscheidung/", {"decision": "approve"}).status_code
        == 404
    )


@pytest.mark.parametrize("persona", ["municipal_signatory", "municipal_applicant", "clerk", "citizen"])
def test_only_the_ministry_sees_the_drawdown_queue_and_the_payment_runs(persona, request, account, approved):
    client = as_(persona, request)
    for url in ("/foerderung/mittelabrufe/", "/foerderung/zahlungslaeufe/", "/foerderung/konten/"):
        assert client.get(url).status_code == 403
    assert client.post(
        "/foerderung/zahlungslaeufe/neu/", {"drawdown": [d.public_id for d in approved], "execution_on": "2030-01-01"}
    ).status_code in {302, 403}
    assert not PaymentRun.objects.exists()


def test_two_payment_officers_put_together_and_release_a_run_and_download_its_file(
    approved, payment_officer, second_officer, municipal_signatory
):
    first = signed_in(payment_officer, ministry=True)
    page = first.get("/foerderung/mittelabrufe/").content.decode()
    assert all(d.reference in page for d in approved)
    response = first.post(
        "/foerderung/zahlungslaeufe/neu/",
        {"drawdown": [str(d.public_id) for d in approved], "execution_on": "2099-01-02"},
    )
    run = PaymentRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/foerderung/zahlungslaeufe/{run.public_id}/"
    # The one who put it together sees no release button and is refused if they try.
    assert "zweite Person" not in first.get(response["Location"]).content.decode()
    first.post(f"/foerderung/zahlungslaeufe/{run.public_id}/release/")
    assert PaymentRun.objects.get().status == PaymentRunStatus.DRAFT
    second = signed_in(second_officer, ministry=True)
    second.post(f"/foerderung/zahlungslaeufe/{run.public_id}/release/")
    run.refresh_from_db()
    assert run.status == PaymentRunStatus.RELEASED
    download = second.get(f"/dokumente/{run.file.public_id}/")
    assert download["Content-Type"] == "application/xml"
    assert download["Content-Disposition"].startswith("attachment;")  # saved for the treasury, not shown
    xml = b"".join(download.streaming_content)
    assert {entry[1] for entry in parse_transfers(xml)} == {IBAN}
    # The commune sees neither the run nor the file, which names other communes too.
    commune = signed_in(municipal_signatory, ministry=False)
    assert commune.get(f"/dokumente/{run.file.public_id}/").status_code == 404
    assert commune.get(f"/foerderung/zahlungslaeufe/{run.public_id}/").status_code in {403, 404}
    # The treasury's answer: everything paid.
    second.post(f"/foerderung/zahlungslaeufe/{run.public_id}/outcome/")
    assert set(Drawdown.objects.values_list("status", flat=True)) == {DrawdownStatus.PAID}


def test_a_reviewer_approves_and_rejects_requests_in_the_queue(account, grant, municipal_signatory, reviewer):
    one, two = request(grant, municipal_signatory), request(grant, municipal_signatory)
    client = signed_in(reviewer, ministry=True)
    client.post(f"/foerderung/mittelabrufe/{one.public_id}/entscheidung/", {"decision": "approve"})
    response = client.post(
        f"/foerderung/mittelabrufe/{two.public_id}/entscheidung/", {"decision": "reject"}, follow=True
    )
    assert "Bitte nennen Sie der Kommune einen Grund." in response.content.decode()  # rejecting needs a reason
    client.post(f"/foerderung/mittelabrufe/{two.public_id}/entscheidung/", {"decision": "reject", "note": "Zu früh"})
    assert {d.reference: d.status for d in Drawdown.objects.all()} == {
        one.reference: DrawdownStatus.APPROVED,
        two.reference: DrawdownStatus.REJECTED,
    }


def test_an_account_change_through_the_pages_needs_a_payment_officer(grant, municipal_signatory, payment_officer):
    commune = signed_in(municipal_signatory, ministry=False)
    commune.post("/foerderung/geld/konto/", {"organisation": grant.organisation.key, "holder": "Stadt Bruchköbel",
                                             "iban": "DE02 5005 0000 0001 0001 30", "bic": ""})  # fmt: skip
    account = PayeeAccount.objects.get()
    assert account.iban == IBAN and account.confirmed_at is None
    assert commune.post(f"/foerderung/konten/{account.public_id}/", {"decision": "confirm"}).status_code == 302
    assert PayeeAccount.objects.get().confirmed_at is None  # refused: not a payment officer
    officer = signed_in(payment_officer, ministry=True)
    assert "DE02500500000001000130" in officer.get("/foerderung/konten/").content.decode()
    officer.post(f"/foerderung/konten/{account.public_id}/", {"decision": "confirm"})
    assert payments.payee_account_of(grant.organisation) == account


def test_the_ministry_exports_every_grant_as_xlsx_and_csv(account, grant, approved, auditor):
    client = signed_in(auditor, ministry=True)
    book = load_workbook(io.BytesIO(client.get("/foerderung/geld/?format=xlsx").content))
    rows = list(book.active.values)
    assert rows[0][:5] == ("reference", "commune", "key", "call", "approved")
    assert rows[1][0] == grant.reference and Decimal(str(rows[1][4])) == Decimal("15000")
    text = client.get("/foerderung/geld/?format=csv").content.decode("utf-8-sig")
    assert f"{grant.reference};Bruchköbel" in text
    header, first = list(csv.reader(io.StringIO(text), delimiter=";"))[:2]
    amounts = dict(zip(header, first, strict=True))
    # To the cent with a decimal comma, whatever places the database's sums carry; no proof yet: empty.
    assert amounts["approved"] == "15000,00" and amounts["paid"] == "0,00" and amounts["proven"] == ""


def test_the_money_page_reads_a_constant_number_of_queries(account, grant, auditor, django_assert_max_num_queries):
    client = signed_in(auditor, ministry=True)
    with django_assert_max_num_queries(20):
        assert client.get("/foerderung/geld/").status_code == 200


def test_taking_a_drawdown_out_of_a_run_with_garbage_is_no_server_error(approved, payment_officer):
    officer = signed_in(payment_officer, ministry=True)
    officer.post(
        "/foerderung/zahlungslaeufe/neu/",
        {"drawdown": [str(d.public_id) for d in approved] + ["kein-uuid"], "execution_on": "2099-01-02"},
    )
    run = PaymentRun.objects.get()
    assert run.items.count() == 2
    for item in ("abc", "", "-1", "999999"):
        response = officer.post(f"/foerderung/zahlungslaeufe/{run.public_id}/remove/", {"item": item})
        assert response.status_code == 404
    item = run.items.first()
    response = officer.post(f"/foerderung/zahlungslaeufe/{run.public_id}/remove/", {"item": str(item.pk)})
    assert response.status_code == 302
    assert run.items.filter(outcome="removed").count() == 1


@pytest.mark.parametrize("persona", ["payment_officer", "reviewer", "programme_manager", "auditor"])
def test_the_money_page_links_only_to_pages_its_reader_may_open(persona, request, account, approved):
    import re

    client = as_(persona, request)
    page = client.get("/foerderung/geld/").content.decode()
    links = set(re.findall(r'href="(/foerderung/[^"?#]*)"', page))
    assert links
    for link in links:
        assert client.get(link).status_code == 200, link
    assert ('href="/foerderung/konten/"' in page) == (persona == "payment_officer")
