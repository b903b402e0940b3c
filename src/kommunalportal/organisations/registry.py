"""Reading the official registry files (GV-ISys extract): parsing and validation, no database.

A file with any malformed line is rejected as a whole, with every problem and its line number.
"""

import csv
import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.utils.translation import gettext as _

from .models import AdministrativeRegion, OrganisationKind

MUNICIPALITY_COLUMNS = (
    "ags", "ars", "name", "kind", "kreis_key", "kreis_name", "regierungsbezirk", "area_km2", "population",
    "population_male", "population_female", "postcode", "longitude", "latitude", "settlement_density",
)  # fmt: skip
DISTRICT_COLUMNS = ("key", "name", "kind", "regierungsbezirk", "municipalities", "population", "area_km2")

MUNICIPAL_KIND_LABELS = {
    "kreisfreie Stadt": OrganisationKind.DISTRICT_FREE_CITY,
    "Stadt": OrganisationKind.TOWN,
    "Gemeinde": OrganisationKind.MUNICIPALITY,
    "gemeindefreies Gebiet": OrganisationKind.UNINCORPORATED_AREA,
}
DISTRICT_KIND_LABELS = {"Landkreis": OrganisationKind.DISTRICT, "kreisfreie Stadt": OrganisationKind.DISTRICT_FREE_CITY}
STATE_PREFIX = "06"  # Hessen's key in the AGS
# A generous box around Hessen: a centre outside it is a typo, not a municipality.
LONGITUDE_RANGE = (Decimal("7.0"), Decimal("11.0"))
LATITUDE_RANGE = (Decimal("49.0"), Decimal("52.0"))


class RegistryFileError(Exception):
    """The file cannot be loaded; `problems` lists each one with its line."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        super().__init__(f"{path.name}: " + "; ".join(problems))


@dataclass(frozen=True)
class MunicipalityRecord:
    line: int
    ags: str
    ars: str
    name: str
    kind: OrganisationKind
    district_key: str
    district_name: str
    administrative_region: str
    area_km2: Decimal
    population: int
    postcode: str
    longitude: Decimal
    latitude: Decimal
    settlement_density: str


@dataclass(frozen=True)
class DistrictRecord:
    line: int
    key: str
    name: str
    kind: OrganisationKind
    administrative_region: str
    municipalities: int
    population: int
    area_km2: Decimal


class _Row:
    """One CSV line with typed accessors that collect problems instead of raising."""

    def __init__(self, line: int, values: dict[str, str], problems: list[str]) -> None:
        self.line = line
        self.values = values
        self.problems = problems

    def problem(self, message: str) -> None:
        self.problems.append(_("line %(line)d: %(message)s") % {"line": self.line, "message": message})

    def text(self, column: str, *, required: bool = True) -> str:
        value = (self.values.get(column) or "").strip()
        if required and not value:
            self.problem(_("column “%(column)s” is empty") % {"column": column})
        return value

    def pattern(self, column: str, regex: str, description: str) -> str:
        value = self.text(column)
        if value and not re.fullmatch(regex, value):
            self.problem(
                _("“%(value)s” in column “%(column)s” is not %(description)s")
                % {"value": value, "column": column, "description": description}
            )
        return value

    def whole_number(self, column: str) -> int:
        value = self.text(column)
        if value and not value.isdigit():
            self.problem(
                _("“%(value)s” in column “%(column)s” is not a whole number") % {"value": value, "column": column}
            )
            return 0
        return int(value) if value else 0

    def decimal(self, column: str, low: Decimal | None = None, high: Decimal | None = None) -> Decimal:
        value = self.text(column)
        try:
            number = Decimal(value)
            if not number.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            if value:
                self.problem(
                    _("“%(value)s” in column “%(column)s” is not a number") % {"value": value, "column": column}
                )
            return Decimal(0)
        if (low is not None and number < low) or (high is not None and number > high):
            self.problem(
                _("%(value)s in column “%(column)s” is outside the plausible range")
                % {"value": value, "column": column}
            )
        return number

    def choice(self, column: str, labels: dict[str, OrganisationKind] | set[str]) -> str:
        value = self.text(column)
        if value and value not in labels:
            self.problem(
                _("“%(value)s” in column “%(column)s” is not one of: %(choices)s")
                % {"value": value, "column": column, "choices": ", ".join(sorted(labels))}
            )
        return value


def _read_rows(path: Path, columns: tuple[str, ...], problems: list[str]) -> list[_Row]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise RegistryFileError(path, [_("the file does not exist")]) from None
    except UnicodeDecodeError as error:
        raise RegistryFileError(path, [_("the file is not UTF-8 text (byte %(pos)d)") % {"pos": error.start}]) from None
    reader = csv.DictReader(text.splitlines(), strict=True)
    header = tuple(reader.fieldnames or ())
    if header != columns:
        missing = [c for c in columns if c not in header]
        unexpected = [c for c in header if c not in columns]
        detail = []
        if missing:
            detail.append(_("missing: %(columns)s") % {"columns": ", ".join(missing)})
        if unexpected:
            detail.append(_("unexpected: %(columns)s") % {"columns": ", ".join(unexpected)})
        if not detail:
            detail.append(_("the columns are in another order"))
        raise RegistryFileError(path, [_("line 1: wrong header (%(detail)s)") % {"detail": "; ".join(detail)}])
    rows = []
    try:
        for values in reader:
            row = _Row(reader.line_num, values, problems)
            if None in values or len(values) != len(columns) or any(v is None for v in values.values()):
                row.problem(_("expected %(expected)d values, found a different number") % {"expected": len(columns)})
                continue
            rows.append(row)
    except csv.Error as error:
        problems.append(_("line %(line)d: %(message)s") % {"line": reader.line_num, "message": str(error)})
    if not rows and not problems:
        problems.append(_("the file has no data lines"))
    return rows


def _duplicates(rows: list[_Row], keys: list[str], column: str) -> None:
    counts = Counter(keys)
    for row, key in zip(rows, keys, strict=True):
        if key and counts[key] > 1:
            row.problem(
                _("the key %(key)s in column “%(column)s” appears more than once") % {"key": key, "column": column}
            )


def parse_municipalities(path: Path) -> list[MunicipalityRecord]:
    problems: list[str] = []
    rows = _read_rows(path, MUNICIPALITY_COLUMNS, problems)
    records = []
    regions = {r.value for r in AdministrativeRegion}
    for row in rows:
        ags = row.pattern("ags", r"06\d{6}", _("an 8-digit municipality key of Hessen"))
        ars = row.pattern("ars", r"06\d{10}", _("a 12-digit regional key of Hessen"))
        if ags and ars and (ars[:5] != ags[:5] or ars[-3:] != ags[-3:]):
            row.problem(
                _("the regional key %(ars)s does not belong to the municipality key %(ags)s") % {"ars": ars, "ags": ags}
            )
        district_key = row.pattern("kreis_key", r"06\d{3}", _("a 5-digit district key"))
        if ags and district_key and ags[:5] != district_key:
            row.problem(
                _("the municipality key %(ags)s does not lie in district %(key)s") % {"ags": ags, "key": district_key}
            )
        population = row.whole_number("population")
        male, female = row.whole_number("population_male"), row.whole_number("population_female")
        if male + female != population:
            row.problem(_("men and women do not add up to the population"))
        kind = row.choice("kind", MUNICIPAL_KIND_LABELS)
        record = MunicipalityRecord(
            line=row.line,
            ags=ags,
            ars=ars,
            name=row.text("name"),
            kind=MUNICIPAL_KIND_LABELS.get(kind, OrganisationKind.MUNICIPALITY),
            district_key=district_key,
            district_name=row.text("kreis_name"),
            administrative_region=row.choice("regierungsbezirk", regions),
            area_km2=row.decimal("area_km2", Decimal(0), Decimal(10_000)),
            population=population,
            postcode=row.pattern("postcode", r"\d{5}", _("a 5-digit postcode"))
            if row.text("postcode", required=False)
            else "",
            longitude=row.decimal("longitude", *LONGITUDE_RANGE),
            latitude=row.decimal("latitude", *LATITUDE_RANGE),
            settlement_density=row.text("settlement_density", required=False),
        )
        records.append(record)
    _duplicates(rows, [r.ags for r in records], "ags")
    if problems:
        raise RegistryFileError(path, problems)
    return records


def parse_districts(path: Path, municipalities: list[MunicipalityRecord]) -> list[DistrictRecord]:
    problems: list[str] = []
    rows = _read_rows(path, DISTRICT_COLUMNS, problems)
    regions = {r.value for r in AdministrativeRegion}
    members = Counter(m.district_key for m in municipalities if m.kind != OrganisationKind.UNINCORPORATED_AREA)
    records = []
    for row in rows:
        key = row.pattern("key", r"06\d{3}", _("a 5-digit district key of Hessen"))
        kind = row.choice("kind", DISTRICT_KIND_LABELS)
        count = row.whole_number("municipalities")
        if key and count != members[key]:
            row.problem(
                _("district %(key)s lists %(listed)d municipalities, the municipality file has %(found)d")
                % {"key": key, "listed": count, "found": members[key]}
            )
        records.append(
            DistrictRecord(
                line=row.line,
                key=key,
                name=row.text("name"),
                kind=DISTRICT_KIND_LABELS.get(kind, OrganisationKind.DISTRICT),
                administrative_region=row.choice("regierungsbezirk", regions),
                municipalities=count,
                population=row.whole_number("population"),
                area_km2=row.decimal("area_km2", Decimal(0), Decimal(100_000)),
            )
        )
    _duplicates(rows, [r.key for r in records], "key")
    known = {r.key for r in records}
    for municipality in municipalities:
        if municipality.district_key not in known:
            problems.append(
                _("the municipality %(ags)s names district %(key)s, which the district file lacks")
                % {"ags": municipality.ags, "key": municipality.district_key}
            )
    if problems:
        raise RegistryFileError(path, problems)
    return records
