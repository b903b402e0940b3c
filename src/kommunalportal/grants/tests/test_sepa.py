"""The pain.001 file of a payment run: schema, header figures, character set and refusals."""

import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
import sepaxml
import xmlschema
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from schwifty import IBAN

from kommunalportal.core.money import from_cents
from kommunalportal.grants.sepa import (
    CreditTransferFile,
    Debtor,
    Transfer,
    credit_transfer_file,
    parse_transfers,
    sepa_text,
)

HELABA = "50050000"  # Landesbank Hessen-Thüringen
HELABA_BIC = "HELADEFFXXX"
PAIN_001 = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"
XSD = Path(sepaxml.__file__).parent / "schemas" / "pain.001.001.09.xsd"
CREATED_AT = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
EXECUTION_ON = date(2025, 3, 4)
MESSAGE_ID = "ZL-2025-0007"


def iban(account: int) -> str:
    return IBAN.generate("DE", bank_code=HELABA, account_code=str(account)).compact


TREASURY = Debtor(name="Landeshauptkasse Hessen", iban=iban(1_000_001), bic=HELABA_BIC)


def transfer(number: int, amount: str, name: str = "Gemeinde Bruchköbel", remittance: str = "Zuwendung") -> Transfer:
    return Transfer(
        end_to_end_id=f"SHH-2025-{number:04d}",
        creditor_name=name,
        iban=iban(2_000_000 + number),
        bic=HELABA_BIC,
        amount=Decimal(amount),
        remittance=remittance,
    )


def run(transfers: list[Transfer], message_id: str = MESSAGE_ID) -> CreditTransferFile:
    return credit_transfer_file(
        debtor=TREASURY,
        message_id=message_id,
        execution_date=EXECUTION_ON,
        transfers=transfers,
        created_at=CREATED_AT,
    )


def header(xml: bytes, field: str) -> str:
    node = ET.fromstring(xml).find(f"{{*}}CstmrCdtTrfInitn/{{*}}GrpHdr/{{*}}{field}")  # noqa: S314
    assert node is not None and node.text is not None
    return node.text


def texts(xml: bytes, path: str) -> list[str]:
    return [node.text or "" for node in ET.fromstring(xml).iterfind(path)]  # noqa: S314


@pytest.fixture(scope="module")
def schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(XSD)


@pytest.fixture
def three() -> list[Transfer]:
    return [
        transfer(1, "7500.00", name="Gemeinde Bad König", remittance="Zuwendung SHH-2025-0001 Dorfgemeinschaftshaus"),
        transfer(2, "54912.00", name="Stadt Frankfurt am Main – Kämmerei", remittance="Zuwendung SHH-2025-0002"),
        transfer(3, "0.01", name="Gemeinde Großkrotzenburg", remittance="Rest aus Ausgleich"),
    ]


def test_the_file_validates_against_the_pain_001_001_09_schema(schema, three):
    xml = run(three).xml
    schema.validate(xml.decode())
    assert ET.fromstring(xml).tag == f"{{{PAIN_001}}}Document"  # noqa: S314


def test_the_header_states_the_exact_count_and_sum(three):
    result = run(three)
    assert result.count == 3
    assert result.control_sum == Decimal("62412.01")
    assert header(result.xml, "NbOfTxs") == "3"
    assert Decimal(header(result.xml, "CtrlSum")) == Decimal("7500.00") + Decimal("54912.00") + Decimal("0.01")
    assert texts(result.xml, ".//{*}PmtInf/{*}NbOfTxs") == ["3"]
    assert texts(result.xml, ".//{*}PmtInf/{*}CtrlSum") == ["62412.01"]


def test_each_transfer_has_one_transaction_with_its_id_iban_and_amount(three):
    xml = run(three).xml
    assert parse_transfers(xml) == [(t.end_to_end_id, t.iban, t.amount) for t in three]
    assert len(texts(xml, ".//{*}CdtTrfTxInf")) == 3


def test_the_message_id_and_the_batch_id_are_ours(three):
    xml = run(three).xml
    assert run(three).message_id == MESSAGE_ID
    assert header(xml, "MsgId") == MESSAGE_ID
    assert texts(xml, ".//{*}PmtInf/{*}PmtInfId") == [f"{MESSAGE_ID}-1"]
    assert header(xml, "CreDtTm") == "2025-03-01T10:30:00"  # Berlin time
    assert texts(xml, ".//{*}ReqdExctnDt/{*}Dt") == ["2025-03-04"]


def test_the_same_run_gives_the_same_file(three):
    assert run(three).xml == run(three).xml


def test_a_35_character_message_id_keeps_the_batch_id_within_35(schema, three):
    message_id = "Z" * 35
    xml = run(three, message_id=message_id).xml
    assert header(xml, "MsgId") == message_id
    assert texts(xml, ".//{*}PmtInf/{*}PmtInfId") == ["Z" * 33 + "-1"]
    schema.validate(xml.decode())


def test_names_and_remittances_are_reduced_to_the_sepa_character_set(three):
    xml = run(three).xml
    assert texts(xml, ".//{*}Cdtr/{*}Nm") == [
        "Gemeinde Bad Koenig",
        "Stadt Frankfurt am Main Kaemmerei",
        "Gemeinde Grosskrotzenburg",
    ]
    assert "–" not in xml.decode()
    assert texts(xml, ".//{*}Dbtr/{*}Nm") == ["Landeshauptkasse Hessen"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Gemeinde Bad König", "Gemeinde Bad Koenig"),
        ("Stadt Frankfurt am Main – Kämmerei", "Stadt Frankfurt am Main Kaemmerei"),
        ("Äußere Übergänge, Öko", "Aeussere Uebergaenge, Oeko"),
        ("Café Müller & Söhne", "Cafe Mueller Soehne"),
        ("Rechnung Nr. 12/2025 (Rate 1) + Zinsen: 3,5 %?", "Rechnung Nr. 12/2025 (Rate 1) + Zinsen: 3,5 ?"),
        ("  Zeile\neins\tzwei  ", "Zeile eins zwei"),
        ("„Zitat“ €", "Zitat"),
    ],
)
def test_sepa_text_transliterates_and_replaces(value, expected):
    assert sepa_text(value, 140) == expected


def test_sepa_text_truncates_after_transliterating():
    assert sepa_text("ä" * 40, 70) == "ae" * 35
    assert len(sepa_text("Gemeinde " * 20, 70)) <= 70
    assert sepa_text("ab cd", 3) == "ab"


def test_long_names_and_remittances_are_cut_to_the_sepa_limits(schema):
    xml = run([transfer(1, "10.00", name="Ü" * 80, remittance="Verwendungszweck " * 20)]).xml
    schema.validate(xml.decode())
    assert texts(xml, ".//{*}Cdtr/{*}Nm") == ["Ue" * 35]
    assert len(texts(xml, ".//{*}RmtInf/{*}Ustrd")[0]) <= 140


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"amount": Decimal("0")}, "not positive"),
        ({"amount": Decimal("0.00")}, "not positive"),
        ({"amount": Decimal("-5.00")}, "not positive"),
        ({"amount": Decimal("0.001")}, "fractions of a cent"),
        ({"amount": Decimal("1000000000.00")}, "SEPA limit"),
        ({"amount": Decimal("NaN")}, "Decimal amount"),
        ({"amount": 12.5}, "Decimal amount"),
        ({"iban": "DE00" + iban(2_000_001)[4:]}, "invalid IBAN"),
        ({"iban": "DE0250050000000000200"}, "invalid IBAN"),
        ({"iban": "GB00"}, "invalid IBAN"),
        ({"bic": "HELAXXFFXXX"}, "invalid BIC"),
        ({"bic": "HELADEF"}, "invalid BIC"),
        ({"end_to_end_id": ""}, "end-to-end id"),
        ({"end_to_end_id": "SHH 2025 0001"}, "end-to-end id"),
        ({"end_to_end_id": "/SHH-2025-0001"}, "'/'"),
        ({"end_to_end_id": "E" * 36}, "longer than 35"),
        ({"creditor_name": "–––"}, "no name"),
        ({"remittance": "€"}, "no remittance text"),
    ],
)
def test_an_invalid_transfer_is_refused(change, message):
    bad = replace(transfer(1, "100.00"), **change)
    with pytest.raises(ValueError, match=message):
        run([transfer(2, "50.00"), bad])


def test_an_empty_run_is_refused():
    with pytest.raises(ValueError, match="at least one transfer"):
        run([])


def test_a_duplicate_end_to_end_id_is_refused():
    first = transfer(1, "100.00")
    with pytest.raises(ValueError, match="more than once"):
        run([first, replace(transfer(2, "200.00"), end_to_end_id=first.end_to_end_id)])


@pytest.mark.parametrize(
    ("message_id", "message"),
    [
        ("Z" * 36, "longer than 35"),
        ("", "empty"),
        ("Zahllauf März", "may only hold"),
        ("ZL//2025", "'//'"),
    ],
)
def test_an_invalid_message_id_is_refused(three, message_id, message):
    with pytest.raises(ValueError, match=message):
        run(three, message_id=message_id)


@pytest.mark.parametrize(
    "debtor",
    [
        replace(TREASURY, iban="DE00" + TREASURY.iban[4:]),
        replace(TREASURY, bic="HELA"),
        replace(TREASURY, iban="TR330006100519786457841326"),  # a valid IBAN, but outside the SEPA area
        replace(TREASURY, name="€"),
    ],
)
def test_an_invalid_debtor_is_refused(three, debtor):
    with pytest.raises(ValueError, match="the debtor"):
        credit_transfer_file(
            debtor=debtor, message_id=MESSAGE_ID, execution_date=EXECUTION_ON, transfers=three, created_at=CREATED_AT
        )


def test_a_naive_creation_time_or_a_datetime_as_execution_date_is_refused(three):
    with pytest.raises(ValueError, match="timezone-aware"):
        credit_transfer_file(
            debtor=TREASURY,
            message_id=MESSAGE_ID,
            execution_date=EXECUTION_ON,
            transfers=three,
            created_at=datetime(2025, 3, 1, 9, 30),
        )
    with pytest.raises(ValueError, match="without a time"):
        credit_transfer_file(
            debtor=TREASURY,
            message_id=MESSAGE_ID,
            execution_date=CREATED_AT,
            transfers=three,
            created_at=CREATED_AT,
        )


def test_the_creation_time_defaults_to_now(three):
    before = timezone.localtime().replace(microsecond=0, tzinfo=None)
    result = credit_transfer_file(debtor=TREASURY, message_id=MESSAGE_ID, execution_date=EXECUTION_ON, transfers=three)
    after = timezone.localtime().replace(tzinfo=None)
    assert before <= datetime.fromisoformat(header(result.xml, "CreDtTm")) <= after


@settings(max_examples=40, deadline=None)
@given(amounts=st.lists(st.integers(min_value=1, max_value=99_999_999_999), min_size=1, max_size=50))
def test_the_control_sum_is_the_exact_sum_of_any_cent_amounts(schema, amounts):
    transfers = [transfer(number, str(from_cents(cents))) for number, cents in enumerate(amounts, start=1)]
    result = run(transfers)
    expected = sum((from_cents(cents) for cents in amounts), Decimal(0))
    assert result.control_sum == expected
    assert Decimal(header(result.xml, "CtrlSum")) == expected
    assert result.count == len(amounts) == int(header(result.xml, "NbOfTxs"))
    assert [amount for _id, _iban, amount in parse_transfers(result.xml)] == [from_cents(c) for c in amounts]
    schema.validate(result.xml.decode())
