"""Charts drawn on the server as SVG: a line chart over time and a bar chart of amounts.

Each chart is an image with an accessible name (its `<title>`) and a description (its `<desc>`); the page puts
the same figures in a table beside it, so nothing depends on seeing the chart. Series differ by line style and
marker as well as by colour, and every bar carries its value as text. Numbers are formatted in the language of
the page. The markup is built with ElementTree, which escapes every label.
"""

import math
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe

WIDTH = 720
LINE_HEIGHT = 360
FONT = "Fira Sans, Arial, sans-serif"
FONT_SIZE = "13"
TEXT = "#131525"  # the text colour of the pages
MUTED = "#474b64"  # axis labels: 8.6:1 on white
GRID = "#c9ccd8"  # only decoration; the tick labels carry the values
# Lines and bars need 3:1 against white (WCAG 1.4.11); these have 9.6:1, 5.9:1 and 6.9:1.
COLOURS = ("#0b3fad", "#a3470b", "#1f6b3a")
# A line is also told apart by its dashes and its markers, never by colour alone.
DASHES = ("", "8 4", "2 4")
MARKERS = ("circle", "square", "diamond")
# At most this many labels under the time axis; the table lists every month.
MAX_X_LABELS = 8
# Markers on every point while they do not crowd the line.
MAX_MARKERS = 40
BAR_ROW = 46  # a label line and a bar below it
BAR_THICKNESS = 18
VALUE_ROOM = 150  # right of the longest bar, for its value


@dataclass(frozen=True)
class Series:
    """One line of a line chart: its name (shown in the legend) and one value per label of the time axis."""

    label: str
    values: tuple[Decimal, ...]


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal


def nice_ticks(maximum: Decimal, count: int = 5) -> list[Decimal]:
    """Ticks from zero up to at least `maximum`, at most about `count` steps of 1, 2, 2.5 or 5 times a power of
    ten: 7,500 gives 0, 2,000, … 8,000. Nothing to show (zero or less) gives 0 and 1."""
    if maximum <= 0:
        return [Decimal(0), Decimal(1)]
    raw = maximum / count
    power = Decimal(10) ** raw.adjusted()  # the power of ten at or below the raw step
    step = next(power * factor for factor in (1, 2, Decimal("2.5"), 5, 10) if power * factor >= raw)
    steps = int((maximum / step).to_integral_value(rounding=ROUND_CEILING))
    return [step * n for n in range(steps + 1)]


def axis_label(value: Decimal, unit: str) -> str:
    """A tick's value in the language of the page, grouped, with decimals only where the step needs them."""
    exponent = value.normalize().as_tuple().exponent
    places = 0 if value == value.to_integral_value() or not isinstance(exponent, int) else min(2, -exponent)
    text = number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)
    return f"{text} {unit}".strip()


def value_label(value: Decimal, unit: str) -> str:
    """A value as the tables show it: two decimal places, grouped, in the language of the page."""
    text = number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)
    return f"{text} {unit}".strip()


def _n(value: Decimal | float | int) -> str:
    """A coordinate: one decimal place is finer than a pixel."""
    return f"{Decimal(value).quantize(Decimal('0.1'))}"


def _svg(chart_id: str, title: str, description: str, height: int) -> ET.Element:
    svg = ET.Element(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "id": chart_id,
            "class": "kp-chart",
            "role": "img",
            "aria-labelledby": f"{chart_id}-title",
            "aria-describedby": f"{chart_id}-desc",
            "viewBox": f"0 0 {WIDTH} {height}",
            "width": str(WIDTH),
            "height": str(height),
            "style": f"width:100%;max-width:{WIDTH}px;height:auto",
            "font-family": FONT,
            "font-size": FONT_SIZE,
        },
    )
    ET.SubElement(svg, "title", {"id": f"{chart_id}-title"}).text = title
    ET.SubElement(svg, "desc", {"id": f"{chart_id}-desc"}).text = description
    return svg


def _text(parent: ET.Element, x: Decimal | float | int, y: Decimal | float | int, content: str, **attrs: str) -> None:
    attributes = {"x": _n(x), "y": _n(y), "fill": attrs.pop("fill", TEXT)}
    attributes.update({key.rstrip("_").replace("_", "-"): value for key, value in attrs.items()})
    ET.SubElement(parent, "text", attributes).text = content


def _empty(svg: ET.Element, height: int, message: str) -> SafeString:
    _text(svg, WIDTH / 2, height / 2, message, text_anchor="middle", fill=MUTED)
    return _serialise(svg)


def _serialise(svg: ET.Element) -> SafeString:
    # ElementTree has escaped every text and attribute value, so the markup is safe to put in the page.
    return mark_safe(ET.tostring(svg, encoding="unicode"))  # noqa: S308


def _marker(parent: ET.Element, shape: str, x: Decimal, y: Decimal, colour: str) -> None:
    if shape == "circle":
        ET.SubElement(parent, "circle", {"cx": _n(x), "cy": _n(y), "r": "3.5", "fill": colour})
    elif shape == "square":
        ET.SubElement(parent, "rect", {"x": _n(x - 3), "y": _n(y - 3), "width": "6", "height": "6", "fill": colour})
    else:
        r = Decimal("4.5")
        points = f"{_n(x)},{_n(y - r)} {_n(x + r)},{_n(y)} {_n(x)},{_n(y + r)} {_n(x - r)},{_n(y)}"
        ET.SubElement(parent, "polygon", {"points": points, "fill": colour})


def line_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    labels: Sequence[str],
    series: Sequence[Series],
    unit: str = "€",
    empty_message: str = "–",
) -> SafeString:
    """Lines over a time axis: one label per point in time, one value per label in every series."""
    if any(len(s.values) != len(labels) for s in series):
        raise ValueError("every series needs one value per label")
    if len(series) > len(COLOURS):
        raise ValueError(f"at most {len(COLOURS)} series")
    height = LINE_HEIGHT
    svg = _svg(chart_id, title, description, height)
    if not labels or not series:
        return _empty(svg, height, empty_message)
    left, right, top, bottom = 120, WIDTH - 24, 56, height - 44
    ticks = nice_ticks(max(v for s in series for v in s.values))
    scale = ticks[-1]

    def y_of(value: Decimal) -> Decimal:
        return bottom - (value / scale) * (bottom - top)

    def x_of(index: int) -> Decimal:
        if len(labels) == 1:
            return Decimal(left + right) / 2
        return left + Decimal(index) * (right - left) / (len(labels) - 1)

    axes = ET.SubElement(svg, "g", {"aria-hidden": "true"})
    for tick in ticks:
        y = y_of(tick)
        ET.SubElement(
            axes,
            "line",
            {"x1": _n(left), "x2": _n(right), "y1": _n(y), "y2": _n(y), "stroke": GRID, "stroke-width": "1"},
        )
        _text(axes, left - 8, y + 4, axis_label(tick, unit), text_anchor="end", fill=MUTED)
    ET.SubElement(
        axes,
        "line",
        {"x1": _n(left), "x2": _n(left), "y1": _n(top), "y2": _n(bottom), "stroke": MUTED, "stroke-width": "1"},
    )
    ET.SubElement(
        axes,
        "line",
        {"x1": _n(left), "x2": _n(right), "y1": _n(bottom), "y2": _n(bottom), "stroke": MUTED, "stroke-width": "1"},
    )
    every = max(1, math.ceil(len(labels) / MAX_X_LABELS))
    for index in range(0, len(labels), every):
        x = x_of(index)
        ET.SubElement(
            axes,
            "line",
            {"x1": _n(x), "x2": _n(x), "y1": _n(bottom), "y2": _n(bottom + 5), "stroke": MUTED, "stroke-width": "1"},
        )
        _text(axes, x, bottom + 20, labels[index], text_anchor="middle", fill=MUTED, class_="kp-chart__x-label")
    legend = ET.SubElement(svg, "g", {"aria-hidden": "true", "class": "kp-chart__legend"})
    legend_x = Decimal(left)
    for number, line in enumerate(series):
        colour, dashes, shape = COLOURS[number], DASHES[number], MARKERS[number]
        attrs = {
            "x1": _n(legend_x), "x2": _n(legend_x + 28), "y1": "20", "y2": "20",
            "stroke": colour, "stroke-width": "2.5",
        }  # fmt: skip
        if dashes:
            attrs["stroke-dasharray"] = dashes
        ET.SubElement(legend, "line", attrs)
        _marker(legend, shape, legend_x + 14, Decimal(20), colour)
        _text(legend, legend_x + 36, 24, line.label)
        legend_x += 36 + Decimal(7 * len(line.label)) + 28
    for number, line in enumerate(series):
        colour, dashes, shape = COLOURS[number], DASHES[number], MARKERS[number]
        group = ET.SubElement(svg, "g", {"aria-hidden": "true", "class": "kp-chart__series"})
        points = [(x_of(i), y_of(v)) for i, v in enumerate(line.values)]
        attrs = {
            "points": " ".join(f"{_n(x)},{_n(y)}" for x, y in points),
            "fill": "none", "stroke": colour, "stroke-width": "2.5", "stroke-linejoin": "round",
        }  # fmt: skip
        if dashes:
            attrs["stroke-dasharray"] = dashes
        ET.SubElement(group, "polyline", attrs)
        if len(points) <= MAX_MARKERS:
            for x, y in points:
                _marker(group, shape, x, y, colour)
    return _serialise(svg)


def bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    bars: Sequence[Bar],
    unit: str = "€",
    empty_message: str = "–",
) -> SafeString:
    """Horizontal bars, each with its label above it and its value at its end."""
    left, top = 16, 12
    height = top + BAR_ROW * max(len(bars), 1) + 36
    svg = _svg(chart_id, title, description, height)
    if not bars:
        return _empty(svg, height, empty_message)
    right = WIDTH - VALUE_ROOM
    bottom = top + BAR_ROW * len(bars)
    ticks = nice_ticks(max(bar.value for bar in bars))
    scale = ticks[-1]

    def x_of(value: Decimal) -> Decimal:
        return left + (value / scale) * (right - left)

    axes = ET.SubElement(svg, "g", {"aria-hidden": "true"})
    for tick in ticks:
        x = x_of(tick)
        ET.SubElement(
            axes,
            "line",
            {"x1": _n(x), "x2": _n(x), "y1": _n(top), "y2": _n(bottom), "stroke": GRID, "stroke-width": "1"},
        )
        _text(axes, x, bottom + 20, axis_label(tick, unit), text_anchor="middle", fill=MUTED)
    ET.SubElement(
        axes,
        "line",
        {"x1": _n(left), "x2": _n(left), "y1": _n(top), "y2": _n(bottom), "stroke": MUTED, "stroke-width": "1"},
    )
    group = ET.SubElement(svg, "g", {"aria-hidden": "true", "class": "kp-chart__bars"})
    for row, bar in enumerate(bars):
        y = top + BAR_ROW * row
        _text(group, left + 4, y + 15, bar.label)
        end = x_of(max(bar.value, Decimal(0)))
        ET.SubElement(
            group,
            "rect",
            {
                "x": _n(left), "y": _n(y + 21), "width": _n(end - left), "height": str(BAR_THICKNESS),
                "fill": COLOURS[0],
            },
        )  # fmt: skip
        _text(group, end + 6, y + 21 + 14, value_label(bar.value, unit))
    return _serialise(svg)
