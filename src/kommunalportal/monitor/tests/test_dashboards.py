"""The dashboards: every figure equals what the database holds, to the cent, summed here independently with the
ORM; who may see which dashboard; bad filters; a constant number of queries; the CSV export; the full demo."""

import csv
import io
import itertools
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.db.models import Exists, OuterRef, Q, Subquery, Sum
from django.utils import timezone, translation

from conftest import _person, signed_in
from kommunalportal.accounts.roles import Role
from kommunalportal.core import clock
from kommunalportal.core.money import format_amount
from kommunalportal.grants import applications as svc
from kommunalportal.grants import payments, proofs
from kommunalportal.grants.models import (
    Application,
    Call,
    DecisionKind,
    Drawdown,
    DrawdownStatus,
    Envelope,
    GrantDecision,
    Measure,
    MeasureCategory,
    PaymentItem,
    PaymentOutcome,
    ProgrammeYear,
    ProofOfUse,
    ProofStatus,
    Recovery,
    RecoveryKind,
    RecoveryStatus,
)
from kommunalportal.grants.services import create_call, publish_call, publish_envelopes
from kommunalportal.grants.tests.conftest import IN_TIME, REPAID_ON
from kommunalportal.grants.tests.test_services import formula_settings
from kommunalportal.monitor.dashboards import MIN_GROUP_SIZE, Group
from kommunalportal.organisations.models import COMMUNE_KINDS, MUNICIPAL_KINDS, Organisation, OrganisationKind
from kommunalportal.organisations.rules import SIZE_CLASSES

RONNEBURG, MAIN_KINZIG, FRANKFURT, WIESBADEN, KASSEL = "06435024", "06435", "06412000", "06414000", "06611000"
MINISTRY = ("programme_manager", "reviewer", "payment_officer", "auditor")
COMMUNE = ("municipal_applicant", "municipal_signatory", "clerk", "service_designer")
WAITING = (DrawdownStatus.REQUESTED, DrawdownStatus.APPROVED, DrawdownStatus.IN_RUN)
ZERO = Decimal("0.00")


def noon(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12)))


# A realistic round: grants of a district, its municipalities and a district-free city, decided on different days
# and in different ways, drawn, paid, proven and repaid; a rejection and a decision not yet released; a second call.


def apply(call, key, *, measures, requested, own, today=IN_TIME):
    """A commune's application with measures in the given categories, submitted; its signatory."""
    commune = Organisation.objects.get(key=key)
    applicant = _person(f"antrag-{key}", Role.MUNICIPAL_APPLICANT, key)
    signatory = _person(f"zeichnung-{key}", Role.MUNICIPAL_SIGNATORY, key)
    application = svc.start_application(call=call, organisation=commune, actor=applicant, title="Digital", today=today)
    for code, costs in measures:
        svc.add_measure(
            application=application, actor=applicant,
            measure=svc.MeasureInput(
                category=MeasureCategory.objects.get(code=code), title=f"Maßnahme {code}", description="",
                planned_costs_amount=Decimal(costs), starts_on=date(2022, 1, 1), ends_on=date(2022, 12, 31),
            ),
        )  # fmt: skip
    application = svc.update_financing_plan(
        application=application, actor=applicant, title="Digital", summary="", own_share_amount=Decimal(own),
        third_party_amount=ZERO, requested_amount=Decimal(requested), has_not_begun=True,
    )  # fmt: skip
    svc.submit_application(application=application, actor=signatory, today=today)
    application.refresh_from_db()
    return application, signatory


def decide(application, reviewer, manager, *, on, kind=DecisionKind.APPROVAL, amounts=None, release=True):
    decision = svc.prepare_decision(
        application=application, actor=reviewer, kind=kind, approved_by_measure=amounts, on=on,
        reason="" if kind == DecisionKind.APPROVAL else "Begründung",
    )  # fmt: skip
    if release:
        svc.release_decision(decision=decision, actor=manager, on=on)
    application.refresh_from_db()
    return application


def open_account(application, signatory, officer, iban):
    account = payments.propose_payee_account(
        organisation=application.organisation, actor=signatory, holder="Kommune", iban=iban, bic=""
    )
    payments.confirm_payee_account(account=account, actor=officer)


def draw(application, signatory, reviewer, *, expenses, on, approve=True):
    with clock.replaying(noon(on)):
        drawdown = payments.request_drawdown(
            application=application, actor=signatory, expenses=Decimal(expenses), purpose="Rechnung",
            will_spend_in_time=True, today=on,
        )  # fmt: skip
        if approve:
            drawdown = payments.approve_drawdown(drawdown=drawdown, actor=reviewer)
    return drawdown


def run(drawdowns, officer, releaser, *, on, settle=True):
    with clock.replaying(noon(on - timedelta(days=7))):
        payment_run = payments.create_payment_run(actor=officer, execution_on=on, drawdowns=drawdowns)
        payment_run = payments.release_payment_run(run=payment_run, actor=releaser)
    if settle:
        with clock.replaying(noon(on + timedelta(days=2))):
            payments.record_payment_outcome(run=payment_run, actor=officer)
    return payment_run


# Checksum-valid accounts at Landesbank Hessen-Thüringen (bank code 50050000).
IBANS = {
    RONNEBURG: "DE45500500000001000132",
    MAIN_KINZIG: "DE23500500000001000140",
    FRANKFURT: "DE49500500000001000157",
}


def add_round(call, reviewer, manager, officer, releaser):
    """Ronneburg, the Main-Kinzig-Kreis and Frankfurt granted in autumn 2020 and drawing; Wiesbaden rejected;
    Kassel's decision not yet released; Ronneburg granted again in a second call of 2021, which it returns."""
    ronneburg, ronneburg_signs = apply(
        call, RONNEBURG, measures=[("e-file", "10000.00")], requested="7000.00", own="3000.00"
    )
    decide(ronneburg, reviewer, manager, on=date(2020, 9, 15))
    district, district_signs = apply(
        call, MAIN_KINZIG, measures=[("it-infrastructure", "40000.00"), ("skills", "20000.00")],
        requested="45000.00", own="15000.00",
    )  # fmt: skip
    decide(district, reviewer, manager, on=date(2020, 10, 20))
    frankfurt, frankfurt_signs = apply(
        call, FRANKFURT, measures=[("online-services", "200000.00"), ("website", "100000.00")],
        requested="225000.00", own="75000.00",
    )  # fmt: skip
    measures = dict(frankfurt.measures.values_list("category__code", "pk"))
    decide(
        frankfurt, reviewer, manager, on=date(2020, 10, 20), kind=DecisionKind.PARTIAL_APPROVAL,
        amounts={measures["online-services"]: Decimal("150000.00"), measures["website"]: Decimal("50000.00")},
    )  # fmt: skip
    wiesbaden, _signs = apply(call, WIESBADEN, measures=[("strategy", "20000.00")], requested="15000.00", own="5000.00")
    decide(wiesbaden, reviewer, manager, on=date(2020, 10, 20), kind=DecisionKind.REJECTION)
    kassel, _signs = apply(call, KASSEL, measures=[("website", "20000.00")], requested="15000.00", own="5000.00")
    decide(kassel, reviewer, manager, on=date(2020, 11, 3), release=False)

    for application, signatory in (
        (ronneburg, ronneburg_signs),
        (district, district_signs),
        (frankfurt, frankfurt_signs),
    ):
        open_account(application, signatory, officer, IBANS[application.organisation.key])
    # 3,000 requested by Ronneburg, 15,000 approved for the district, 6,000 paid to it, 75,000 paid to Frankfurt and
    # 30,000 in a released run not yet settled.
    draw(ronneburg, ronneburg_signs, reviewer, expenses="4000.00", on=date(2020, 10, 1), approve=False)
    draw(district, district_signs, reviewer, expenses="20000.00", on=date(2020, 11, 2))
    paid_district = draw(district, district_signs, reviewer, expenses="8000.00", on=date(2020, 11, 3))  # 6,000
    run([paid_district], officer, releaser, on=date(2020, 11, 25))
    paid_city = draw(frankfurt, frankfurt_signs, reviewer, expenses="100000.00", on=date(2020, 12, 1))  # 75,000
    run([paid_city], officer, releaser, on=date(2020, 12, 16))
    in_run = draw(frankfurt, frankfurt_signs, reviewer, expenses="40000.00", on=date(2021, 1, 4))  # 30,000
    run([in_run], officer, releaser, on=date(2021, 1, 27), settle=False)
    # Frankfurt's grant raised to 210,000.00 € by an Änderungsbescheid in March 2021.
    svc.request_amendment(
        application=frankfurt, actor=frankfurt_signs, requested_amount=Decimal("210000.00"), reason="Mehr Dienste"
    )
    amendment = svc.decide_amendment(application=frankfurt, actor=reviewer, approve=True)
    assert amendment is not None
    svc.release_decision(decision=amendment, actor=manager, on=date(2021, 3, 1))

    second = create_call(
        programme=call.programme, year=2021, actor=manager,
        settings=formula_settings(
            name="Phase 3: Kontingente 2021", budget_amount=Decimal("4000000.00"), opens_on=date(2021, 7, 1),
            deadline_on=date(2021, 8, 31), proof_of_use_due_on=date(2022, 12, 31),
        ),
    )  # fmt: skip
    publish_envelopes(call=second, actor=manager)
    second = publish_call(call=second, actor=manager)
    later, _signs = apply(
        second, RONNEBURG, measures=[("strategy", "2000.00")], requested="1500.00", own="500.00", today=date(2021, 8, 2)
    )
    decide(later, reviewer, manager, on=date(2021, 9, 10))
    return second


@pytest.fixture
def round_2020(issued, call, reviewer, programme_manager, payment_officer, second_officer):
    """Bruchköbel's grant paid, proven short and repaid with interest (the grants fixtures), and `add_round`:
    five awards in two calls, 271,000.00 € in force."""
    proofs.record_repayment(recovery=issued, actor=payment_officer, repaid_on=REPAID_ON)
    second = add_round(call, reviewer, programme_manager, payment_officer, second_officer)
    return {"first": call, "second": second}


# The figures summed here with the ORM, independently of `figures` and `dashboards`.


def awarded_applications(**lookups):
    """Applications with a released decision that is not a rejection, with the amount of the latest one."""
    released = GrantDecision.objects.filter(application=OuterRef("pk"), released_at__isnull=False).exclude(
        kind=DecisionKind.REJECTION
    )
    latest = released.order_by("-released_at", "-pk").values("approved_amount")[:1]
    return Application.objects.filter(Exists(released), **lookups).annotate(in_force=Subquery(latest))


def total(queryset, field) -> Decimal:
    return queryset.order_by().aggregate(total=Sum(field))["total"] or ZERO


def expected(**lookups) -> dict[str, Decimal]:
    """The money of the grants whose application matches `lookups` (on the application, e.g. call__year__year)."""
    via = {f"application__{key}": value for key, value in lookups.items()}
    drawdowns = Drawdown.objects.filter(**via)
    repaid = Recovery.objects.filter(status=RecoveryStatus.REPAID, **via)
    calls = Call.objects.filter(
        **{
            "pk" if key == "call" else key.removeprefix("call__"): v
            for key, v in lookups.items()
            if key.startswith("call")
        }
    )
    on_year = {"call__programme__code": "programme__code", "call__year__year": "year", "call": "calls"}
    budgets = {}
    if set(lookups) <= set(on_year):  # a scope of programme, year or call has budgets; a commune has none
        years = ProgrammeYear.objects.filter(**{on_year[key]: value for key, value in lookups.items()}).distinct()
        budgets = {
            "year_budget": sum((y.budget_amount for y in years), ZERO),
            "call_budget": total(calls, "budget_amount"),
        }
    return {
        **budgets,
        "envelope": total(Envelope.objects.filter(**lookups), "amount"),
        "approved": total(awarded_applications(**lookups), "in_force"),
        "awards": awarded_applications(**lookups).count(),
        "drawn": total(drawdowns.filter(status__in=WAITING), "amount"),
        # Paid as the treasury's items say, not as the drawdowns' status says.
        "paid": total(
            PaymentItem.objects.filter(outcome=PaymentOutcome.PAID, **{f"drawdown__{k}": v for k, v in via.items()}),
            "amount",
        ),
        "proven": total(
            ProofOfUse.objects.filter(status__in=[ProofStatus.ACCEPTED, ProofStatus.SHORTFALL], **via),
            "eligible_amount",
        ),
        "recovered": total(repaid.exclude(kind=RecoveryKind.INTERIM_INTEREST), "principal_amount"),
        "interest": total(repaid, "interest_amount"),
    }


def shown(dashboard) -> dict[str, Decimal]:
    money = dashboard.total
    return {
        "year_budget": dashboard.budget.years,
        "call_budget": dashboard.budget.calls,
        **{
            name: getattr(money, name)
            for name in ("envelope", "approved", "drawn", "paid", "proven", "recovered", "interest")
        },
        "awards": money.awards,
    }


def german(amount: Decimal) -> str:
    with translation.override("de"):
        return format_amount(amount)


# The ministry's dashboard


def test_the_ministry_dashboard_shows_what_the_database_holds_to_the_cent(round_2020, auditor):
    client = signed_in(auditor, ministry=True)
    response = client.get("/monitor/")
    assert response.status_code == 200
    dashboard = response.context["dashboard"]
    assert shown(dashboard) == expected()
    # The round as it was built: five awards (7,500 + 7,000 + 45,000 + 210,000 after the amendment + 1,500).
    assert dashboard.total.approved == Decimal("271000.00") and dashboard.total.awards == 5
    assert (dashboard.total.drawn, dashboard.total.paid) == (Decimal("48000.00"), Decimal("88500.00"))
    assert (dashboard.total.recovered, dashboard.total.interest) == (Decimal("750.00"), Decimal("15.41"))
    page = response.content.decode()
    for amount in (dashboard.total.approved, dashboard.total.paid, dashboard.total.envelope, dashboard.budget.years):
        assert german(amount) in page


@pytest.mark.parametrize(
    ("filters", "lookups"),
    [
        pytest.param(lambda calls: {"programm": "SHH"}, lambda calls: {"call__programme__code": "SHH"}, id="programme"),
        pytest.param(lambda calls: {"jahr": "2020"}, lambda calls: {"call__year__year": 2020}, id="year-2020"),
        pytest.param(lambda calls: {"jahr": "2021"}, lambda calls: {"call__year__year": 2021}, id="year-2021"),
        pytest.param(
            lambda calls: {"aufruf": str(calls["first"].public_id)},
            lambda calls: {"call": calls["first"].pk},
            id="call",
        ),
        pytest.param(
            lambda calls: {"programm": "SHH", "jahr": "2021", "aufruf": str(calls["second"].public_id)},
            lambda calls: {"call": calls["second"].pk},
            id="all-three",
        ),
    ],
)
def test_the_ministry_dashboard_of_a_programme_year_or_call_shows_its_share(round_2020, reviewer, filters, lookups):
    response = signed_in(reviewer, ministry=True).get("/monitor/", filters(round_2020))
    assert response.status_code == 200
    figures = expected(**lookups(round_2020))
    assert shown(response.context["dashboard"]) == figures
    assert figures["awards"] in (1, 4, 5)  # the scopes differ: the test would notice a filter that does nothing


def test_the_second_call_holds_ronneburgs_second_grant_only(round_2020, reviewer):
    dashboard = signed_in(reviewer, ministry=True).get("/monitor/", {"jahr": "2021"}).context["dashboard"]
    assert (dashboard.total.approved, dashboard.total.awards, dashboard.total.paid) == (Decimal("1500.00"), 1, ZERO)
    assert dashboard.budget.years == Decimal("20000000.00") and dashboard.budget.calls == Decimal("4000000.00")


def test_the_measure_categories_add_up_to_the_approved_total(round_2020, programme_manager):
    dashboard = signed_in(programme_manager, ministry=True).get("/monitor/").context["dashboard"]
    shown_by_code = {row.category.code: row.approved for row in dashboard.categories}
    awarded = awarded_applications().values("pk")
    by_code = dict(
        Measure.objects.filter(application__in=awarded)
        .order_by()
        .values_list("category__code")
        .annotate(total=Sum("approved_amount"))
        .values_list("category__code", "total")
    )
    assert {code: amount for code, amount in shown_by_code.items() if amount} == by_code
    # Frankfurt's 210,000 spread 2:1 by planned costs; the rejected and the unreleased decisions count nothing.
    assert by_code == {
        "e-file": Decimal("14500.00"), "it-infrastructure": Decimal("30000.00"), "skills": Decimal("15000.00"),
        "online-services": Decimal("140000.00"), "website": Decimal("70000.00"), "strategy": Decimal("1500.00"),
    }  # fmt: skip
    assert dashboard.categories_total == dashboard.total.approved
    assert set(shown_by_code) == set(MeasureCategory.objects.filter(is_active=True).values_list("code", flat=True))


def district_money(district: Organisation) -> Decimal:
    """A district's own grants and those of its municipalities, or a district-free city's."""
    return total(
        awarded_applications().filter(Q(organisation=district) | Q(organisation__district=district)), "in_force"
    )


def test_each_district_holds_its_own_grants_and_those_of_its_municipalities(round_2020, payment_officer):
    dashboard = signed_in(payment_officer, ministry=True).get("/monitor/").context["dashboard"]
    heads = Organisation.objects.filter(kind__in=[OrganisationKind.DISTRICT, OrganisationKind.DISTRICT_FREE_CITY])
    assert sorted(g.code for g in dashboard.districts) == sorted(heads.values_list("key", flat=True))
    groups = {g.code: g for g in dashboard.districts}
    for head in heads:
        assert groups[head.key].money.approved == district_money(head), head.key
        assert groups[head.key].money.envelope == total(
            Envelope.objects.filter(Q(organisation=head) | Q(organisation__district=head)), "amount"
        )
    main_kinzig = groups[MAIN_KINZIG]
    assert main_kinzig.money.approved == Decimal("61000.00")  # Bruchköbel 7,500, Ronneburg 8,500, the district 45,000
    assert main_kinzig.money.paid == total(
        PaymentItem.objects.filter(outcome=PaymentOutcome.PAID).filter(
            Q(drawdown__application__organisation__key=MAIN_KINZIG)
            | Q(drawdown__application__organisation__district__key=MAIN_KINZIG)
        ),
        "amount",
    )
    # The district and its municipalities; its unincorporated area (Gutsbezirk Spessart) is no commune.
    assert (
        main_kinzig.communes
        == Organisation.objects.filter(
            Q(key=MAIN_KINZIG) | Q(district__key=MAIN_KINZIG), kind__in=COMMUNE_KINDS, is_active=True
        ).count()
    )
    assert groups[FRANKFURT].money.approved == Decimal("210000.00") and groups[FRANKFURT].communes == 1
    for name in ("envelope", "approved", "drawn", "paid", "proven", "recovered", "interest"):
        assert sum((getattr(g.money, name) for g in dashboard.districts), ZERO) == getattr(dashboard.total, name)
    # The inhabitants of a district are counted once: those of its municipalities.
    assert main_kinzig.population == sum(
        Organisation.objects.filter(district__key=MAIN_KINZIG).values_list("population", flat=True)
    )


def test_the_size_classes_hold_the_municipalities_by_inhabitants_and_the_districts_apart(round_2020, reviewer):
    dashboard = signed_in(reviewer, ministry=True).get("/monitor/").context["dashboard"]
    groups = {g.code: g for g in dashboard.size_classes}
    assert list(groups) == [size.code for size in SIZE_CLASSES] + ["districts"]
    for size in SIZE_CLASSES:
        members = Q(organisation__kind__in=MUNICIPAL_KINDS, organisation__population__gte=size.min_population)
        if size.max_population is not None:
            members &= Q(organisation__population__lt=size.max_population)
        assert groups[size.code].money.approved == total(awarded_applications().filter(members), "in_force"), size
    districts = awarded_applications(organisation__kind=OrganisationKind.DISTRICT)
    assert groups["districts"].money.approved == total(districts, "in_force") == Decimal("45000.00")
    assert groups["districts"].communes == 21
    assert sum(g.communes for g in dashboard.size_classes) == dashboard.all_communes.communes == 443
    for name in ("envelope", "approved", "drawn", "paid", "proven", "recovered", "interest"):
        assert sum((getattr(g.money, name) for g in dashboard.size_classes), ZERO) == getattr(dashboard.total, name)
    frankfurt_class = groups["xxl"]
    assert frankfurt_class.approved_per_inhabitant == (Decimal("210000.00") / frankfurt_class.population).quantize(
        Decimal("0.01")
    )


def test_progress_follows_the_payments_and_the_awards_month_by_month(round_2020, auditor):
    dashboard = signed_in(auditor, ministry=True).get("/monitor/").context["dashboard"]
    months = dashboard.progress.months
    # No month left out, from the first award (September 2020) to the last payment.
    assert months[0].month == date(2020, 9, 1)
    for earlier, later in itertools.pairwise(months):
        assert later.month == (earlier.month + timedelta(days=32)).replace(day=1)
    paid = {m.month: m.paid for m in months}
    for item in PaymentItem.objects.filter(outcome=PaymentOutcome.PAID).select_related("drawdown"):
        month = item.drawdown.paid_on.replace(day=1)
        assert paid[month] == total(
            PaymentItem.objects.filter(
                outcome=PaymentOutcome.PAID,
                drawdown__paid_on__year=month.year,
                drawdown__paid_on__month=month.month,
            ),
            "amount",
        )
    first_released = {
        a.pk: GrantDecision.objects.filter(application=a, released_at__isnull=False).order_by("released_at")[0]
        for a in awarded_applications()
    }
    approved = {m.month: m.approved for m in months}
    for month in {timezone.localtime(d.released_at).date().replace(day=1) for d in first_released.values()}:
        assert approved[month] == sum(
            (
                a.in_force
                for a in awarded_applications()
                if timezone.localtime(first_released[a.pk].released_at).date().replace(day=1) == month
            ),
            ZERO,
        )
    assert approved[date(2020, 10, 1)] == Decimal("255000.00")  # the district and Frankfurt (after its amendment)
    assert months[-1].approved_total == dashboard.total.approved
    assert months[-1].paid_total == dashboard.total.paid
    assert sum((m.paid for m in months), ZERO) == dashboard.total.paid


def test_the_ministry_dashboard_draws_its_charts_with_the_data_beside_them(round_2020, auditor):
    page = signed_in(auditor, ministry=True).get("/monitor/").content.decode()
    for chart in ("verlauf-diagramm", "kategorien-diagramm", "groessen-diagramm"):
        assert f'<svg xmlns="http://www.w3.org/2000/svg" id="{chart}"' in page
        assert f'aria-labelledby="{chart}-title"' in page and 'role="img"' in page
    for table in ("kennzahlen-tabelle", "verlauf-tabelle", "kategorien-tabelle", "landkreise-tabelle"):
        assert f'id="{table}"' in page
    assert 'data-month="2020-12"' in page and german(Decimal("81000.00")) in page  # paid up to December 2020


# Who sees which dashboard


@pytest.mark.parametrize("persona", MINISTRY)
def test_every_ministry_role_sees_the_ministry_dashboard(persona, request, call):
    response = signed_in(request.getfixturevalue(persona), ministry=True).get("/monitor/")
    assert response.status_code == 200 and response.context["dashboard"].total.awards == 0
    # Nothing approved yet: the chart says so instead of naming a largest category.
    assert "noch nichts bewilligt" in response.content.decode()


@pytest.mark.parametrize("persona", [*COMMUNE, "citizen"])
def test_nobody_outside_the_ministry_sees_its_dashboard_or_its_tables(persona, request, call):
    client = signed_in(request.getfixturevalue(persona), ministry=False)
    assert client.get("/monitor/").status_code == 403
    assert client.get("/monitor/tabelle/kennzahlen.csv").status_code == 403


def test_a_visitor_is_sent_to_the_login(client, registry):
    for path in ("/monitor/", "/monitor/kommune/", "/monitor/tabelle/landkreise.csv"):
        response = client.get(path)
        assert response.status_code == 302 and response.url.startswith("/anmelden/"), path


def test_ministry_staff_pass_the_second_factor_first(programme_manager):
    response = signed_in(programme_manager, ministry=False).get("/monitor/")
    assert response.status_code == 302 and response.url.startswith("/zwei-faktor/")


@pytest.mark.parametrize(
    ("filters", "field"),
    [
        pytest.param({"programm": "NOPE"}, "programm", id="unknown-programme"),
        pytest.param({"jahr": "zwanzig"}, "jahr", id="year-not-a-number"),
        pytest.param({"jahr": "1999"}, "jahr", id="year-without-budget"),
        pytest.param({"aufruf": "kein-aufruf"}, "aufruf", id="call-not-a-uuid"),
        pytest.param({"aufruf": "5f0e6a4c-1b1e-4c43-9f59-2c52f6f6d0aa"}, "aufruf", id="unknown-call"),
        pytest.param({"aufruf": "<first>", "jahr": "2021"}, "aufruf", id="call-of-another-year"),
        pytest.param({"aufruf": "<first>", "programm": "ZWEI"}, "aufruf", id="call-of-another-programme"),
        pytest.param({"programm": "x" * 5000}, "programm", id="very-long"),
        pytest.param({"jahr": "2020\x00"}, "jahr", id="null-byte"),
    ],
)
def test_a_bad_filter_gets_a_message_and_no_figures(call, reviewer, programme_manager, filters, field):
    from kommunalportal.grants.services import create_programme

    create_programme(
        actor=programme_manager, code="ZWEI", name="Zweites Programm", legal_basis="§ 44 LHO",
        starts_on=date(2020, 1, 1), ends_on=date(2020, 12, 31), year_budgets={2020: Decimal("1000000.00")},
    )  # fmt: skip
    params = {key: str(call.public_id) if value == "<first>" else value for key, value in filters.items()}
    client = signed_in(reviewer, ministry=True)
    response = client.get("/monitor/", params)
    assert response.status_code == 400
    assert field in response.context["form"].errors and "dashboard" not in response.context
    assert 'role="alert"' in response.content.decode()
    export = client.get("/monitor/tabelle/kennzahlen.csv", params)
    assert export.status_code == 400 and export["Content-Type"].startswith("text/plain")


def test_the_groups_add_up_even_for_odd_organisations():
    """Rows for money that fits no district or class, so that the rows still add up; inactive communes count
    only with money. (Plain objects: the grouping reads no database.)"""
    from kommunalportal.monitor.dashboards import all_communes, by_district, by_size_class
    from kommunalportal.monitor.figures import Ledger, Money

    def commune(pk, kind, *, district=None, population=1000, active=True):
        return Organisation(pk=pk, key=f"0600{pk:04d}", kind=kind, short_name=f"K{pk}", district_id=district,
                            population=population, is_active=active)  # fmt: skip

    district = commune(1, OrganisationKind.DISTRICT, population=3000)
    organisations = [
        district,
        commune(2, OrganisationKind.TOWN, district=1, population=1000),
        commune(3, OrganisationKind.MUNICIPALITY, district=1, population=2000, active=False),  # with money
        commune(4, OrganisationKind.MUNICIPALITY, district=1, active=False),  # gone, without money
        commune(5, OrganisationKind.MUNICIPALITY, population=None),  # no district, no population figure
        commune(6, OrganisationKind.DISTRICT_FREE_CITY, population=120000),
    ]
    money = Ledger({pk: Money(approved=Decimal(pk * 100), awards=1) for pk in (1, 2, 3, 5, 6, 99)})  # 99: no commune
    districts = {g.code: g for g in by_district(money, organisations)}
    assert {code: g.communes for code, g in districts.items()} == {
        district.key: 3, "06000006": 1, "no_district": 1, "other": 1,
    }  # fmt: skip
    assert districts[district.key].money.approved == Decimal(600) and districts[district.key].population == 3000
    sizes = {g.code: g for g in by_size_class(money, organisations)}
    assert sizes["districts"].population == 3000 and sizes["unknown"].money.approved == Decimal(500)
    assert sizes["xxl"].money.approved == Decimal(600) and sizes["xs"].communes == 2
    for groups in (districts.values(), sizes.values()):
        assert sum((g.money.approved for g in groups), ZERO) == money.total.approved == Decimal(11600)
    everyone = all_communes(money, organisations)
    assert everyone.communes == 5 and everyone.population == 1000 + 2000 + 120000


# The ministry's tables as CSV


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="monitor-')
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def number(text: str) -> Decimal:
    """A number as the CSV writes it: a decimal comma."""
    return Decimal(text.replace(",", "."))


def test_the_csv_tables_hold_the_figures_of_the_dashboard(round_2020, auditor):
    client = signed_in(auditor, ministry=True)
    figures = expected(call__year__year=2020)
    summary = read_csv(client.get("/monitor/tabelle/kennzahlen.csv", {"jahr": "2020"}))
    assert summary[0] == ["figure", "value"]
    assert {name: number(value) for name, value in summary[1:]} == figures
    assert dict(summary[1:])["approved"] == "269500,00"  # amounts to the cent, with a decimal comma
    assert all(value.isdigit() or value[-3] == "," for _name, value in summary[1:])
    categories = read_csv(client.get("/monitor/tabelle/kategorien.csv"))
    assert sum(number(row[3]) for row in categories[1:]) == expected()["approved"]
    districts = read_csv(client.get("/monitor/tabelle/landkreise.csv"))
    head = districts[0]
    rows = {row[0]: dict(zip(head, row, strict=True)) for row in districts[1:]}
    assert len(rows) == 26 and rows[FRANKFURT]["kind"] == "district_free_city"
    assert number(rows[MAIN_KINZIG]["approved"]) == district_money(Organisation.objects.get(key=MAIN_KINZIG))
    assert sum(number(row["paid"]) for row in rows.values()) == expected()["paid"]
    sizes = read_csv(client.get("/monitor/tabelle/groessenklassen.csv"))
    assert [row[0] for row in sizes[1:]] == [size.code for size in SIZE_CLASSES] + ["districts"]
    assert sum(int(row[2]) for row in sizes[1:]) == 443
    months = read_csv(client.get("/monitor/tabelle/verlauf.csv"))
    assert months[0] == ["month", "approved", "approved_cumulative", "paid", "paid_cumulative"]
    assert months[1][0] == "2020-09" and number(months[-1][4]) == expected()["paid"]
    assert client.get("/monitor/tabelle/unbekannt.csv").status_code == 404


# The commune's dashboard


def test_the_commune_sees_its_own_figures_beside_the_averages(round_2020, municipal_signatory):
    response = signed_in(municipal_signatory, ministry=False).get("/monitor/kommune/")
    assert response.status_code == 200
    dashboard = response.context["dashboard"]
    bruchkoebel = Organisation.objects.get(key="06435006")
    own = expected(organisation=bruchkoebel)
    assert dashboard.organisation == bruchkoebel
    money = dashboard.money
    assert {name: getattr(money, name) for name in own} == own
    assert (money.approved, money.paid, money.proven, money.recovered, money.interest) == (
        Decimal("7500.00"), Decimal("7500.00"), Decimal("6750.00"), Decimal("750.00"), Decimal("15.41"),
    )  # fmt: skip
    # Its size class: the municipalities of 20,000 to 49,999 inhabitants, each sum divided by their number.
    size = next(s for s in SIZE_CLASSES if s.min_population <= bruchkoebel.population < (s.max_population or 10**9))
    peers = Organisation.objects.filter(
        kind__in=MUNICIPAL_KINDS, is_active=True, population__gte=size.min_population,
        population__lt=size.max_population,
    )  # fmt: skip
    assert dashboard.size_class.code == size.code and dashboard.size_class.communes == peers.count()
    peer_envelopes = total(Envelope.objects.filter(organisation__in=peers), "amount")
    peer_approved = total(awarded_applications(organisation__in=peers), "in_force")
    average = dashboard.size_class.average
    assert average.envelope == (peer_envelopes / peers.count()).quantize(Decimal("0.01"))
    assert average.approved == (peer_approved / peers.count()).quantize(Decimal("0.01"))
    inhabitants = sum(peers.values_list("population", flat=True))
    assert dashboard.size_class.approved_per_inhabitant == (peer_approved / inhabitants).quantize(Decimal("0.01"))
    # All communes: 443, the inhabitants of the state counted once (not again for the districts).
    everyone = dashboard.all_communes
    assert everyone.communes == 443 and everyone.money.approved == expected()["approved"]
    assert everyone.population == sum(
        Organisation.objects.filter(kind__in=MUNICIPAL_KINDS).values_list("population", flat=True)
    )
    assert dashboard.approved_per_inhabitant == (Decimal("7500.00") / bruchkoebel.population).quantize(Decimal("0.01"))
    assert [a.application.organisation_id for a in dashboard.awards] == [bruchkoebel.pk]
    page = response.content.decode()
    assert german(average.approved) in page and german(dashboard.approved_per_inhabitant) in page
    assert 'id="vergleich-diagramm"' in page and 'id="vergleich-tabelle"' in page


def test_a_commune_never_sees_another_communes_money(round_2020, other_commune_applicant):
    """Ronneburg sees its own figures and awards; Bruchköbel's award, drawdowns and repayment stay out of sight,
    and asking for Bruchköbel is refused like asking for nothing."""
    client = signed_in(other_commune_applicant, ministry=False)
    response = client.get("/monitor/kommune/")
    dashboard = response.context["dashboard"]
    assert dashboard.organisation.key == RONNEBURG
    assert dashboard.money.approved == Decimal("8500.00") and dashboard.money.drawn == Decimal("3000.00")
    assert {a.application.organisation.key for a in dashboard.awards} == {RONNEBURG} and len(dashboard.awards) == 2
    page = response.content.decode()
    bruchkoebel = GrantDecision.objects.filter(application__organisation__key="06435006").values_list(
        "number", flat=True
    )
    assert all(number not in page for number in bruchkoebel)
    assert german(Decimal("15.41")) not in page and german(Decimal("6750.00")) not in page
    # Only aggregates reach the page: no single other commune's money is in the template's context.
    assert "ledger" not in response.context and not hasattr(dashboard, "by_commune")
    refused = client.get("/monitor/kommune/", {"kommune": "06435006"})
    assert refused.status_code == 400 and "dashboard" not in refused.context


def test_a_person_of_several_communes_chooses_one(round_2020, registry):
    person = _person("kreis-und-gemeinde", Role.MUNICIPAL_SIGNATORY, "06435006")
    from kommunalportal.accounts.services import grant_membership

    grant_membership(user=person, organisation=Organisation.objects.get(key=RONNEBURG), role=Role.CLERK, actor="test")
    client = signed_in(person, ministry=False)
    first = client.get("/monitor/kommune/")
    assert first.context["dashboard"].organisation.key == "06435006"  # Bruchköbel comes first by name
    assert [key for key, _label in first.context["form"].fields["kommune"].choices] == ["06435006", RONNEBURG]
    chosen = client.get("/monitor/kommune/", {"kommune": RONNEBURG})
    assert chosen.context["dashboard"].organisation.key == RONNEBURG
    assert chosen.context["dashboard"].money.approved == Decimal("8500.00")
    assert client.get("/monitor/kommune/", {"kommune": FRANKFURT}).status_code == 400


def test_a_single_communes_page_has_no_choice_of_commune(call, municipal_applicant):
    response = signed_in(municipal_applicant, ministry=False).get("/monitor/kommune/")
    assert response.status_code == 200 and response.context["form"]["kommune"].is_hidden
    assert 'name="kommune"' not in response.content.decode()


def test_an_average_of_too_small_a_group_is_not_shown(round_2020, municipal_signatory, monkeypatch):
    from kommunalportal.monitor import dashboards

    size_class = signed_in(municipal_signatory, ministry=False).get("/monitor/kommune/").context["dashboard"].size_class
    monkeypatch.setattr(dashboards, "MIN_GROUP_SIZE", size_class.communes + 1)
    response = signed_in(municipal_signatory, ministry=False).get("/monitor/kommune/")
    dashboard = response.context["dashboard"]
    assert not dashboard.size_class.is_disclosable and dashboard.all_communes.is_disclosable
    page = response.content.decode()
    assert german(dashboard.size_class.average.envelope) not in page
    assert german(dashboard.all_communes.average.envelope) in page
    assert Group("x", "x", communes=MIN_GROUP_SIZE - 1).is_disclosable is False


@pytest.mark.parametrize("persona", [*MINISTRY, "citizen"])
def test_only_the_people_of_a_commune_see_a_communes_dashboard(persona, request, call):
    client = signed_in(request.getfixturevalue(persona), ministry=persona in MINISTRY)
    assert client.get("/monitor/kommune/").status_code == 403


@pytest.mark.parametrize("persona", COMMUNE)
def test_every_commune_role_sees_its_dashboard(persona, request, call):
    response = signed_in(request.getfixturevalue(persona), ministry=False).get("/monitor/kommune/")
    assert response.status_code == 200 and response.context["dashboard"].organisation.key == "06435006"


def test_a_commune_cannot_choose_a_call_that_is_not_published(call, municipal_applicant, reviewer, programme_manager):
    draft = create_call(
        programme=call.programme, year=2021, actor=programme_manager,
        settings=formula_settings(name="Entwurf", opens_on=date(2021, 7, 1), deadline_on=date(2021, 8, 31)),
    )  # fmt: skip
    assert signed_in(reviewer, ministry=True).get("/monitor/", {"aufruf": str(draft.public_id)}).status_code == 200
    response = signed_in(municipal_applicant, ministry=False).get("/monitor/kommune/", {"aufruf": str(draft.public_id)})
    assert response.status_code == 400 and "aufruf" in response.context["form"].errors


# A constant number of queries, however many grants


MINISTRY_QUERIES = 21  # session, user, device, roles; 3 for the filter's lists; 14 for the figures
COMMUNE_QUERIES = 18  # session, user, roles, communes; 3 for the filter's lists; 10 for the figures; navigation


def test_the_dashboards_read_as_many_queries_for_one_grant_as_for_many(
    paid, call, reviewer, programme_manager, payment_officer, second_officer, municipal_signatory,
    django_assert_num_queries,
):  # fmt: skip
    ministry = signed_in(reviewer, ministry=True)
    commune = signed_in(municipal_signatory, ministry=False)
    with django_assert_num_queries(MINISTRY_QUERIES):
        small = ministry.get("/monitor/").context["dashboard"]
    with django_assert_num_queries(COMMUNE_QUERIES):
        commune.get("/monitor/kommune/")
    add_round(call, reviewer, programme_manager, payment_officer, second_officer)
    with django_assert_num_queries(MINISTRY_QUERIES):
        large = ministry.get("/monitor/").context["dashboard"]
    with django_assert_num_queries(COMMUNE_QUERIES):
        commune.get("/monitor/kommune/")
    assert (small.total.awards, large.total.awards) == (1, 5)
    assert len(large.progress.months) > len(small.progress.months) == 1
    # A filter adds the look-up of what it names, whatever the data.
    with django_assert_num_queries(MINISTRY_QUERIES + 1):
        ministry.get("/monitor/", {"aufruf": str(call.public_id)})
