"""The digitalisation index: its rules computed by hand, its statistics' properties, and the reading of every
commune's value in a constant number of queries."""

from datetime import date, datetime, time
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from conftest import _person
from kommunalportal.accounts.roles import Role
from kommunalportal.core import clock
from kommunalportal.grants import applications as svc
from kommunalportal.grants.models import DecisionKind
from kommunalportal.monitor.index import (
    DISTRICT_GROUP,
    AnswerFacts,
    GroupMean,
    Weights,
    area_profile,
    combine,
    commune_index,
    distribution,
    equality,
    funding_score,
    gini,
    group_means,
    histogram,
    index_by_commune,
    index_table,
    latest_assessments,
    quantile,
    question_score,
    self_assessment_score,
    size_class_spread,
    size_group,
)
from kommunalportal.monitor.models import IndicatorArea, Questionnaire
from kommunalportal.monitor.questionnaire import questions_of, save_draft, submit_response

D = Decimal


# Scoring a single answer


@pytest.mark.parametrize(
    ("kind", "value", "bounds", "score"),
    [
        ("yes_no", D(1), (None, None), D(1)),
        ("yes_no", D(0), (None, None), D(0)),
        ("scale", D(3), (None, None), D("0.75")),
        ("scale", D(0), (None, None), D(0)),
        ("scale", D(4), (None, None), D(1)),
        ("number", D(45), (D(0), D(100)), D("0.45")),
        ("number", D(15), (D(10), D(20)), D("0.5")),
        ("number", D(5), (D(10), D(20)), D(0)),  # below the smallest value
        ("number", D(25), (D(10), D(20)), D(1)),  # above the largest
    ],
)
def test_an_answer_scores_between_0_and_1_by_its_kind(kind, value, bounds, score):
    assert question_score(kind, value, min_value=bounds[0], max_value=bounds[1]) == score


def test_a_number_question_without_proper_bounds_or_an_unknown_kind_cannot_be_scored():
    with pytest.raises(ValueError, match="smallest value"):
        question_score("number", D(1))
    with pytest.raises(ValueError, match="smallest value"):
        question_score("number", D(1), min_value=D(5), max_value=D(5))
    with pytest.raises(ValueError, match="unknown kind"):
        question_score("essay", D(1))


# The components and their combination

ANSWERS = [
    AnswerFacts("yes_no", D("1.5"), D(1), area="strategy"),  # 1.0 × 1.5
    AnswerFacts("scale", D(2), D(2), area="e-file"),  # 0.5 × 2
    AnswerFacts("number", D(3), D(30), D(0), D(100), area="online-services"),  # 0.3 × 3
]


def test_the_self_assessment_is_the_weighted_mean_of_the_answers():
    # (1.5 + 1.0 + 0.9) / 6.5 = 0.5230769…
    score = self_assessment_score(ANSWERS)
    assert score is not None and score.quantize(D("0.0001")) == D("52.3077")
    assert self_assessment_score([]) is None


def test_funding_counts_each_area_reached_once_and_ignores_unknown_categories():
    assert funding_score(["e-file", "website", "e-file", "cafeteria"]) == D(200) / 7
    assert funding_score([]) == 0
    assert funding_score([area.value for area in IndicatorArea]) == 100


def test_the_index_weighs_funding_30_and_the_self_assessment_70_percent():
    # 0.3 × 28.5714… + 0.7 × 52.3077… = 8.5714 + 36.6154 = 45.1868 → 45.2
    value = commune_index(categories=["e-file", "website"], answers=ANSWERS, assessed_in=2022)
    assert value.value == D("45.2")
    assert (value.funding, value.self_assessment, value.assessed_in) == (D("28.6"), D("52.3"), 2022)
    assert value.carried_forward(2023) and not value.carried_forward(2022)


def test_a_missing_component_counts_zero_so_answering_never_lowers_the_index():
    only_funding = commune_index(categories=["e-file", "website"], answers=[], assessed_in=2021)
    assert only_funding.value == D("8.6") and only_funding.self_assessment is None
    assert only_funding.assessed_in is None  # no answers: nothing was assessed
    assert combine(funding=D(0), self_assessment=D(0)) == 0
    assert combine(funding=D(100), self_assessment=D(100)) == 100


def test_online_services_weigh_nothing_until_the_digital_town_hall_runs():
    assert combine(funding=D(50), self_assessment=D(50), online_services=D(100)) == combine(
        funding=D(50), self_assessment=D(50)
    )
    later = Weights(funding=D("0.25"), self_assessment=D("0.55"), online_services=D("0.20"))
    assert combine(funding=D(0), self_assessment=D(0), online_services=D(100), weights=later) == D("20.0")


def test_weights_must_sum_to_one_and_not_be_negative():
    with pytest.raises(ValueError, match="sum to 1"):
        Weights(funding=D("0.5"), self_assessment=D("0.6"))
    with pytest.raises(ValueError, match="non-negative"):
        Weights(funding=D("-0.1"), self_assessment=D("1.1"))


def test_the_area_profile_shows_funding_and_answers_per_area():
    profile = area_profile(categories=["e-file"], answers=ANSWERS)
    assert profile["e-file"].funded and profile["e-file"].self_assessment == D(50)
    assert not profile["strategy"].funded and profile["strategy"].self_assessment == D(100)
    assert profile["skills"].self_assessment is None and len(profile) == 7


def test_a_commune_keeps_its_latest_earlier_self_assessment():
    answered = [(1, 2020), (1, 2022), (2, 2021)]
    assert latest_assessments(answered, 2021) == {1: 2020, 2: 2021}
    assert latest_assessments(answered, 2023) == {1: 2022, 2: 2021}
    assert latest_assessments(answered, 2019) == {}


# Distribution and equality, by hand


def test_quartiles_interpolate_between_ranks():
    values = [D(4), D(1), D(3), D(2)]
    assert [quantile(values, D(share)) for share in ("0", "0.25", "0.5", "0.75", "1")] == [
        D(1), D("1.75"), D("2.5"), D("3.25"), D(4),
    ]  # fmt: skip
    assert quantile([D(7)], D("0.25")) == D(7)
    with pytest.raises(ValueError, match="no values"):
        quantile([], D("0.5"))


def test_the_distribution_of_five_values():
    stats = distribution([D(40), D(10), D(100), D(20), D(30)])
    assert stats is not None
    assert (stats.count, stats.mean, stats.minimum, stats.q1, stats.median, stats.q3, stats.maximum) == (
        5, D(40), D(10), D(20), D(30), D(40), D(100),
    )  # fmt: skip
    assert stats.interquartile_range == D(20)
    assert distribution([]) is None


@pytest.mark.parametrize(
    ("values", "coefficient"),
    [
        # Σ|xᵢ − xⱼ| over ordered pairs / (2 n² x̄)
        ([1, 2, 3, 4], D("0.25")),  # 20 / (2 · 16 · 2.5)
        ([10, 20, 30], D("0.2222")),  # 80 / (2 · 9 · 20) = 0.2222…
        ([0, 0, 0, 100], D("0.75")),  # one has everything: (n − 1) / n
        ([50, 50, 50], D(0)),
        ([0, 0], D(0)),  # nobody has anything: equal
        ([7], D(0)),
    ],
)
def test_the_gini_coefficient_by_hand(values, coefficient):
    assert gini([D(v) for v in values]) == coefficient


def test_the_gini_coefficient_refuses_negative_values():
    with pytest.raises(ValueError, match="0 or more"):
        gini([D(1), D(-1)])


def test_the_histogram_counts_bands_of_ten_points_with_100_in_the_last():
    bins = histogram([D(0), D("9.9"), D(10), D(55), D(100)])
    assert [b.count for b in bins] == [2, 1, 0, 0, 0, 1, 0, 0, 0, 1]
    assert (bins[0].lower, bins[0].upper, bins[-1].upper) == (0, 10, 100)
    with pytest.raises(ValueError, match="outside"):
        histogram([D(101)])


def test_communes_are_compared_by_size_class_and_districts_on_their_own():
    assert size_group("district", 250_000) == DISTRICT_GROUP
    assert size_group("municipality", 4_000) == "xs"
    assert size_group("district_free_city", 763_380) == "xxl"
    assert size_group("town", None) is None


def test_the_spread_is_the_gap_between_the_highest_and_lowest_size_class():
    values = {1: D(10), 2: D(20), 3: D(60), 4: D(90), 5: D(33)}
    groups = {1: "xs", 2: "xs", 3: "xxl", 4: DISTRICT_GROUP, 5: None}
    means = group_means(values, groups)
    assert means == {"xs": GroupMean(2, D(15)), "xxl": GroupMean(1, D(60)), DISTRICT_GROUP: GroupMean(1, D(90))}
    assert size_class_spread(means) == D(45)  # 60 − 15; the districts' 90 is left out
    assert size_class_spread({"xs": GroupMean(2, D(15)), DISTRICT_GROUP: GroupMean(1, D(90))}) is None
    summary = equality(2022, values, groups)
    assert summary.gini is not None and summary.distribution is not None and summary.spread == D(45)
    assert equality(2022, {}, groups).gini is None


# Properties

weights = st.decimals(D("0.1"), 10, places=2)
indices = st.decimals(min_value=0, max_value=100, places=1, allow_nan=False, allow_infinity=False)
index_lists = st.lists(indices, min_size=1, max_size=60)


@given(index_lists)
def test_the_gini_coefficient_lies_between_0_and_below_1(values):
    coefficient = gini(values)
    assert 0 <= coefficient < 1
    # At most (n − 1) / n, up to the rounding to four places.
    assert coefficient <= D(len(values) - 1) / len(values) + D("0.00005")


@given(indices, st.integers(min_value=1, max_value=100))
def test_equal_values_have_a_gini_of_0(value, count):
    assert gini([value] * count) == 0


@given(index_lists.flatmap(lambda values: st.tuples(st.just(values), st.permutations(values))))
def test_the_gini_coefficient_does_not_depend_on_the_order(pair):
    values, shuffled = pair
    assert gini(values) == gini(shuffled)


@given(index_lists, st.decimals(min_value=D("0.1"), max_value=1000, places=1))
def test_the_gini_coefficient_does_not_depend_on_the_scale(values, factor):
    assert gini(values) == gini([value * factor for value in values])


@given(index_lists)
def test_the_quartiles_are_in_order_within_the_range(values):
    stats = distribution(values)
    assert stats is not None
    assert stats.minimum <= stats.q1 <= stats.median <= stats.q3 <= stats.maximum
    assert stats.minimum <= stats.mean <= stats.maximum


@given(
    st.lists(
        st.one_of(
            st.builds(AnswerFacts, st.just("yes_no"), weights, st.sampled_from([D(0), D(1)])),
            st.builds(AnswerFacts, st.just("scale"), weights, st.integers(0, 4).map(D)),
            st.builds(
                AnswerFacts, st.just("number"), weights, st.decimals(-50, 150, places=2), st.just(D(0)), st.just(D(100))
            ),
        ),
        max_size=12,
    ),
    st.lists(st.sampled_from(["e-file", "website", "skills", "strategy", "unknown"]), max_size=6),
)  # fmt: skip
def test_the_index_lies_between_0_and_100(answers, categories):
    value = commune_index(categories=categories, answers=answers, assessed_in=2022)
    assert 0 <= value.value <= 100 and 0 <= value.funding <= 100
    assert value.self_assessment is None or 0 <= value.self_assessment <= 100


# Reading every commune's index


def replayed(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10)))


def answer_everything(questionnaire: Questionnaire, level: str) -> dict[str, Decimal | None]:
    """Every question answered alike: "low" says no/0/0, "high" yes/4/the largest value."""
    values: dict[str, Decimal | None] = {}
    for question in questions_of(questionnaire):
        if level == "low":
            values[question.code] = question.min_value if question.kind == "number" else D(0)
        elif question.kind == "number":
            values[question.code] = question.max_value
        else:
            values[question.code] = D(1) if question.kind == "yes_no" else D(4)
    return values


def submit_for(year: int, organisation, signatory, level: str = "high"):
    questionnaire = Questionnaire.objects.get(year=year)
    with clock.replaying(replayed(date(year, 10, 15))):
        return submit_response(
            questionnaire=questionnaire, organisation=organisation, actor=signatory,
            values=answer_everything(questionnaire, level),
        )  # fmt: skip


def award_on(application, reviewer, programme_manager, day: date):
    decision = svc.prepare_decision(application=application, actor=reviewer, kind=DecisionKind.APPROVAL)
    svc.release_decision(decision=decision, actor=programme_manager, on=day)


def test_the_index_of_a_commune_from_its_award_and_its_answers(
    submitted, reviewer, programme_manager, municipal_signatory, organisation
):
    bruchkoebel = submitted.organisation
    award_on(submitted, reviewer, programme_manager, date(2020, 9, 14))  # one e-file measure: 1 of 7 areas
    submit_for(2021, bruchkoebel, municipal_signatory, "high")
    ronneburg = organisation("06435024")
    ronneburg_signatory = _person("ronneburg_signatory", Role.MUNICIPAL_SIGNATORY, "06435024")
    submit_for(2022, ronneburg, ronneburg_signatory, "low")
    # A draft does not count.
    frankfurt = organisation("06412000")
    frankfurt_applicant = _person("frankfurt_applicant", Role.MUNICIPAL_APPLICANT, "06412000")
    questionnaire = Questionnaire.objects.get(year=2022)
    with clock.replaying(replayed(date(2022, 10, 15))):
        save_draft(
            questionnaire=questionnaire, organisation=frankfurt, actor=frankfurt_applicant,
            values=answer_everything(questionnaire, "high"),
        )  # fmt: skip

    assert index_by_commune(2019) == {}
    # 2020: the award only: 0.3 × 100/7 = 4.29 → 4.3.
    assert index_by_commune(2020) == {bruchkoebel.pk: D("4.3")}
    # 2021: 4.2857 + 0.7 × 100 = 74.29 → 74.3.
    assert index_by_commune(2021) == {bruchkoebel.pk: D("74.3")}
    # 2022: Bruchköbel keeps its 2021 answers; Ronneburg answered everything at the bottom: 0.
    table = index_table([2022])[2022]
    assert table[bruchkoebel.pk].value == D("74.3") and table[bruchkoebel.pk].carried_forward(2022)
    assert table[ronneburg.pk].value == 0 and table[ronneburg.pk].assessed_in == 2022
    assert frankfurt.pk not in table


def test_an_unpublished_questionnaire_does_not_count(municipal_signatory, bruchkoebel):
    submit_for(2021, bruchkoebel, municipal_signatory)
    Questionnaire.objects.filter(year=2021).update(is_published=False)
    assert index_by_commune(2021) == {}


def test_every_communes_index_is_read_in_three_queries_however_many_there_are(
    submitted, reviewer, programme_manager, municipal_signatory, django_assert_num_queries
):
    bruchkoebel = submitted.organisation
    award_on(submitted, reviewer, programme_manager, date(2020, 9, 14))
    submit_for(2020, bruchkoebel, municipal_signatory)
    with django_assert_num_queries(3):  # the awards (two) and the answers (one)
        small = index_table(range(2020, 2025))
    assert {len(small[year]) for year in range(2020, 2025)} == {1}

    from kommunalportal.monitor.demo import seed_demo_responses

    seed_demo_responses([2021, 2022])
    with django_assert_num_queries(3):
        large = index_table(range(2020, 2025))
    assert len(large[2020]) == 1 and len(large[2022]) == 443 and len(large[2024]) == 443


def test_the_demo_answers_are_reproducible_and_grow_more_equal(registry):
    from kommunalportal.monitor.demo import seed_demo_responses
    from kommunalportal.monitor.models import Answer, Response
    from kommunalportal.organisations.selectors import communes

    assert seed_demo_responses([2020, 2024]) == 2 * 443
    assert seed_demo_responses([2020, 2024]) == 0  # running it again changes nothing
    first = sorted(Answer.objects.values_list("response__organisation__key", "question__code", "value"))
    groups = {org.pk: size_group(org.kind, org.population) for org in communes()}
    early, late = (equality(year, index_by_commune(year), groups) for year in (2020, 2024))
    assert early.gini is not None and late.gini is not None and late.gini < early.gini
    assert early.spread is not None and late.spread is not None and late.spread < early.spread
    assert early.distribution is not None and late.distribution is not None
    assert late.distribution.mean > early.distribution.mean
    # Larger communes tend to be further along.
    assert early.group_means["xxl"].mean > early.group_means["xs"].mean

    # From scratch again, the same answers.
    Response.objects.filter(questionnaire__year=2020).delete()
    assert seed_demo_responses([2020, 2024]) == 443
    assert sorted(Answer.objects.values_list("response__organisation__key", "question__code", "value")) == first


# The online services the communes state


def _online_services(year: int | None = None):
    from kommunalportal.monitor.figures import Scope
    from kommunalportal.monitor.indicators import INDICATORS_BY_CODE

    return INDICATORS_BY_CODE["online_services"].compute(Scope(year=year))


def test_the_online_services_are_the_share_stated_in_the_latest_self_assessment(
    municipal_signatory, bruchkoebel, organisation
):
    assert _online_services() == {}  # nobody has answered yet
    submit_for(2021, bruchkoebel, municipal_signatory, "high")
    ronneburg = organisation("06435024")
    submit_for(2022, ronneburg, _person("ronneburg_signatory", Role.MUNICIPAL_SIGNATORY, "06435024"), "low")
    # 2021: only Bruchköbel, with the largest value of the question (100 %).
    assert _online_services(2021) == {bruchkoebel.pk: D("100.0")}
    # 2022 and the latest year: Bruchköbel's 2021 answer still counts; Ronneburg stated 0 %.
    assert _online_services(2022) == {bruchkoebel.pk: D("100.0"), ronneburg.pk: D("0.0")}
    assert _online_services() == _online_services(2024) == _online_services(2022)
    # A newer self-assessment replaces the older answer.
    submit_for(2023, bruchkoebel, municipal_signatory, "low")
    assert _online_services(2023)[bruchkoebel.pk] == D("0.0")
    assert _online_services(2022)[bruchkoebel.pk] == D("100.0")


def test_a_latest_self_assessment_without_the_question_gives_no_value(municipal_signatory, bruchkoebel):
    submit_for(2021, bruchkoebel, municipal_signatory)
    questionnaire = Questionnaire.objects.get(year=2022)
    questionnaire.questions.get(code="ozg-online").delete()
    submit_for(2022, bruchkoebel, municipal_signatory)
    assert _online_services(2021) == {bruchkoebel.pk: D("100.0")}
    assert _online_services(2022) == {}
