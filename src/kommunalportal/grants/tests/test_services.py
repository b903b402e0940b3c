from datetime import date
from decimal import Decimal

import pytest

from kommunalportal.core.errors import DomainError, PermissionDenied
from kommunalportal.core.models import AuditEvent
from kommunalportal.grants.models import CallShape, CallStatus, Envelope, FinancingType, MeasureCategory
from kommunalportal.grants.services import (
    CallSettings,
    CapacityImportError,
    compute_envelopes,
    create_call,
    create_programme,
    import_financial_capacity,
    publish_call,
    publish_envelopes,
    set_year_budget,
)
from kommunalportal.organisations.models import COMMUNE_KINDS

pytestmark = pytest.mark.django_db
ALL_COMMUNES = [k.value for k in COMMUNE_KINDS]


def programme_2020(actor):
    return create_programme(
        actor=actor, code="SHH", name="Starke Heimat Hessen", legal_basis="§ 44 LHO; ANBest-GK",
        starts_on=date(2020, 1, 1), ends_on=date(2024, 12, 31),
        year_budgets={year: Decimal("20000000.00") for year in range(2020, 2025)},
    )  # fmt: skip


def formula_settings(**overrides):
    values = {
        "name": "Phase 1: Kontingente 2020",
        "shape": CallShape.FORMULA,
        "budget_amount": Decimal("16000000.00"),
        "opens_on": date(2020, 7, 1),
        "deadline_on": date(2020, 8, 31),
        "eligible_kinds": ALL_COMMUNES,
        "categories": MeasureCategory.objects.all(),
        "financing_type": FinancingType.PROPORTIONAL,
        "funding_rate": Decimal("0.75"),
        "min_own_share_rate": Decimal("0.25"),
        "proof_of_use_due_on": date(2021, 12, 31),
        "floor_amount": Decimal("7500.00"),
    }
    values.update(overrides)
    return CallSettings(**values)


def test_the_measure_categories_of_the_programme_are_data():
    assert MeasureCategory.objects.count() == 7
    assert MeasureCategory.objects.get(code="e-file").name == "Digitale Akte (E-Akte)"


def test_a_programme_has_a_budget_per_year_and_is_audited(programme_manager):
    programme = programme_2020(programme_manager)
    assert [(y.year, y.budget_amount) for y in programme.years.all()] == [
        (year, Decimal("20000000.00")) for year in range(2020, 2025)
    ]
    actions = list(AuditEvent.objects.filter(actor=programme_manager).values_list("action", flat=True))
    assert actions == ["grants.programme.created"] + ["grants.budget_year.created"] * 5


@pytest.mark.parametrize("persona", ["reviewer", "payment_officer", "auditor", "municipal_applicant", "citizen"])
def test_only_programme_managers_set_up_programmes(persona, request):
    with pytest.raises(PermissionDenied):
        programme_2020(request.getfixturevalue(persona))


def test_a_call_cannot_exceed_what_its_year_has_left(programme_manager):
    programme = programme_2020(programme_manager)
    create_call(programme=programme, year=2020, settings=formula_settings(), actor=programme_manager)
    create_call(
        programme=programme, year=2020, actor=programme_manager,
        settings=formula_settings(name="Rest", budget_amount=Decimal("4000000.00")),
    )  # fmt: skip
    with pytest.raises(DomainError, match="0,00 €"):
        create_call(
            programme=programme, year=2020, actor=programme_manager,
            settings=formula_settings(name="Zu viel", budget_amount=Decimal("0.01")),
        )  # fmt: skip


def test_a_year_budget_cannot_fall_below_its_calls(programme_manager):
    programme = programme_2020(programme_manager)
    create_call(programme=programme, year=2020, settings=formula_settings(), actor=programme_manager)
    with pytest.raises(DomainError, match=r"16\.000\.000,00 €"):
        set_year_budget(programme=programme, year=2020, budget_amount=Decimal("15999999.99"), actor=programme_manager)
    set_year_budget(programme=programme, year=2020, budget_amount=Decimal("16000000.00"), actor=programme_manager)


@pytest.mark.parametrize(
    "overrides",
    [
        {"deadline_on": date(2020, 6, 1)},
        {"proof_of_use_due_on": date(2020, 8, 1)},
        {"eligible_kinds": []},
        {"eligible_kinds": ["land"]},
        {"financing_type": FinancingType.PROPORTIONAL, "funding_rate": None},
        {"budget_amount": Decimal("100.001")},
        {"budget_amount": Decimal("-1")},
        {"min_grant_amount": Decimal(100), "max_grant_amount": Decimal(50)},
        {"population_weight": Decimal(0), "capacity_weight": Decimal(0)},
    ],
)
def test_inconsistent_call_settings_are_refused(programme_manager, overrides):
    programme = programme_2020(programme_manager)
    with pytest.raises(DomainError):
        create_call(programme=programme, year=2020, settings=formula_settings(**overrides), actor=programme_manager)


def test_the_2020_round_gives_every_commune_its_envelope_to_the_cent(programme_manager):
    programme = programme_2020(programme_manager)
    call = create_call(programme=programme, year=2020, settings=formula_settings(), actor=programme_manager)
    drafts = compute_envelopes(call)
    assert len(drafts) == 443
    assert sum(d.amount for d in drafts) == Decimal("16000000.00")
    assert min(d.amount for d in drafts) == Decimal("7500.00")
    by_name = {d.organisation.short_name: d.amount for d in drafts}
    assert by_name["Ronneburg"] == Decimal("7500.00")
    assert by_name["Frankfurt am Main"] > by_name["Bruchköbel"] > Decimal("7500.00")
    assert publish_envelopes(call=call, actor=programme_manager) == 443
    assert Envelope.objects.filter(call=call).count() == 443
    with pytest.raises(DomainError):
        publish_envelopes(call=call, actor=programme_manager)


def test_districts_can_have_a_pot_of_their_own(programme_manager):
    programme = programme_2020(programme_manager)
    call = create_call(
        programme=programme, year=2020, actor=programme_manager,
        settings=formula_settings(district_share_rate=Decimal("0.2")),
    )  # fmt: skip
    drafts = compute_envelopes(call)
    districts = [d for d in drafts if d.organisation.kind == "district"]
    assert len(districts) == 21
    assert sum(d.amount for d in districts) == Decimal("3200000.00")
    assert sum(d.amount for d in drafts) == Decimal("16000000.00")


def _capacity_csv(call, *, skip=(), extra_lines=()):
    from kommunalportal.grants.services import eligible_communes

    lines = ["key,figure"]
    lines += [f"{o.key},{1000 + n}" for n, o in enumerate(eligible_communes(call)) if o.key not in skip]
    return "\n".join([*lines, *extra_lines])


def test_capacity_figures_import_and_weigh_in(programme_manager):
    programme = programme_2020(programme_manager)
    call = create_call(
        programme=programme, year=2020, actor=programme_manager,
        settings=formula_settings(population_weight=Decimal("0.5"), capacity_weight=Decimal("0.5")),
    )  # fmt: skip
    assert import_financial_capacity(call=call, text=_capacity_csv(call), actor=programme_manager) == 443
    drafts = compute_envelopes(call)
    assert sum(d.amount for d in drafts) == Decimal("16000000.00")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"extra_lines": ["99999999,12"]}, "99999999"),
        ({"extra_lines": ["06412000,12"]}, "mehr als einmal"),
        ({"skip": {"06435024"}}, "06435024"),
    ],
)
def test_a_bad_capacity_file_is_refused_with_lines(programme_manager, change, message):
    programme = programme_2020(programme_manager)
    call = create_call(programme=programme, year=2020, settings=formula_settings(), actor=programme_manager)
    with pytest.raises(CapacityImportError) as caught:
        import_financial_capacity(call=call, text=_capacity_csv(call, **change), actor=programme_manager)
    assert any(message in p for p in caught.value.problems), caught.value.problems
    assert not call.capacities.exists()


def test_a_bad_number_names_its_line(programme_manager):
    programme = programme_2020(programme_manager)
    call = create_call(programme=programme, year=2020, settings=formula_settings(), actor=programme_manager)
    text = _capacity_csv(call).replace(",1000\n", ",zwölf\n", 1)
    with pytest.raises(CapacityImportError) as caught:
        import_financial_capacity(call=call, text=text, actor=programme_manager)
    assert any(p.startswith("Zeile 2:") and "zwölf" in p for p in caught.value.problems)


def test_a_formula_call_opens_only_after_its_envelopes(programme_manager):
    programme = programme_2020(programme_manager)
    call = create_call(programme=programme, year=2020, settings=formula_settings(), actor=programme_manager)
    with pytest.raises(DomainError):
        publish_call(call=call, actor=programme_manager)
    publish_envelopes(call=call, actor=programme_manager)
    assert publish_call(call=call, actor=programme_manager).status == CallStatus.PUBLISHED
