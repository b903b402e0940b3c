"""The map of Hessen and its table: public pages, as the indicators are public data.

The map page draws nothing itself: map.js loads the boundaries (long-cached, by version) and the values of
the chosen indicator and level. The table page shows the same values, sorted on the server, and works
without JavaScript; so does the form that switches indicator and level on both pages.
"""

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_safe

from kommunalportal.core.forms import KernFormMixin
from kommunalportal.organisations.models import OrganisationKind

from .indicators import INDICATORS, INDICATORS_BY_CODE, Indicator
from .maps import (
    LEVELS,
    LEVELS_BY_CODE,
    SORT_COLUMNS,
    SORT_COLUMNS_BY_CODE,
    Level,
    MapData,
    Row,
    SortColumn,
    ValueClass,
    format_value,
    map_data,
    shapes,
    sort_rows,
)

ASCENDING, DESCENDING = "auf", "ab"
# A shape file's address carries its version: under that address it never changes.
SHAPES_MAX_AGE_VERSIONED = 365 * 24 * 60 * 60
SHAPES_MAX_AGE = 24 * 60 * 60


class MapForm(KernFormMixin, forms.Form):
    """Which indicator on which level; a parameter left out (or empty) is the first choice."""

    indikator = forms.ChoiceField(
        label=gettext_lazy("Indicator"),
        error_messages={"invalid_choice": gettext_lazy("Please choose an indicator from the list.")},
    )
    ebene = forms.ChoiceField(
        label=gettext_lazy("Level"),
        error_messages={"invalid_choice": gettext_lazy("Please choose a level from the list.")},
    )

    def __init__(self, query: QueryDict, **kwargs: Any) -> None:
        super().__init__(self.with_defaults(query), **kwargs)
        self.fields["indikator"].choices = [(i.code, i.label) for i in INDICATORS]  # type: ignore[attr-defined]  # ChoiceField
        self.fields["ebene"].choices = [(level.code, level.label) for level in LEVELS]  # type: ignore[attr-defined]  # ChoiceField

    @classmethod
    def defaults(cls) -> dict[str, str]:
        return {"indikator": INDICATORS[0].code, "ebene": LEVELS[0].code}

    @classmethod
    def with_defaults(cls, query: QueryDict) -> dict[str, str]:
        defaults = cls.defaults()
        return {name: query.get(name, "").strip() or defaults[name] for name in cls.base_fields}

    def indicator(self) -> Indicator:
        return INDICATORS_BY_CODE[self.cleaned_data["indikator"]]

    def level(self) -> Level:
        return LEVELS_BY_CODE[self.cleaned_data["ebene"]]


class TableForm(MapForm):
    """The map's choice and the table's order: a column and a direction."""

    sortierung = forms.ChoiceField(
        label=gettext_lazy("Sort by"),
        widget=forms.HiddenInput,
        choices=[(column.code, column.label) for column in SORT_COLUMNS],
        error_messages={"invalid_choice": gettext_lazy("Please sort by one of the table's columns.")},
    )
    richtung = forms.ChoiceField(
        label=gettext_lazy("Direction"),
        widget=forms.HiddenInput,
        choices=[
            (ASCENDING, pgettext_lazy("sort order", "ascending")),
            (DESCENDING, pgettext_lazy("sort order", "descending")),
        ],
        error_messages={"invalid_choice": gettext_lazy("Please sort ascending or descending.")},
    )

    @classmethod
    def defaults(cls) -> dict[str, str]:
        return {**super().defaults(), "sortierung": SORT_COLUMNS[0].code, "richtung": ""}

    @classmethod
    def with_defaults(cls, query: QueryDict) -> dict[str, str]:
        data = super().with_defaults(query)
        if not data["richtung"]:
            column = SORT_COLUMNS_BY_CODE.get(data["sortierung"])
            data["richtung"] = DESCENDING if column and column.descending_first else ASCENDING
        return data

    def column(self) -> SortColumn:
        return SORT_COLUMNS_BY_CODE[self.cleaned_data["sortierung"]]

    def descending(self) -> bool:
        return bool(self.cleaned_data["richtung"] == DESCENDING)


def _error_messages(form: forms.Form) -> list[str]:
    return [str(message) for field in form.errors.values() for message in field]


def _address(name: str, **params: str) -> str:
    return f"{reverse(name)}?{urlencode(params)}" if params else reverse(name)


def _shapes_address(level: Level) -> str:
    return (
        f"{reverse('monitor:map_shapes', kwargs={'level': level.code})}?{urlencode({'v': shapes(level.code).version})}"
    )


@require_safe
def map_page(request: HttpRequest) -> HttpResponse:
    """The choropleth map: the form to choose, the map (drawn by map.js), its legend and the way to the table."""
    form = MapForm(request.GET)
    context: dict[str, Any] = {"form": form, "errors": []}
    if not form.is_valid():
        context["errors"] = _error_messages(form)
        return render(request, "monitor/map.html", context, status=400)
    indicator, level = form.indicator(), form.level()
    context.update(
        indicator=indicator,
        level=level,
        caption=_caption(indicator, level),
        table_address=_address("monitor:map_table", indikator=indicator.code, ebene=level.code),
        config={
            "valuesUrl": reverse("monitor:map_values"),
            "tableUrl": reverse("monitor:map_table"),
            "shapesUrls": {lvl.code: _shapes_address(lvl) for lvl in LEVELS},
            "text": {
                "loading": _("Loading the map …"),
                "failed": _("The map could not be loaded. The table shows the same data."),
                "zoomIn": _("Zoom in"),
                "zoomOut": _("Zoom out"),
                "noValue": _("no value"),
            },
        },
    )
    return render(request, "monitor/map.html", context)


def _class_text(value_class: ValueClass, indicator: Indicator) -> str:
    lower, upper = format_value(value_class.lower, indicator.unit), format_value(value_class.upper, indicator.unit)
    value_range = lower if lower == upper else _("%(lower)s to %(upper)s") % {"lower": lower, "upper": upper}
    return f"{value_range} ({number_format(value_class.count, force_grouping=True)})"


def _display(row: Row, indicator: Indicator) -> str:
    return _("no value") if row.value is None else format_value(row.value, indicator.unit)


def _caption(indicator: Indicator, level: Level) -> str:
    return _("%(indicator)s in %(unit)s – %(level)s") % {
        "indicator": indicator.label,
        "unit": indicator.unit,
        "level": level.label,
    }


def _summary(data: MapData) -> str:
    return _("%(shown)s of %(total)s communes have a value.") % {
        "shown": number_format(data.with_value, force_grouping=True),
        "total": number_format(len(data.rows), force_grouping=True),
    }


def values_payload(data: MapData) -> dict[str, Any]:
    indicator = data.indicator
    kinds = {kind.value: str(kind.label) for kind in OrganisationKind}
    return {
        "indicator": {
            "code": indicator.code,
            "label": str(indicator.label),
            "unit": str(indicator.unit),
            "description": str(indicator.description),
        },
        "level": {"code": data.level.code, "label": str(data.level.label)},
        "caption": _caption(indicator, data.level),
        "summary": _summary(data),
        "classes": [
            {
                "index": c.index,
                "lower": str(c.lower),
                "upper": str(c.upper),
                "count": c.count,
                "text": _class_text(c, indicator),
            }
            for c in data.classes
        ],
        "noValue": {
            "count": data.without_value,
            "text": _("No value (%(count)s)") % {"count": number_format(data.without_value, force_grouping=True)},
        },
        "communes": [
            {
                "key": row.organisation.key,
                "name": row.organisation.short_name,
                "district": row.district_name or None,
                "kind": kinds.get(row.organisation.kind, row.organisation.kind),
                "value": None if row.value is None else str(row.value),
                "display": _display(row, indicator),
                "class": None if row.value_class is None else row.value_class.index,
                "rank": row.rank,
                "url": reverse("organisations:detail", args=[row.organisation.key]),
            }
            for row in data.rows
        ],
    }


@require_safe
def map_values(request: HttpRequest) -> JsonResponse:
    """The values of one indicator for every commune of one level, with rank, class and legend, as JSON."""
    form = MapForm(request.GET)
    if not form.is_valid():
        messages = _error_messages(form)
        return JsonResponse(
            {"error": " ".join(messages), "errors": {name: [str(m) for m in e] for name, e in form.errors.items()}},
            status=400,
            json_dumps_params={"ensure_ascii": False},
        )
    data = map_data(form.indicator(), form.level())
    return JsonResponse(values_payload(data), json_dumps_params={"ensure_ascii": False})


@require_safe
@gzip_page
def map_shapes(request: HttpRequest, level: str) -> HttpResponse:
    """A level's boundaries as GeoJSON, with an ETag; for a year under the address that names their version."""
    prepared = shapes(level)
    response = get_conditional_response(request, etag=prepared.etag) or HttpResponse(
        prepared.body, content_type="application/geo+json"
    )
    response["ETag"] = prepared.etag
    versioned = request.GET.get("v") == prepared.version
    patch_cache_control(
        response,
        public=True,
        max_age=SHAPES_MAX_AGE_VERSIONED if versioned else SHAPES_MAX_AGE,
        **({"immutable": True} if versioned else {}),
    )
    return response


def _column_label(column: SortColumn, indicator: Indicator) -> str:
    """The value column is named by its indicator and unit: "Share paid out (%)"."""
    if column.code != "wert":
        return str(column.label)
    return f"{indicator.label} ({indicator.unit})" if str(indicator.unit) else str(indicator.label)


def _headers(form: TableForm, indicator: Indicator, level: Level) -> list[dict[str, Any]]:
    current, descending = form.column(), form.descending()
    headers = []
    for column in SORT_COLUMNS:
        is_current = column.code == current.code
        next_descending = not descending if is_current else column.descending_first
        headers.append(
            {
                "code": column.code,
                "label": _column_label(column, indicator),
                "is_numeric": column.code in {"rang", "wert"},
                "aria_sort": ("descending" if descending else "ascending") if is_current else "",
                "action": _("sort in descending order") if next_descending else _("sort in ascending order"),
                "address": _address(
                    "monitor:map_table",
                    indikator=indicator.code,
                    ebene=level.code,
                    sortierung=column.code,
                    richtung=DESCENDING if next_descending else ASCENDING,
                ),
            }
        )
    return headers


@require_safe
def map_table(request: HttpRequest) -> HttpResponse:
    """The map's data as a table, sorted on the server by the column the visitor chose."""
    form = TableForm(request.GET)
    context: dict[str, Any] = {"form": form, "errors": []}
    if not form.is_valid():
        context["errors"] = _error_messages(form)
        return render(request, "monitor/map_table.html", context, status=400)
    indicator, level = form.indicator(), form.level()
    data = map_data(indicator, level)
    column, descending = form.column(), form.descending()
    rows = sort_rows(data.rows, column, descending=descending)
    context.update(
        indicator=indicator,
        level=level,
        data=data,
        rows=[(row, _display(row, indicator)) for row in rows],
        headers=_headers(form, indicator, level),
        caption=_caption(indicator, level),
        sorted_by=_column_label(column, indicator),
        sorted_direction=pgettext("sort order", "descending") if descending else pgettext("sort order", "ascending"),
        map_address=_address("monitor:map", indikator=indicator.code, ebene=level.code),
    )
    return render(request, "monitor/map_table.html", context)
