"""The SEPA credit-transfer file (pain.001) of a payment run, and reading one back.

The file follows ISO 20022 pain.001.001.09, the version of the 2019 SEPA rulebooks that German banks
accept under the banking industry's data-transfer agreement (DFÜ-Abkommen, Anlage 3) since November
2023, while pain.001.001.03 only lives on for a transition. It holds one batch in euros, booked as one
debit from the state treasury account, and is checked against the bundled ISO schema before it leaves
this module. That schema does not know SEPA's narrower rules, so the character set, the identifiers
and the limits of the SEPA rulebook are enforced here.
"""

import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone
from schwifty import BIC, IBAN
from sepaxml import SepaTransfer  # type: ignore[import-untyped]  # the package ships no type hints
from sepaxml.validation import ValidationError as SchemaValidationError  # type: ignore[import-untyped]

from kommunalportal.core.money import from_cents, to_cents

SCHEMA = "pain.001.001.09"
NAME_LIMIT = 70
REMITTANCE_LIMIT = 140
IDENTIFIER_LIMIT = 35
# The SEPA rulebook's ceiling for a single credit transfer.
MAX_AMOUNT = Decimal("999999999.99")

_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss", "ẞ": "SS"})
_OUTSIDE_SEPA = re.compile(r"[^A-Za-z0-9/\-?:().,'+ ]")
# References carry no spaces in the German banks' profile of the SEPA character set.
_IDENTIFIER = re.compile(r"[A-Za-z0-9/\-?:().,'+]+")


@dataclass(frozen=True)
class Debtor:
    """The account that pays: the state treasury."""

    name: str
    iban: str
    bic: str


@dataclass(frozen=True)
class Transfer:
    """One credit transfer to a recipient, in Decimal euros."""

    end_to_end_id: str
    creditor_name: str
    iban: str
    bic: str
    amount: Decimal
    remittance: str


@dataclass(frozen=True)
class CreditTransferFile:
    """A pain.001 file ready for the bank, with the figures its header states."""

    message_id: str
    xml: bytes
    control_sum: Decimal
    count: int


def sepa_text(value: str, limit: int) -> str:
    """`value` reduced to the SEPA character set (umlauts transliterated, the rest a space), cut to `limit`."""
    if limit < 1:
        raise ValueError("the limit must be at least one character")
    text = unicodedata.normalize("NFC", value).translate(_GERMAN)
    # Other accented letters keep their base letter (é → e) before anything left over becomes a space.
    text = "".join(char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char))
    text = " ".join(_OUTSIDE_SEPA.sub(" ", text).split())
    return text[:limit].rstrip()


def credit_transfer_file(
    *,
    debtor: Debtor,
    message_id: str,
    execution_date: date,
    transfers: Sequence[Transfer],
    created_at: datetime | None = None,
) -> CreditTransferFile:
    """Write the pain.001 file that pays `transfers` from the debtor's account on `execution_date`."""
    _check_identifier(message_id, "message id")
    if isinstance(execution_date, datetime) or not isinstance(execution_date, date):
        raise ValueError("the execution date must be a date without a time")
    if not transfers:
        raise ValueError("a credit transfer file needs at least one transfer")
    created_at = timezone.now() if created_at is None else created_at
    if timezone.is_naive(created_at):
        raise ValueError("created_at must be timezone-aware")

    debtor_name = _name(debtor.name, "the debtor")
    config = {
        "name": debtor_name,
        "IBAN": _iban(debtor.iban, "the debtor"),
        "BIC": _bic(debtor.bic, "the debtor"),
        "batch": True,
        "currency": "EUR",
    }
    payment_information_id = _payment_information_id(message_id)
    builder = _PaymentRunTransfer(
        config,
        message_id=message_id,
        payment_information_id=payment_information_id,
        created_at=timezone.localtime(created_at).strftime("%Y-%m-%dT%H:%M:%S"),
    )

    seen: set[str] = set()
    total_cents = 0
    for transfer in transfers:
        _check_identifier(transfer.end_to_end_id, "end-to-end id")
        if transfer.end_to_end_id in seen:
            raise ValueError(f"the end-to-end id {transfer.end_to_end_id!r} occurs more than once")
        seen.add(transfer.end_to_end_id)
        who = f"transfer {transfer.end_to_end_id}"
        cents = _cents(transfer.amount, who)
        total_cents += cents
        remittance = sepa_text(transfer.remittance, REMITTANCE_LIMIT)
        if not remittance:
            raise ValueError(f"{who} has no remittance text in the SEPA character set")
        builder.add_payment(
            {
                "name": _name(transfer.creditor_name, who),
                "IBAN": _iban(transfer.iban, who),
                "BIC": _bic(transfer.bic, who),
                "amount": cents,
                "execution_date": execution_date,
                "description": remittance,
                "endtoend_id": transfer.end_to_end_id,
            }
        )

    try:
        xml = builder.export(validate=True)
    except SchemaValidationError as error:
        raise ValueError(f"the credit transfer file does not validate against {SCHEMA}: {error.__cause__}") from error

    control_sum = from_cents(total_cents)
    _check_header(xml, message_id, payment_information_id, control_sum, len(transfers))
    return CreditTransferFile(message_id=message_id, xml=xml, control_sum=control_sum, count=len(transfers))


def parse_transfers(xml: bytes) -> list[tuple[str, str, Decimal]]:
    """The (end-to-end id, creditor IBAN, amount) of every transfer in a pain.001 file, in file order."""
    # The files read here are the ones this module wrote; the standard parser neither fetches external
    # entities nor expands nested ones without bound, which is what a bank file could otherwise abuse.
    root = ET.fromstring(xml)  # noqa: S314
    rows = []
    for transaction in root.iterfind(".//{*}CdtTrfTxInf"):
        end_to_end_id = _text(transaction, "{*}PmtId/{*}EndToEndId")
        iban = _text(transaction, "{*}CdtrAcct/{*}Id/{*}IBAN")
        amount = Decimal(_text(transaction, "{*}Amt/{*}InstdAmt"))
        rows.append((end_to_end_id, iban, amount))
    return rows


class _PaymentRunTransfer(SepaTransfer):
    """sepaxml's credit transfer with our message id, batch id and creation time instead of its own."""

    def __init__(
        self, config: dict[str, Any], *, message_id: str, payment_information_id: str, created_at: str
    ) -> None:
        # The parent's constructor already writes the group header, so these must be in place before it runs.
        self._run_message_id = message_id
        self._run_payment_information_id = payment_information_id
        self._run_created_at = created_at
        super().__init__(config, schema=SCHEMA, clean=False)  # the texts arrive cleaned by sepa_text

    def _create_header(self) -> None:
        # sepaxml draws a random message id in its constructor and stamps the header with the clock.
        self.msg_id = self._run_message_id
        super()._create_header()
        self._xml.find("CstmrCdtTrfInitn/GrpHdr/CreDtTm").text = self._run_created_at

    def _finalize_batch(self) -> None:
        # sepaxml names each batch after the debtor plus a random suffix; one batch takes our id instead.
        super()._finalize_batch()
        for node in self._xml.iter("PmtInfId"):
            node.text = self._run_payment_information_id


def _payment_information_id(message_id: str) -> str:
    """The id of the file's only batch: the message id with a batch number, kept within 35 characters."""
    return f"{message_id[: IDENTIFIER_LIMIT - 2]}-1"


def _check_identifier(value: str, what: str) -> None:
    if not value:
        raise ValueError(f"the {what} is empty")
    if len(value) > IDENTIFIER_LIMIT:
        raise ValueError(f"the {what} {value!r} is longer than {IDENTIFIER_LIMIT} characters")
    if not _IDENTIFIER.fullmatch(value):
        raise ValueError(f"the {what} {value!r} may only hold the letters A-Z and a-z, digits and / - ? : ( ) . , ' +")
    if value.startswith("/") or value.endswith("/") or "//" in value:
        raise ValueError(f"the {what} {value!r} may not start or end with '/' nor contain '//'")


def _name(value: str, who: str) -> str:
    name = sepa_text(value, NAME_LIMIT)
    if not name:
        raise ValueError(f"{who} has no name in the SEPA character set")
    return name


def _iban(value: str, who: str) -> str:
    try:
        iban = IBAN(value)
    except ValueError as error:
        raise ValueError(f"{who} has an invalid IBAN {value!r}: {error}") from error
    if not iban.in_sepa_zone:
        raise ValueError(f"{who} has the IBAN {value!r} outside the SEPA area")
    return iban.compact


def _bic(value: str, who: str) -> str:
    try:
        return BIC(value).compact
    except ValueError as error:
        raise ValueError(f"{who} has an invalid BIC {value!r}: {error}") from error


def _cents(amount: Decimal, who: str) -> int:
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise ValueError(f"{who} needs a Decimal amount in euros, not {amount!r}")
    if amount <= 0:
        raise ValueError(f"{who} has the amount {amount}, which is not positive")
    if amount > MAX_AMOUNT:
        raise ValueError(f"{who} has the amount {amount}, above the SEPA limit of {MAX_AMOUNT}")
    try:
        return to_cents(amount)
    except ValueError as error:
        raise ValueError(f"{who}: {error}") from error


def _check_header(xml: bytes, message_id: str, payment_information_id: str, control_sum: Decimal, count: int) -> None:
    """Refuse to hand out a file whose header says anything other than what was asked for."""
    root = ET.fromstring(xml)  # noqa: S314 -- the bytes were written a moment ago by this module
    header = "{*}CstmrCdtTrfInitn/{*}GrpHdr/{*}"
    found = {
        "MsgId": _text(root, header + "MsgId"),
        "PmtInfId": _text(root, "{*}CstmrCdtTrfInitn/{*}PmtInf/{*}PmtInfId"),
        "NbOfTxs": int(_text(root, header + "NbOfTxs")),
        "CtrlSum": Decimal(_text(root, header + "CtrlSum")),
    }
    expected = {"MsgId": message_id, "PmtInfId": payment_information_id, "NbOfTxs": count, "CtrlSum": control_sum}
    for field, value in expected.items():
        if found[field] != value:
            raise RuntimeError(f"the written file states {field} {found[field]!r} instead of {value!r}")


def _text(element: ET.Element, path: str) -> str:
    node = element.find(path)
    if node is None or node.text is None:
        raise ValueError(f"the file has no {path.replace('{*}', '')}")
    return node.text
