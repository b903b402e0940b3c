"""The downloads: the same awards as the page, to the cent, in each format; public; and never a person."""

import csv
import io
import json
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from kommunalportal.accounts.models import User
from kommunalportal.opendata.exports import COLUMNS, DATA_LICENCE, json_amount

from .conftest import FRANKFURT, MAIN_KINZIG
from .test_pages import amount_in_force

pytestmark = pytest.mark.django_db


def csv_rows(response) -> list[dict[str, str]]:
    content = response.content
    assert content.startswith(b"\xef\xbb\xbf")  # the byte order mark a spreadsheet needs to read UTF-8
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def test_the_csv_file_holds_every_award_to_the_cent(awarded, client):
    response = client.get("/daten/foerderungen/?format=csv")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="foerderungen-')
    assert DATA_LICENCE.url in response["Link"]
    rows = csv_rows(response)
    assert list(rows[0]) == list(COLUMNS) and len(rows) == 4
    # Decimal comma, no grouping: 7333,33
    amounts = [Decimal(r["amount_eur"].replace(",", ".")) for r in rows]
    assert sum(amounts) == sum((amount_in_force(a) for a in awarded), Decimal(0)) == Decimal("29333.33")
    by_key = {r["commune_key"]: r for r in rows}
    assert by_key["06435006"]["district_key"] == MAIN_KINZIG and by_key["06435006"]["commune"] == "Bruchköbel, Stadt"
    assert by_key["06435006"]["amount_eur"] == "7500,00" and by_key["06435006"]["commune_kind"] == "town"
    assert by_key[FRANKFURT]["district_key"] == ""  # a district-free city
    assert by_key["06435006"]["measure_categories"] == "Digitale Akte (E-Akte)"
    assert date.fromisoformat(by_key["06435006"]["awarded_on"]) == awarded[0].decisions.get().released_at.date()


def test_the_workbook_has_numbers_as_numbers(awarded, client):
    response = client.get("/daten/foerderungen/?format=xlsx&sort=amount")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["Foerderungen"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == COLUMNS and len(rows) == 5
    amount = COLUMNS.index("amount_eur")
    values = [row[amount] for row in rows[1:]]
    assert all(isinstance(v, int | float) for v in values)
    assert sum(Decimal(str(v)) for v in values) == Decimal("29333.33")
    assert values == sorted(values)
    assert isinstance(rows[1][COLUMNS.index("awarded_on")], datetime)
    assert all(isinstance(row[COLUMNS.index("commune_key")], str) for row in rows[1:])  # leading zero kept
    assert "Hinweise" in book.sheetnames


def test_the_json_file_is_a_list_of_awards(awarded, client):
    response = client.get(f"/daten/foerderungen/?format=json&district={MAIN_KINZIG}")
    assert response.status_code == 200 and response["Content-Type"] == "application/json; charset=utf-8"
    data = json.loads(response.content)
    assert isinstance(data, list) and len(data) == 3
    assert sum(Decimal(str(item["amount_eur"])) for item in data) == Decimal("21833.34")
    item = next(i for i in data if i["commune"]["key"] == "06435006")
    assert set(item) == {
        "decision_number", "awarded_on", "amount_eur", "title", "measure_categories", "commune", "programme", "call",
    }  # fmt: skip
    assert item["commune"]["district"] == {"key": MAIN_KINZIG, "name": "Main-Kinzig-Kreis"}
    assert item["measure_categories"] == [{"code": "e-file", "name": "Digitale Akte (E-Akte)"}]
    assert item["call"]["id"] == str(awarded[0].call.public_id) and item["programme"]["code"] == "SHH"


@pytest.mark.parametrize("amount", ["0.01", "7333.33", "999999999999.99", "16000000.00", "0.10"])
def test_an_amount_becomes_a_json_number_exactly(amount):
    number = json_amount(Decimal(amount))
    assert Decimal(json.dumps(number)) == Decimal(amount)


def test_an_amount_that_a_json_number_cannot_hold_is_refused():
    with pytest.raises(ValueError, match="exactly"):
        json_amount(Decimal("12345678901234567.89"))


@pytest.mark.parametrize("export", ["csv", "xlsx", "json", "360giving"])
def test_every_download_is_public(awarded, client, export):
    response = client.get(f"/daten/foerderungen/?format={export}")
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment;")


def test_no_personal_data_in_any_page_or_file(awarded, issued, client):
    """Every person in the database gets a name, user name and e-mail address that cannot occur by chance;
    none of them appears in a page or a file."""
    markers = []
    for user in User.objects.all():
        user.first_name, user.last_name = f"Vorname{user.pk}qx", f"Nachname{user.pk}qx"
        user.username, user.email = f"kennung{user.pk}qx", f"adresse{user.pk}qx@example.org"
        user.save()
        markers += [user.first_name, user.last_name, user.username, user.email]
    assert len(markers) >= 4 * 8  # the ministry's staff and the communes' applicants and signatories
    texts = [client.get("/daten/").content.decode(), client.get("/daten/foerderungen/").content.decode()]
    for export in ("csv", "json", "360giving"):
        texts.append(client.get(f"/daten/foerderungen/?format={export}").content.decode("utf-8-sig"))
    book = load_workbook(io.BytesIO(client.get("/daten/foerderungen/?format=xlsx").content))
    texts.append(" ".join(str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row))
    for text in texts:
        assert not [m for m in markers if m in text]
    for text in texts[2:]:
        assert "@" not in text  # no e-mail address of any kind in the files
    # The free text of the commune and the ministry stays out: the proof's report, the recovery's reason.
    assert not [t for t in texts if "Fachämtern" in t or "Minderausgaben" in t or "Rabatt" in t]
