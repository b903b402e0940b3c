"""Pure rules about communes: size classes by population."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class SizeClass:
    code: str
    label: str | Promise
    min_population: int
    max_population: int | None  # exclusive; None: no upper bound


# The classes the ministry reports by; the bounds follow the usual municipal statistics.
SIZE_CLASSES: tuple[SizeClass, ...] = (
    SizeClass("xs", _("under 5,000 inhabitants"), 0, 5_000),
    SizeClass("s", _("5,000 to 9,999 inhabitants"), 5_000, 10_000),
    SizeClass("m", _("10,000 to 19,999 inhabitants"), 10_000, 20_000),
    SizeClass("l", _("20,000 to 49,999 inhabitants"), 20_000, 50_000),
    SizeClass("xl", _("50,000 to 99,999 inhabitants"), 50_000, 100_000),
    SizeClass("xxl", _("100,000 inhabitants or more"), 100_000, None),
)
SIZE_CLASSES_BY_CODE = {size.code: size for size in SIZE_CLASSES}


def size_class_for(population: int) -> SizeClass:
    """The size class a municipality of this population belongs to."""
    if population < 0:
        raise ValueError("population cannot be negative")
    for size in SIZE_CLASSES:
        if size.max_population is None or population < size.max_population:
            return size
    raise AssertionError("the last size class has no upper bound")
