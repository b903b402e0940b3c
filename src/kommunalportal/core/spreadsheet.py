"""CSV files as a spreadsheet in German settings opens them: semicolons, a decimal comma, CRLF line ends and
a byte order mark (so that the file is read as UTF-8). The portal's CSV downloads are written this way;
amounts are passed in to the cent, other numbers (shares, keys) keep their places."""

import csv
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.http import HttpResponse


def cell(value: Any) -> Any:
    """A value as the file holds it: a Decimal with a decimal comma and without exponent, all else unchanged."""
    return f"{value:f}".replace(".", ",") if isinstance(value, Decimal) else value


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> HttpResponse:
    """A download of the rows under the header."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([cell(value) for value in row] for row in rows)
    return response
