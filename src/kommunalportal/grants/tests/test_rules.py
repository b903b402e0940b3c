from decimal import Decimal
from itertools import pairwise

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from kommunalportal.grants.rules import (
    AllocationError,
    AllocationKey,
    RankedApplication,
    allocate_in_pots,
    allocate_with_floor,
    combine_keys,
    fund_down_the_ranking,
    rank,
    weighted_score,
)

CENT = Decimal("0.01")
cents = st.integers(min_value=0, max_value=5 * 10**9).map(lambda c: Decimal(c) / 100)
populations = st.lists(st.integers(min_value=0, max_value=800_000), min_size=1, max_size=80)


@settings(max_examples=300)
@given(budget=cents, floor=cents, pops=populations)
def test_envelopes_sum_to_the_budget_and_none_is_below_the_floor(budget, floor, pops):
    assume(floor * len(pops) <= budget)
    keys = combine_keys(AllocationKey(Decimal(1), Decimal(0)), dict(enumerate(pops)))
    envelopes = allocate_with_floor(budget, keys, floor)
    assert sum(envelopes.values()) == budget
    assert all(e >= floor for e in envelopes.values())
    assert all(e == e.quantize(CENT) for e in envelopes.values())
    assert set(envelopes) == set(keys)


@settings(max_examples=200)
@given(budget=cents, floor=cents, pops=populations)
def test_a_larger_key_never_gets_a_smaller_envelope(budget, floor, pops):
    assume(floor * len(pops) <= budget)
    keys = combine_keys(AllocationKey(Decimal(1), Decimal(0)), dict(enumerate(pops)))
    envelopes = allocate_with_floor(budget, keys, floor)
    ordered = sorted(keys, key=lambda c: keys[c])
    for smaller, larger in pairwise(ordered):
        if keys[larger] > keys[smaller]:
            assert envelopes[larger] >= envelopes[smaller] - CENT


@settings(max_examples=200)
@given(
    budget=cents,
    floor=cents,
    pops=populations,
    capacities=st.lists(st.integers(min_value=0, max_value=10**6), min_size=80, max_size=80),
    weights=st.tuples(st.integers(0, 10), st.integers(0, 10)).filter(any),
)
def test_population_and_capacity_keys_combine_and_still_sum_exactly(budget, floor, pops, capacities, weights):
    assume(floor * len(pops) <= budget)
    communes = dict(enumerate(pops))
    capacity = {c: Decimal(capacities[c]) for c in communes}
    keys = combine_keys(AllocationKey(Decimal(weights[0]), Decimal(weights[1])), communes, capacity)
    envelopes = allocate_with_floor(budget, keys, floor)
    assert sum(envelopes.values()) == budget
    assert min(envelopes.values()) >= floor


@settings(max_examples=200)
@given(
    budget=cents,
    floor=st.integers(0, 10**6).map(lambda c: Decimal(c) / 100),
    pops=st.lists(st.integers(1, 800_000), min_size=2, max_size=60),
    rate=st.integers(1, 99).map(lambda p: Decimal(p) / 100),
)
def test_pots_for_districts_and_municipalities_sum_exactly(budget, floor, pops, rate):
    communes = dict(enumerate(pops))
    pot_of = {c: "district" if c % 4 == 0 else "municipality" for c in communes}
    rates = {"district": rate, "municipality": 1 - rate}
    pot_budget = {p: budget * r for p, r in rates.items()}
    members = {p: sum(1 for c in communes if pot_of[c] == p) for p in rates}
    assume(all(floor * members[p] + 1 <= pot_budget[p] for p in rates))
    keys = combine_keys(AllocationKey(Decimal(1), Decimal(0)), communes)
    envelopes = allocate_in_pots(budget, keys, floor, pot_of, rates)
    assert sum(envelopes.values()) == budget
    assert min(envelopes.values()) >= floor


def test_the_2020_shape_floor_for_small_communes():
    """Ronneburg-sized communes end at the floor, larger ones above it, in proportion."""
    pops = {"Ronneburg": 3_434, "Bruchköbel": 20_471, "Frankfurt": 763_380, "Tiny": 100}
    keys = combine_keys(AllocationKey(Decimal(1), Decimal(0)), pops)
    envelopes = allocate_with_floor(Decimal("1000000.00"), keys, Decimal("7500.00"))
    assert envelopes["Tiny"] == envelopes["Ronneburg"] == Decimal("7500.00")
    assert envelopes["Bruchköbel"] > Decimal("7500.00")
    assert sum(envelopes.values()) == Decimal("1000000.00")
    # Frankfurt and Bruchköbel share what is left in proportion to their population.
    ratio = envelopes["Frankfurt"] / envelopes["Bruchköbel"]
    assert abs(ratio - Decimal(763_380) / Decimal(20_471)) < Decimal("0.001")


def test_when_everybody_is_at_the_floor_the_rest_is_shared_equally():
    envelopes = allocate_with_floor(Decimal("100.01"), {"a": Decimal(0), "b": Decimal(0)}, Decimal("50.00"))
    assert envelopes == {"a": Decimal("50.01"), "b": Decimal("50.00")}


@pytest.mark.parametrize(
    ("budget", "keys", "floor", "message"),
    [
        (Decimal("100"), {"a": Decimal(1), "b": Decimal(1)}, Decimal("60"), "deckt"),
        (Decimal("100"), {}, Decimal("0"), "keine Kommune"),
        (Decimal("100.001"), {"a": Decimal(1)}, Decimal("0"), "Cent"),
    ],
)
def test_impossible_allocations_are_refused_with_a_reason(budget, keys, floor, message):
    with pytest.raises(ValueError, match=message):
        allocate_with_floor(budget, keys, floor)


def test_a_capacity_key_needs_figures_for_every_commune():
    with pytest.raises(AllocationError):
        combine_keys(AllocationKey(Decimal(0), Decimal(1)), {"a": 1}, None)
    with pytest.raises(AllocationError):
        combine_keys(AllocationKey(Decimal(0), Decimal(1)), {"a": 1, "b": 2}, {"a": Decimal(1)})


@settings(max_examples=300)
@given(
    budget=cents,
    requests=st.lists(st.integers(1, 10**8).map(lambda c: Decimal(c) / 100), min_size=0, max_size=40),
    scores=st.lists(st.integers(0, 10_000).map(lambda s: Decimal(s) / 1000), min_size=40, max_size=40),
)
def test_funding_down_the_ranking_never_exceeds_the_budget_and_respects_the_order(budget, requests, scores):
    applications = [RankedApplication(f"A{n:03d}", scores[n], r) for n, r in enumerate(requests)]
    ranked = rank(applications)
    funded, left = fund_down_the_ranking(ranked, budget)
    by_key = {a.key: a for a in applications}
    assert sum(by_key[k].requested for k in funded) + left == budget
    assert left >= 0
    # Nobody is passed over who would still have fitted when their turn came.
    remaining = budget
    for application in ranked:
        if application.key in funded:
            remaining -= application.requested
        else:
            assert application.requested > remaining


def test_weighted_score_needs_every_criterion():
    weights = {"impact": Decimal(2), "joint": Decimal(1)}
    assert weighted_score(weights, {"impact": [8, 6]}) is None
    assert weighted_score(weights, {"impact": [8, 6], "joint": [10]}) == Decimal("8.000")


def test_ties_go_to_the_smaller_request():
    a = RankedApplication("A", Decimal(7), Decimal(200))
    b = RankedApplication("B", Decimal(7), Decimal(100))
    assert [x.key for x in rank([a, b])] == ["B", "A"]
