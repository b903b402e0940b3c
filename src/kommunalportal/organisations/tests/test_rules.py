import pytest
from hypothesis import given
from hypothesis import strategies as st

from kommunalportal.organisations.rules import SIZE_CLASSES, size_class_for


@pytest.mark.parametrize(
    ("population", "code"),
    [(0, "xs"), (3_434, "xs"), (4_999, "xs"), (5_000, "s"), (9_999, "s"), (10_000, "m"), (20_471, "l"),
     (49_999, "l"), (50_000, "xl"), (99_999, "xl"), (100_000, "xxl"), (763_380, "xxl")],
)  # fmt: skip
def test_size_class_bounds(population, code):
    assert size_class_for(population).code == code


@given(st.integers(min_value=0, max_value=10_000_000))
def test_every_population_falls_into_exactly_one_class(population):
    matching = [
        s
        for s in SIZE_CLASSES
        if s.min_population <= population and (s.max_population is None or population < s.max_population)
    ]
    assert matching == [size_class_for(population)]


def test_a_negative_population_is_refused():
    with pytest.raises(ValueError, match="negative"):
        size_class_for(-1)
