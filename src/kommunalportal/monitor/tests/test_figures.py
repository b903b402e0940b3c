"""Where the money went: awards and each commune's money, to the cent, in a constant number of queries."""

from decimal import Decimal

from conftest import _person
from kommunalportal.accounts.roles import Role
from kommunalportal.grants import applications as svc
from kommunalportal.grants import proofs
from kommunalportal.grants.models import Envelope
from kommunalportal.grants.tests.conftest import IN_TIME, REPAID_ON, draft, granted
from kommunalportal.monitor.figures import Scope, awards, ledger


def test_an_award_is_the_granted_application_with_its_first_number_and_the_amount_in_force(paid):
    [award] = awards()
    assert award.application == paid and award.number.startswith("ZB-2020-")
    assert award.amount == Decimal("7500.00") and award.categories == (paid.measures.get().category.code,)
    assert award.organisation.key == "06435006"
    assert awards(Scope(call=paid.call_id)) == [award]
    assert awards(Scope(call=paid.call_id + 1000)) == []


def test_the_ledger_follows_the_money_from_the_envelope_to_the_repayment(issued, payment_officer):
    application = issued.application
    bruchkoebel = application.organisation_id
    money = ledger().of(bruchkoebel)
    envelope = Envelope.objects.get(call=application.call, organisation_id=bruchkoebel).amount
    assert (money.envelope, money.approved, money.drawn, money.paid) == (
        envelope,
        Decimal("7500.00"),
        Decimal("0.00"),
        Decimal("7500.00"),
    )
    assert money.proven == Decimal("6750.00") and money.recovered == Decimal("0.00") and money.awards == 1
    proofs.record_repayment(recovery=issued, actor=payment_officer, repaid_on=REPAID_ON)
    money = ledger(Scope(call=application.call_id)).of(bruchkoebel)
    assert money.recovered == Decimal("750.00") and money.interest == Decimal("15.41")
    # The sum over all communes: every commune's envelope, one award.
    total = ledger().total
    assert total.envelope == sum(Envelope.objects.values_list("amount", flat=True)) and total.awards == 1
    assert total.approved == Decimal("7500.00")


def test_the_ledger_reads_the_same_number_of_queries_for_one_grant_or_many(
    paid, call, organisation, municipal_applicant, reviewer, programme_manager, django_assert_num_queries
):
    with django_assert_num_queries(8):
        ledger()
    # More communes with grants: still eight queries.
    for key in ("06435024", "06412000"):
        commune = organisation(key)
        applicant = _person(f"a{key}", Role.MUNICIPAL_APPLICANT, key)
        signatory = _person(f"z{key}", Role.MUNICIPAL_SIGNATORY, key)
        application = draft(call, commune, applicant, costs="10000.00", requested="7500.00", own="2500.00")
        svc.submit_application(application=application, actor=signatory, today=IN_TIME)
        application.refresh_from_db()
        granted(application, reviewer, programme_manager)
    with django_assert_num_queries(8):
        result = ledger()
    assert result.total.awards == 3 and result.total.approved == Decimal("22500.00")


def test_the_indicators_of_a_commune_from_its_money(paid):
    from kommunalportal.monitor.indicators import INDICATORS_BY_CODE, communes

    commune = paid.organisation
    per_inhabitant = INDICATORS_BY_CODE["funding_per_inhabitant"].compute(Scope())
    # Bruchköbel: 7,500.00 € granted for its inhabitants, to the cent; the others have an envelope but no grant.
    assert per_inhabitant[commune.pk] == (Decimal("7500.00") / commune.population).quantize(Decimal("0.01"))
    assert set(per_inhabitant.values()) == {per_inhabitant[commune.pk], Decimal("0.00")}
    assert INDICATORS_BY_CODE["share_paid"].compute(Scope()) == {commune.pk: Decimal("100.0")}
    assert INDICATORS_BY_CODE["share_drawn"].compute(Scope()) == {commune.pk: Decimal("100.0")}
    assert len(communes()) == 443


def test_the_share_drawn_counts_what_was_called_and_not_yet_paid(approved):
    from kommunalportal.monitor.indicators import INDICATORS_BY_CODE

    commune = approved[0].application.organisation_id
    # 15,000.00 € granted; 3,000.00 € and 1,500.03 € called and approved, nothing paid yet: 30.0 % drawn, 0.0 % paid.
    assert INDICATORS_BY_CODE["share_drawn"].compute(Scope())[commune] == Decimal("30.0")
    assert INDICATORS_BY_CODE["share_paid"].compute(Scope())[commune] == Decimal("0.0")
