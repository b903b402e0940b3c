from datetime import date
from decimal import Decimal

import pytest

from kommunalportal.accounts.roles import Role
from kommunalportal.accounts.services import grant_membership
from kommunalportal.core.errors import DomainError, PermissionDenied
from kommunalportal.grants import applications as svc
from kommunalportal.grants import competition
from kommunalportal.grants.models import CallShape, FinancingType, GrantDecision, MeasureCategory
from kommunalportal.grants.services import create_call, publish_call
from kommunalportal.organisations.models import Organisation
from tests.factories import UserFactory

from .test_services import formula_settings, programme_2020

pytestmark = pytest.mark.django_db
IN_TIME = date(2021, 5, 1)


@pytest.fixture
def phase_two(programme_manager):
    programme = programme_2020(programme_manager)
    call = create_call(
        programme=programme, year=2021, actor=programme_manager,
        settings=formula_settings(
            name="Phase 2: Wettbewerb", shape=CallShape.COMPETITIVE, budget_amount=Decimal("1000000.00"),
            opens_on=date(2021, 3, 1), deadline_on=date(2021, 6, 30), proof_of_use_due_on=date(2023, 12, 31),
            financing_type=FinancingType.PROPORTIONAL, funding_rate=Decimal("0.9"), min_own_share_rate=Decimal("0.1"),
            min_grant_amount=Decimal("100000.00"), max_grant_amount=Decimal("2500000.00"), max_duration_months=24,
            floor_amount=Decimal(0),
        ),
    )  # fmt: skip
    competition.set_criteria(
        call=call, actor=programme_manager,
        criteria=[("Nutzen für Bürgerinnen und Bürger", Decimal(3)), ("Interkommunale Zusammenarbeit", Decimal(1))],
    )  # fmt: skip
    return publish_call(call=call, actor=programme_manager)


def joint_project(call, key, requested, *, submit=True):
    organisation = Organisation.objects.get(key=key)
    signer = UserFactory(username=f"signer-{key}")
    grant_membership(user=signer, organisation=organisation, role=Role.MUNICIPAL_SIGNATORY, actor="t")
    application = svc.start_application(
        call=call, organisation=organisation, actor=signer, title="Verbund", today=IN_TIME
    )
    total = (Decimal(requested) / Decimal("0.9")).quantize(Decimal("0.01")) + Decimal("0.01")
    svc.add_measure(
        application=application, actor=signer,
        measure=svc.MeasureInput(
            category=MeasureCategory.objects.get(code="online-services"), title=f"Serviceportal {key}",
            description="", planned_costs_amount=total, starts_on=date(2021, 9, 1), ends_on=date(2023, 6, 30),
        ),
    )  # fmt: skip
    competition.add_partner(
        application=application, actor=signer, organisation=Organisation.objects.get(key="06435024"),
        share_rate=Decimal("0.3"),
    )  # fmt: skip
    svc.update_financing_plan(
        application=application, actor=signer, title="Verbund", summary="", own_share_amount=total - Decimal(requested),
        third_party_amount=Decimal(0), requested_amount=Decimal(requested), has_not_begun=True,
    )  # fmt: skip
    if submit:
        svc.submit_application(application=application, actor=signer, today=IN_TIME)
    application.refresh_from_db()
    return application


def test_partners_share_the_costs_but_leave_the_lead_a_share(phase_two):
    application = joint_project(phase_two, "06435006", "500000.00", submit=False)
    assert [p.organisation.key for p in application.partners.all()] == ["06435024"]
    signer = application.created_by
    with pytest.raises(DomainError, match="Anteil"):
        competition.add_partner(
            application=application, actor=signer, organisation=Organisation.objects.get(key="06412000"),
            share_rate=Decimal("0.7"),
        )  # fmt: skip


def test_the_jury_scores_and_the_ranking_funds_until_the_budget_is_used(phase_two, reviewer, programme_manager):
    best = joint_project(phase_two, "06435006", "600000.00")
    second = joint_project(phase_two, "06412000", "500000.00")  # does not fit after the best
    third = joint_project(phase_two, "06411000", "300000.00")  # fits into what is left
    criteria = list(phase_two.criteria.all())
    for juror in (reviewer, programme_manager):
        competition.score_application(application=best, juror=juror, scores={criteria[0].pk: 9, criteria[1].pk: 8})
        competition.score_application(application=second, juror=juror, scores={criteria[0].pk: 7, criteria[1].pk: 9})
        competition.score_application(application=third, juror=juror, scores={criteria[0].pk: 5, criteria[1].pk: 5})
    rows, left = competition.ranking(phase_two)
    assert [r.application.pk for r in rows] == [best.pk, second.pk, third.pk]
    assert [r.is_funded for r in rows] == [True, False, True]
    assert rows[0].score == Decimal("8.750") and rows[0].jurors == 2
    result = competition.prepare_approvals_down_the_ranking(call=phase_two, actor=reviewer)
    assert sorted(result.done) == sorted([best.reference, third.reference])
    assert sum(d.approved_amount for d in GrantDecision.objects.all()) == Decimal("900000.00")
    # What is prepared is committed: the second no longer fits, and nothing is funded twice.
    rows, left = competition.ranking(phase_two)
    assert left == Decimal("100000.00") and not any(r.is_funded for r in rows)


def test_only_the_jury_scores_and_only_on_every_criterion(phase_two, municipal_applicant, payment_officer, reviewer):
    application = joint_project(phase_two, "06435006", "500000.00")
    criteria = list(phase_two.criteria.all())
    for outsider in (municipal_applicant, payment_officer):
        with pytest.raises(PermissionDenied):
            competition.score_application(application=application, juror=outsider, scores={c.pk: 5 for c in criteria})
    with pytest.raises(DomainError):
        competition.score_application(application=application, juror=reviewer, scores={criteria[0].pk: 5})
    with pytest.raises(DomainError):
        competition.score_application(application=application, juror=reviewer, scores={c.pk: 11 for c in criteria})


def test_criteria_are_fixed_once_scoring_began(phase_two, programme_manager, reviewer):
    application = joint_project(phase_two, "06435006", "500000.00")
    competition.score_application(
        application=application, juror=reviewer, scores={c.pk: 5 for c in phase_two.criteria.all()}
    )
    with pytest.raises(DomainError):
        competition.set_criteria(call=phase_two, actor=programme_manager, criteria=[("Neu", Decimal(1))])


def test_grant_range_and_duration_are_checked(phase_two):
    application = joint_project(phase_two, "06435006", "500000.00")
    results = {r.code: r.passed for r in svc.run_checks(application)}
    assert results["grant_range"] and results["duration"] and "within_envelope" not in results


def test_the_ranking_page_and_scoring_form_for_the_jury(
    phase_two, verified_client, reviewer, client, municipal_applicant
):
    application = joint_project(phase_two, "06435006", "500000.00")
    as_reviewer = verified_client(reviewer)
    page = as_reviewer.get(f"/foerderung/aufrufe/{phase_two.public_id}/").content.decode()
    assert application.reference in page
    criteria = list(phase_two.criteria.all())
    as_reviewer.post(
        f"/foerderung/antraege/{application.public_id}/bewertung/", {f"score_{c.pk}": "8" for c in criteria}
    )
    assert application.scores.count() == 2
    client.force_login(municipal_applicant)
    assert client.post(f"/foerderung/aufrufe/{phase_two.public_id}/rangfolge/").status_code == 404
    assert client.post(f"/foerderung/aufrufe/{phase_two.public_id}/kriterien/", {"criteria": "x; 1"}).status_code == 404


def test_the_bescheid_of_a_joint_project_names_its_partners(phase_two, reviewer, programme_manager):
    from kommunalportal.grants.models import DecisionKind
    from tests.pdf import pdf_text

    application = joint_project(phase_two, "06435006", "500000.00")
    decision = svc.prepare_decision(application=application, actor=reviewer, kind=DecisionKind.APPROVAL)
    decision = svc.release_decision(decision=decision, actor=programme_manager)
    text = pdf_text(decision.document)
    assert "Verbundprojekt" in text and "Ronneburg (Anteil 30 %)" in text
