"""The award list as files: CSV for spreadsheets, XLSX with numbers as numbers, a plain JSON list.

Every format carries the same fields (docs/open-data.md describes them) and no personal data. The
360Giving package is built in `threesixty.py`.
"""

import csv
import io
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _

from kommunalportal.core import spreadsheet

from .selectors import PublicAward


@dataclass(frozen=True)
class Licence:
    name: str
    short_name: str
    url: str


# The licence of everything the portal publishes here; the registry data it contains (names, keys) is
# Destatis's, published under the same licence.
DATA_LICENCE = Licence(
    name="Datenlizenz Deutschland – Namensnennung – Version 2.0",
    short_name="dl-de/by-2-0",
    url="https://www.govdata.de/dl-de/by-2-0",
)
ATTRIBUTION = "Kommunalportal Hessen"
REGISTRY_ATTRIBUTION = "Gemeindeverzeichnis: © Statistisches Bundesamt (Destatis), 2021, dl-de/by-2-0"

COLUMNS = (
    "decision_number",
    "awarded_on",
    "amount_eur",
    "commune_key",
    "commune",
    "commune_kind",
    "district_key",
    "district",
    "title",
    "measure_categories",
    "programme_code",
    "programme",
    "call",
    "call_year",
)
AMOUNT_COLUMN = COLUMNS.index("amount_eur")
DATE_COLUMN = COLUMNS.index("awarded_on")

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json; charset=utf-8",
}


def json_amount(amount: Decimal) -> float:
    """An amount in euros as a JSON number.

    The only place where money becomes a float, on its way out: a money field has at most 14 digits, and a
    binary float keeps 15 significant digits, so its shortest text is the amount again. Checked, not assumed.
    """
    number = float(amount)
    if Decimal(repr(number)) != amount:
        raise ValueError(f"{amount} cannot be written exactly as a JSON number")
    return number


def category_names(award: PublicAward) -> str:
    return ", ".join(c.name for c in award.categories)


def row(award: PublicAward) -> list[Any]:
    """One award in the order of COLUMNS; the amount a Decimal, the date a date."""
    organisation, district = award.organisation, award.district
    return [
        award.number,
        award.awarded_on,
        award.amount,
        organisation.key,
        organisation.name,
        organisation.kind,
        district.key if district else "",
        district.name if district else "",
        award.title,
        category_names(award),
        award.programme.code,
        award.programme.name,
        award.call.name,
        award.call.year.year,
    ]


def record(award: PublicAward) -> dict[str, Any]:
    """One award as a JSON object (the plain JSON format)."""
    organisation, district = award.organisation, award.district
    return {
        "decision_number": award.number,
        "awarded_on": award.awarded_on.isoformat(),
        "amount_eur": json_amount(award.amount),
        "title": award.title,
        "measure_categories": [{"code": c.code, "name": c.name} for c in award.categories],
        "commune": {
            "key": organisation.key,
            "ars": organisation.ars or None,
            "name": organisation.name,
            "kind": organisation.kind,
            "district": {"key": district.key, "name": district.name} if district else None,
        },
        "programme": {"code": award.programme.code, "name": award.programme.name},
        "call": {"id": str(award.call.public_id), "name": award.call.name, "year": award.call.year.year},
    }


def attachment(content: bytes | str, kind: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES.get(kind, "application/json; charset=utf-8"))
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Link"] = f'<{DATA_LICENCE.url}>; rel="license"'
    return response


def as_csv(awards: list[PublicAward]) -> bytes:
    """Semicolons, a decimal comma and a byte order mark: what a spreadsheet in German settings opens as is."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for award in awards:
        values = row(award)
        values[AMOUNT_COLUMN] = spreadsheet.cell(values[AMOUNT_COLUMN])
        values[DATE_COLUMN] = values[DATE_COLUMN].isoformat()
        writer.writerow(values)
    return buffer.getvalue().encode("utf-8-sig")


def as_xlsx(awards: list[PublicAward]) -> bytes:
    """A workbook: the awards (amounts and dates as numbers a spreadsheet can sum and sort), and the notes."""
    from openpyxl import Workbook  # type: ignore[import-untyped]  # the package ships no type hints
    from openpyxl.styles import Font  # type: ignore[import-untyped]  # the package ships no type hints

    book = Workbook()
    sheet = book.active
    sheet.title = "Foerderungen"
    sheet.append(COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for award in awards:
        sheet.append(row(award))
    for cell in sheet["C"][1:]:
        cell.number_format = "#,##0.00"
    for cell in sheet["B"][1:]:
        cell.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDEFGHIJKLMN", (18, 12, 14, 12, 32, 18, 12, 28, 40, 40, 10, 28, 32, 10), strict=True):
        sheet.column_dimensions[letter].width = width
    notes = book.create_sheet("Hinweise")
    for line in notes_lines():
        notes.append([line])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def as_json(awards: list[PublicAward]) -> bytes:
    return json.dumps([record(a) for a in awards], ensure_ascii=False, indent=1).encode("utf-8")


def notes_lines() -> list[str]:
    return [
        _("Grants awarded to the communes of Hesse, from the Kommunalportal."),
        _("Licence: %(licence)s (%(url)s). Attribution: %(attribution)s.")
        % {"licence": DATA_LICENCE.name, "url": DATA_LICENCE.url, "attribution": ATTRIBUTION},
        REGISTRY_ATTRIBUTION,
        _("Amounts in euros: the grant in force after any amendment. Dates: the day the first decision was released."),
    ]
