"""Small SVG charts of the digitalisation index, drawn on the server: a box plot per year, a histogram and a
line. Each is an image with a title and a description (`role="img"`); the page puts the same numbers in a
table beside it, so no information lives in the picture alone."""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from .index import Bin, Distribution

INK = "#1b1b1b"  # text and lines: 18:1 on white
ACCENT = "#0b4f8a"  # boxes, bars and the line: 8.6:1 on white
FILL = "#d6e6f5"  # inside the boxes, always outlined in ACCENT
GRID = "#767676"  # 4.5:1 on white

WIDTH = 640
HEIGHT = 300
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 24, 40  # margins for the axes' labels


@dataclass(frozen=True)
class Axis:
    top: Decimal
    steps: int
    places: int  # decimals of the labels


def nice_axis(maximum: Decimal, *, whole: bool = False) -> Axis:
    """A round upper end of a scale at or above `maximum`, with at most five round steps (1, 2, 2.5 or 5 times
    a power of ten; only whole steps for counts)."""
    if maximum <= 0:
        return Axis(Decimal(5) if whole else Decimal(1), 5, 0 if whole else 1)
    exponent = math.floor(math.log10(float(maximum) / 5))
    magnitude = Decimal(10) ** exponent
    factors = [Decimal(f) for f in ("1", "2", "2.5", "5", "10")]
    for factor in factors:
        step = factor * magnitude
        if (whole and step != step.to_integral_value()) or (whole and step < 1):
            continue
        if step * 5 >= maximum:
            break
    steps = math.ceil(maximum / step)
    last_digit = step.normalize().as_tuple().exponent
    places = max(0, -last_digit) if isinstance(last_digit, int) else 0
    return Axis(step * steps, steps, places)


def _n(value: float) -> str:
    """A coordinate for SVG: a dot as decimal separator whatever the page's language."""
    return f"{value:.1f}"


def _label(value: Decimal, places: int) -> str:
    # number_format cuts off further decimals; round first, as the tables do.
    rounded = Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return number_format(rounded, decimal_pos=places)


def _frame(uid: str, title: str | Promise, description: str | Promise, body: SafeString) -> SafeString:
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="kp-chart" role="img" aria-labelledby="{0}-title {0}-desc" '
        'viewBox="0 0 {1} {2}" width="100%" style="max-width: {1}px; height: auto;" '
        'font-family="Fira Sans, sans-serif" font-size="13">'
        '<title id="{0}-title">{3}</title><desc id="{0}-desc">{4}</desc>'
        '<rect width="{1}" height="{2}" fill="#ffffff"/>{5}</svg>',
        uid, WIDTH, HEIGHT, title, description, body,
    )  # fmt: skip


def _y(value: Decimal | float, top: float) -> float:
    """The vertical position of a value between 0 (bottom) and `top`."""
    plot = HEIGHT - TOP - BOTTOM
    return HEIGHT - BOTTOM - plot * float(value) / top if top else HEIGHT - BOTTOM


def _y_axis(axis: Axis) -> SafeString:
    lines = []
    top = float(axis.top)
    for i in range(axis.steps + 1):
        value = axis.top * i / axis.steps
        y = _y(value, top)
        line = format_html(
            '<line x1="{0}" x2="{1}" y1="{2}" y2="{2}" stroke="{3}" stroke-width="0.5" stroke-dasharray="2 3"/>'
            '<text x="{4}" y="{5}" text-anchor="end" fill="{6}">{7}</text>',
            LEFT, WIDTH - RIGHT, _n(y), GRID, LEFT - 6, _n(y + 4), INK, _label(value, axis.places),
        )  # fmt: skip
        lines.append(line)
    return mark_safe("".join(lines))  # noqa: S308  (each piece escaped by format_html)


def _x_label(x: float, label: str) -> SafeString:
    y = HEIGHT - BOTTOM + 20
    return format_html('<text x="{}" y="{}" text-anchor="middle" fill="{}">{}</text>', _n(x), y, INK, label)


def _slots(count: int) -> tuple[float, float]:
    """The width of each of `count` equal slots along the x axis and where the first starts."""
    plot = WIDTH - LEFT - RIGHT
    return plot / max(count, 1), float(LEFT)


def box_plot(
    uid: str, rows: Sequence[tuple[str, Distribution | None]], *, title: str | Promise, description: str | Promise
) -> SafeString:
    """One box per row (e.g. year): whiskers from the smallest to the largest value, the box from the first to
    the third quartile, a thick line at the median; the scale runs from 0 to 100."""
    width, start = _slots(len(rows))
    parts = [_y_axis(Axis(Decimal(100), 5, 0))]
    for i, (label, stats) in enumerate(rows):
        middle = start + width * (i + 0.5)
        parts.append(_x_label(middle, label))
        if stats is None:
            continue
        half = min(width * 0.3, 40)
        box = format_html(
            '<line x1="{0}" x2="{0}" y1="{1}" y2="{2}" stroke="{3}" stroke-width="1.5"/>'
            '<line x1="{4}" x2="{5}" y1="{1}" y2="{1}" stroke="{3}" stroke-width="1.5"/>'
            '<line x1="{4}" x2="{5}" y1="{2}" y2="{2}" stroke="{3}" stroke-width="1.5"/>'
            '<rect x="{6}" y="{7}" width="{8}" height="{9}" fill="{10}" stroke="{11}" stroke-width="2"/>'
            '<line x1="{6}" x2="{12}" y1="{13}" y2="{13}" stroke="{11}" stroke-width="4"/>',
            _n(middle), _n(_y(stats.maximum, 100)), _n(_y(stats.minimum, 100)), INK,
            _n(middle - half / 2), _n(middle + half / 2),
            _n(middle - half), _n(_y(stats.q3, 100)), _n(2 * half),
            _n(max(_y(stats.q1, 100) - _y(stats.q3, 100), 1)), FILL, ACCENT,
            _n(middle + half), _n(_y(stats.median, 100)),
        )  # fmt: skip
        parts.append(box)
    return _frame(uid, title, description, mark_safe("".join(parts)))  # noqa: S308  (escaped pieces)


def histogram_chart(uid: str, bins: Sequence[Bin], *, title: str | Promise, description: str | Promise) -> SafeString:
    """A bar per band of points with its count written above it."""
    axis = nice_axis(Decimal(max((b.count for b in bins), default=0)), whole=True)
    top = float(axis.top)
    width, start = _slots(len(bins))
    parts = [_y_axis(axis)]
    for i, band in enumerate(bins):
        left = start + width * i
        y = _y(band.count, top)
        bar = format_html(
            '<rect x="{0}" y="{1}" width="{2}" height="{3}" fill="{4}"/>'
            '<text x="{5}" y="{6}" text-anchor="middle" fill="{7}">{8}</text>'
            '<text x="{5}" y="{9}" text-anchor="middle" fill="{7}" font-size="11">{10}–{11}</text>',
            _n(left + 2), _n(y), _n(width - 4), _n(HEIGHT - BOTTOM - y), ACCENT,
            _n(left + width / 2), _n(y - 5), INK, band.count,
            HEIGHT - BOTTOM + 18, _label(band.lower, 0), _label(band.upper, 0),
        )  # fmt: skip
        parts.append(bar)
    return _frame(uid, title, description, mark_safe("".join(parts)))  # noqa: S308  (escaped pieces)


def line_chart(
    uid: str,
    points: Sequence[tuple[str, Decimal | None]],
    *,
    places: int,
    title: str | Promise,
    description: str | Promise,
) -> SafeString:
    """A line through the values (gaps where there is none), each point marked and labelled with its value
    (`places` decimals); the scale starts at 0 and ends at a round value above the largest."""
    axis = nice_axis(max((value for _label, value in points if value is not None), default=Decimal(0)))
    top = axis.top
    width, start = _slots(len(points))
    parts = [_y_axis(axis)]
    coordinates = []
    for i, (label, value) in enumerate(points):
        x = start + width * (i + 0.5)
        parts.append(_x_label(x, label))
        if value is not None:
            coordinates.append((x, _y(min(value, top), float(top)), value))
    if len(coordinates) > 1:
        path = " ".join(f"{_n(x)},{_n(y)}" for x, y, _value in coordinates)
        parts.append(format_html('<polyline points="{}" fill="none" stroke="{}" stroke-width="2.5"/>', path, ACCENT))
    parts.append(
        format_html_join(
            "",
            '<circle cx="{0}" cy="{1}" r="4.5" fill="#ffffff" stroke="{2}" stroke-width="2.5"/>'
            '<text x="{0}" y="{3}" text-anchor="middle" fill="{4}">{5}</text>',
            ((_n(x), _n(y), ACCENT, _n(y - 10), INK, _label(value, places)) for x, y, value in coordinates),
        )
    )
    return _frame(uid, title, description, mark_safe("".join(parts)))  # noqa: S308  (escaped pieces)
