"""The map of Hessen: the boundaries as the browser gets them, each commune's value of an indicator with its
rank and its class, and the table's order. Reads the indicators in a constant number of queries.

The boundaries are the official files of the registry (BKG VG5000, simplified to 0.0005°). Each shape is
named by the key of the organisation it shows, so that the values join by that key: the AGS for a
municipality, the district key for a Landkreis, the AGS for a district-free city, which is one organisation
and appears on both levels.
"""

import hashlib
import json
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kommunalportal.organisations.models import MUNICIPAL_KINDS, Organisation, OrganisationKind

from .figures import Scope
from .indicators import Indicator, communes

# The boundaries are simplified to 0.0005° (about 55 m north–south, 35 m east–west in Hessen); four decimal
# places (about 11 m and 7 m) lose nothing of that and make the file a tenth smaller than five.
COORDINATE_PLACES = 4
CLASS_COUNT = 5
# How the district file names a district-free city; its organisation's key is the AGS: district key + "000".
DISTRICT_FREE_CITY_DESIGNATION = "Kreisfreie Stadt"
DISTRICT_DESIGNATION = "Landkreis"


@dataclass(frozen=True)
class Level:
    code: str  # in the address (?ebene=)
    label: str | Promise
    filename: str  # in the registry's data directory
    kinds: tuple[OrganisationKind, ...]  # the communes this level shows


LEVELS: tuple[Level, ...] = (
    Level("gemeinden", _("Municipalities"), "gemeinden.geojson", MUNICIPAL_KINDS),
    Level(
        "kreise", _("Districts and district-free cities"), "kreise.geojson",
        (OrganisationKind.DISTRICT, OrganisationKind.DISTRICT_FREE_CITY),
    ),
)  # fmt: skip
LEVELS_BY_CODE = {level.code: level for level in LEVELS}


# Boundaries


@dataclass(frozen=True)
class Shapes:
    """A level's boundaries as served: GeoJSON bytes, their version (a hash of the bytes) and the keys."""

    body: bytes
    version: str
    keys: frozenset[str]

    @property
    def etag(self) -> str:
        return f'"{self.version}"'


def _feature_key(level: Level, properties: dict[str, Any]) -> str:
    if level.code == "gemeinden":
        return str(properties["ags"])
    designation = properties.get("bez")
    if designation == DISTRICT_FREE_CITY_DESIGNATION:
        return f"{properties['key']}000"
    if designation == DISTRICT_DESIGNATION:
        return str(properties["key"])
    raise ValueError(f"{level.filename}: unknown designation {designation!r} of {properties.get('key')}")


def _round_ring(ring: list[list[float]]) -> list[list[float]]:
    rounded: list[list[float]] = []
    for x, y in ring:
        point = [round(x, COORDINATE_PLACES), round(y, COORDINATE_PLACES)]
        if not rounded or rounded[-1] != point:
            rounded.append(point)
    # A ring needs four points (the last repeating the first); keep a tiny one as it was rather than lose it.
    return rounded if len(rounded) >= 4 else ring


def _round_geometry(geometry: dict[str, Any]) -> dict[str, Any]:
    if geometry["type"] == "Polygon":
        coordinates: Any = [_round_ring(ring) for ring in geometry["coordinates"]]
    elif geometry["type"] == "MultiPolygon":
        coordinates = [[_round_ring(ring) for ring in polygon] for polygon in geometry["coordinates"]]
    else:
        raise ValueError(f"unexpected geometry {geometry['type']}")
    return {"type": geometry["type"], "coordinates": coordinates}


def prepare_shapes(level: Level, path: Path) -> Shapes:
    """The official boundaries of a level with the organisations' keys and names, coordinates rounded."""
    source = json.loads(path.read_text(encoding="utf-8"))
    features: list[dict[str, Any]] = []
    keys: set[str] = set()
    for feature in source["features"]:
        properties = feature["properties"]
        keys.add(_feature_key(level, properties))
        features.append(
            {
                "type": "Feature",
                "properties": {"key": _feature_key(level, properties), "name": properties["name"]},
                "geometry": _round_geometry(feature["geometry"]),
            }
        )
    body = json.dumps(
        {"type": "FeatureCollection", "features": features}, ensure_ascii=False, separators=(",", ":")
    ).encode("utf-8")
    return Shapes(body=body, version=hashlib.sha256(body).hexdigest()[:20], keys=frozenset(keys))


@cache
def shapes(level_code: str) -> Shapes:
    """A level's boundaries, read once per process (the files change only with a new release)."""
    level = LEVELS_BY_CODE[level_code]
    return prepare_shapes(level, Path(settings.REGISTRY_DATA_DIR) / level.filename)


# Values, ranks and classes


@dataclass(frozen=True)
class ValueClass:
    """One class of the legend: the lowest and highest value in it and how many communes it holds."""

    index: int
    lower: Decimal
    upper: Decimal
    count: int

    def contains(self, value: Decimal) -> bool:
        return self.lower <= value <= self.upper


def quantile_classes(values: Iterable[Decimal], count: int = CLASS_COUNT) -> list[ValueClass]:
    """Split the values into `count` classes of about equal size (quantiles), lowest first.

    Equal values always share a class, so that no value sits in two. Where many communes share one value
    (the same envelope per inhabitant, 100 % paid out), plain quantile breaks would fall inside that value
    and leave classes empty; instead the breaks are chosen between distinct values so that the sizes of the
    classes differ as little as possible from an equal share (least squares, by dynamic programming over
    the distinct values: at most 5 × 443² / 2 steps). Fewer distinct values than classes give one class each.
    """
    ordered = sorted(values)
    groups: list[tuple[Decimal, int]] = []  # each distinct value with how often it occurs
    for value in ordered:
        if groups and groups[-1][0] == value:
            groups[-1] = (value, groups[-1][1] + 1)
        else:
            groups.append((value, 1))
    breaks = _equal_count_breaks([size for _value, size in groups], count)
    return [
        ValueClass(index, groups[first][0], groups[last - 1][0], sum(size for _value, size in groups[first:last]))
        for index, (first, last) in enumerate(breaks)
    ]


def _equal_count_breaks(sizes: list[int], count: int) -> list[tuple[int, int]]:
    """Cut the sequence of group sizes into min(count, len(sizes)) runs whose sums are as equal as possible;
    each run as (first, end) group positions."""
    groups = len(sizes)
    classes = min(count, groups)
    if classes == 0:
        return []
    share = sum(sizes) / count
    prefix = [0]
    for size in sizes:
        prefix.append(prefix[-1] + size)
    infinite = float("inf")
    # cost[c][i]: the least sum of squared deviations for the first i groups in c classes; cut[c][i]: where the
    # last of those classes starts.
    cost = [[infinite] * (groups + 1) for _ in range(classes + 1)]
    cut = [[0] * (groups + 1) for _ in range(classes + 1)]
    cost[0][0] = 0.0
    for c in range(1, classes + 1):
        previous, row, cuts = cost[c - 1], cost[c], cut[c]
        for i in range(c, groups - (classes - c) + 1):
            best, start = infinite, 0
            for j in range(c - 1, i):
                if previous[j] == infinite:
                    continue
                deviation = prefix[i] - prefix[j] - share
                candidate = previous[j] + deviation * deviation
                if candidate < best:
                    best, start = candidate, j
            row[i], cuts[i] = best, start
    runs = []
    end = groups
    for c in range(classes, 0, -1):
        start = cut[c][end]
        runs.append((start, end))
        end = start
    return runs[::-1]


def class_of(value: Decimal | None, classes: list[ValueClass]) -> ValueClass | None:
    if value is None:
        return None
    return next((c for c in classes if c.contains(value)), None)


def decimal_places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def format_value(value: Decimal, unit: str | Promise) -> str:
    """A value as the active language writes it, with its unit: "1.234,56 €", "12,5 %" in German."""
    number = number_format(value, decimal_pos=decimal_places(value), use_l10n=True, force_grouping=True)
    return f"{number}\u00a0{unit}" if str(unit) else number


@dataclass(frozen=True)
class Row:
    """One commune on the map and in its table."""

    organisation: Organisation
    value: Decimal | None
    rank: int | None  # 1 for the highest value; equal values share a rank
    value_class: ValueClass | None

    @property
    def district_name(self) -> str:
        district = self.organisation.district
        return district.short_name if district is not None else ""


@dataclass(frozen=True)
class MapData:
    indicator: Indicator
    level: Level
    rows: list[Row]  # by name
    classes: list[ValueClass]
    without_value: int  # shapes of the level that show no value (communes without one, unincorporated areas)

    @property
    def with_value(self) -> int:
        return sum(1 for row in self.rows if row.value is not None)


def ranks(values: dict[int, Decimal]) -> dict[int, int]:
    """Standard competition ranking, highest first: 10, 8, 8, 5 → 1, 2, 2, 4."""
    ordered = sorted(values.values(), reverse=True)
    first_position: dict[Decimal, int] = {}
    for position, value in enumerate(ordered, start=1):
        first_position.setdefault(value, position)
    return {pk: first_position[value] for pk, value in values.items()}


def map_data(indicator: Indicator, level: Level, scope: Scope | None = None) -> MapData:
    """Every commune of the level with its value, rank and class; the queries of the indicator plus one."""
    organisations = [o for o in communes() if o.kind in level.kinds]
    computed = indicator.compute(scope or Scope())
    values = {o.pk: computed[o.pk] for o in organisations if o.pk in computed}
    classes = quantile_classes(values.values())
    ranked = ranks(values)
    rows = [
        Row(
            organisation=o,
            value=values.get(o.pk),
            rank=ranked.get(o.pk),
            value_class=class_of(values.get(o.pk), classes),
        )
        for o in organisations
    ]
    with_value = {row.organisation.key for row in rows if row.value is not None}
    return MapData(
        indicator=indicator,
        level=level,
        rows=rows,
        classes=classes,
        without_value=len(shapes(level.code).keys - with_value),
    )


# The table's order


def collation_key(text: str) -> str:
    """German dictionary order (DIN 5007-1): Ä as A, ß as ss, case ignored."""
    decomposed = unicodedata.normalize("NFKD", text.replace("ß", "ss"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@dataclass(frozen=True)
class SortColumn:
    code: str  # in the address (?sortierung=)
    label: str | Promise
    key: Callable[[Row], Any]  # None: the row has nothing to sort by and goes last in either direction
    descending_first: bool = False  # the direction of a first click on the column's header


def _name(row: Row) -> str:
    return collation_key(row.organisation.short_name)


SORT_COLUMNS: tuple[SortColumn, ...] = (
    SortColumn("rang", _("Rank"), lambda row: row.rank),
    SortColumn("name", _("Name"), _name),
    SortColumn("kreis", _("District"), lambda row: collation_key(row.district_name) if row.district_name else None),
    SortColumn("art", _("Kind"), lambda row: collation_key(str(row.organisation.get_kind_display()))),
    SortColumn("wert", _("Value"), lambda row: row.value, descending_first=True),
)
SORT_COLUMNS_BY_CODE = {column.code: column for column in SORT_COLUMNS}


def sort_rows(rows: list[Row], column: SortColumn, *, descending: bool) -> list[Row]:
    """The rows in the column's order, ties by name; rows without a value for the column always last."""
    by_name = sorted(rows, key=_name)
    present = [row for row in by_name if column.key(row) is not None]
    missing = [row for row in by_name if column.key(row) is None]
    # sorted() is stable: rows with equal keys stay in the order of their names.
    return sorted(present, key=column.key, reverse=descending) + missing
