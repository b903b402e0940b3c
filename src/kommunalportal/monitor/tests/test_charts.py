"""The SVG charts: well-formed XML, an accessible name and description, scales that cover the data, labels in the
language of the page, and a clear picture when there is nothing to show."""

import itertools
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from kommunalportal.monitor.charts import (
    COLOURS,
    MAX_MARKERS,
    MAX_X_LABELS,
    Bar,
    Series,
    axis_label,
    bar_chart,
    line_chart,
    nice_ticks,
)

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ET.Element:
    return ET.fromstring(markup)  # noqa: S314  (the markup is the charts' own, made in the test)


def texts(svg: ET.Element) -> list[str]:
    return [element.text or "" for element in svg.iter(f"{SVG}text")]


def points(polyline: ET.Element) -> list[tuple[Decimal, Decimal]]:
    return [(Decimal(x), Decimal(y)) for x, y in (pair.split(",") for pair in polyline.attrib["points"].split())]


def months_chart(values_a, values_b, labels=None, **kwargs) -> str:
    labels = labels or [f"M{n}" for n in range(len(values_a))]
    return line_chart(
        chart_id="verlauf",
        title="Bewilligt und ausgezahlt",
        description="Summen je Monat",
        labels=labels,
        series=[Series("Bewilligt", tuple(values_a)), Series("Ausgezahlt", tuple(values_b))],
        **kwargs,
    )


@pytest.mark.parametrize(
    ("maximum", "ticks"),
    [
        ("7500", ["0", "2000", "4000", "6000", "8000"]),
        ("16000000", ["0", "5000000", "10000000", "15000000", "20000000"]),
        ("100", ["0", "20", "40", "60", "80", "100"]),
        ("1", ["0", "0.2", "0.4", "0.6", "0.8", "1"]),
        ("12.5", ["0", "2.5", "5", "7.5", "10", "12.5"]),
        ("0", ["0", "1"]),
        ("-3", ["0", "1"]),
    ],
)
def test_the_scale_runs_from_zero_in_round_steps(maximum, ticks):
    assert nice_ticks(Decimal(maximum)) == [Decimal(t) for t in ticks]


@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999999999999.99"), places=2))
def test_the_scale_covers_every_amount_with_a_few_equal_steps(maximum):
    ticks = nice_ticks(maximum)
    steps = {b - a for a, b in itertools.pairwise(ticks)}
    assert ticks[0] == 0 and len(steps) == 1 and 3 <= len(ticks) <= 6
    assert ticks[-2] < maximum <= ticks[-1]  # the top tick is the first at or above the largest value


def test_a_line_chart_is_well_formed_svg_with_an_accessible_name():
    svg = parse(months_chart([Decimal("100"), Decimal("250")], [Decimal("0"), Decimal("80")]))
    assert svg.tag == f"{SVG}svg" and svg.attrib["role"] == "img"
    title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
    assert title is not None and desc is not None
    assert svg.attrib["aria-labelledby"] == title.attrib["id"] == "verlauf-title"
    assert svg.attrib["aria-describedby"] == desc.attrib["id"] == "verlauf-desc"
    assert (title.text, desc.text) == ("Bewilligt und ausgezahlt", "Summen je Monat")
    assert list(svg)[:2] == [title, desc]  # the name comes first, as assistive technology expects


def test_the_points_lie_on_the_scale():
    svg = parse(months_chart([Decimal("0"), Decimal("4000"), Decimal("8000")], [Decimal("0")] * 3))
    approved, paid = svg.iter(f"{SVG}polyline")
    (x0, y0), (x1, y1), (x2, y2) = points(approved)
    # 8,000 is the top tick: the highest point touches the top of the plot, zero lies on the axis, 4,000 halfway.
    assert y2 == 56 and y0 == 316 and y1 == (y0 + y2) / 2
    assert x0 == 120 and x2 == 720 - 24 and x1 == (x0 + x2) / 2
    assert {y for _x, y in points(paid)} == {Decimal(316)}
    # The series differ by colour, dashes and markers.
    assert approved.attrib["stroke"] == COLOURS[0] and "stroke-dasharray" not in approved.attrib
    assert paid.attrib["stroke"] == COLOURS[1] and paid.attrib["stroke-dasharray"]
    assert len(list(svg.iter(f"{SVG}circle"))) == 3 + 1 and len(list(svg.iter(f"{SVG}rect"))) == 3 + 1


def test_three_lines_differ_by_dashes_and_markers_and_a_fourth_is_refused():
    line = (Decimal(1), Decimal(2))
    three = [Series(name, line) for name in ("a", "b", "c")]
    svg = parse(line_chart(chart_id="drei", title="t", description="d", labels=["x", "y"], series=three))
    dashes = [p.attrib.get("stroke-dasharray", "") for p in svg.iter(f"{SVG}polyline")]
    assert len(set(dashes)) == 3 and len(list(svg.iter(f"{SVG}polygon"))) == 2 + 1
    with pytest.raises(ValueError, match="at most 3 series"):
        line_chart(chart_id="vier", title="t", description="d", labels=["x", "y"], series=[*three, Series("d", line)])


def test_the_axis_labels_are_in_the_language_of_the_page():
    values = [Decimal("1250000"), Decimal("16000000")]
    with translation.override("de"):
        german = texts(parse(months_chart(values, values, labels=["Sep 2020", "Okt 2020"])))
    with translation.override("en"):
        english = texts(parse(months_chart(values, values, labels=["Sep 2020", "Oct 2020"])))
    assert "15.000.000 €" in german and "0 €" in german and "Okt 2020" in german
    assert "15,000,000 €" in english
    assert "Bewilligt" in german and "Ausgezahlt" in german  # the legend names the lines
    with translation.override("de"):
        assert axis_label(Decimal("2.5"), "€") == "2,5 €" and axis_label(Decimal("7500"), "") == "7.500"


def test_a_long_time_axis_names_only_some_months_and_drops_the_markers():
    labels = [f"Monat {n}" for n in range(MAX_MARKERS + 1)]
    svg = parse(months_chart([Decimal(n) for n in range(len(labels))], [Decimal(0)] * len(labels), labels=labels))
    shown = [t for t in texts(svg) if t.startswith("Monat")]
    assert shown[0] == "Monat 0" and 1 < len(shown) <= MAX_X_LABELS
    # Only the legend keeps its marker; the table beside the chart gives every month.
    assert len(list(svg.iter(f"{SVG}circle"))) == 1 and len(list(svg.iter(f"{SVG}rect"))) == 1


def test_a_label_cannot_break_the_markup():
    markup = line_chart(
        chart_id="x", title="A & B <script>", description='"quoted"', labels=["<b>"],
        series=[Series("</svg>", (Decimal(1),))],
    )  # fmt: skip
    svg = parse(markup)
    assert "<script>" not in markup and svg.find(f"{SVG}title").text == "A & B <script>"  # type: ignore[union-attr]
    assert "</svg>" in texts(svg)


@pytest.mark.parametrize(("labels", "series"), [([], []), ([], [Series("Leer", ())]), (["Sep"], [])])
def test_a_line_chart_without_data_says_so(labels, series):
    svg = parse(
        line_chart(chart_id="leer", title="Verlauf", description="Keine Daten", labels=labels, series=series,
                   empty_message="Noch keine Zahlen.")
    )  # fmt: skip
    assert texts(svg) == ["Noch keine Zahlen."] and not list(svg.iter(f"{SVG}polyline"))
    assert svg.attrib["role"] == "img" and svg.find(f"{SVG}title") is not None


def test_a_line_chart_refuses_series_of_the_wrong_length():
    with pytest.raises(ValueError, match="one value per label"):
        line_chart(chart_id="x", title="t", description="d", labels=["a", "b"], series=[Series("s", (Decimal(1),))])


def test_a_bar_chart_scales_its_bars_and_writes_their_values():
    bars = [
        Bar("E-Akte", Decimal("14500.00")),
        Bar("Online-Dienste (OZG)", Decimal("140000.00")),
        Bar("Leer", Decimal(0)),
    ]
    with translation.override("de"):
        svg = parse(bar_chart(chart_id="kategorien", title="Nach Kategorie", description="Bewilligt", bars=bars))
    assert svg.attrib["role"] == "img" and svg.attrib["aria-labelledby"] == "kategorien-title"
    rects = list(svg.iter(f"{SVG}rect"))
    widths = [Decimal(r.attrib["width"]) for r in rects]
    plot = Decimal(720 - 150 - 16)
    top = nice_ticks(Decimal("140000.00"))[-1]
    assert widths == [
        (Decimal("14500") / top * plot).quantize(Decimal("0.1")),
        (Decimal("140000") / top * plot).quantize(Decimal("0.1")),
        0,
    ]
    labels = texts(svg)
    assert {"E-Akte", "Online-Dienste (OZG)", "14.500,00 €", "140.000,00 €", "0,00 €", "150.000 €"} <= set(labels)
    assert int(svg.attrib["height"]) > 3 * 40  # a row per bar


def test_a_bar_chart_without_bars_says_so():
    svg = parse(bar_chart(chart_id="leer", title="t", description="d", bars=[], empty_message="Nichts."))
    assert texts(svg) == ["Nichts."] and not list(svg.iter(f"{SVG}rect"))
