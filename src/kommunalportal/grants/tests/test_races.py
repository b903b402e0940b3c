"""Invariants under real concurrency on PostgreSQL: parallel transactions in threads, each with its own
connection. They skip on SQLite, which serialises every writer anyway."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.db.models import Sum

from kommunalportal.core.errors import DomainError
from kommunalportal.core.references import next_reference
from kommunalportal.grants import applications as svc
from kommunalportal.grants.models import Application, Call
from kommunalportal.grants.services import create_call, publish_call, publish_envelopes
from kommunalportal.organisations.models import Organisation

from .test_services import formula_settings, programme_2020

pytestmark = pytest.mark.django_db(transaction=True)
ATTEMPTS = 32


def race(action, attempts=ATTEMPTS):
    """Run `action(n)` in parallel threads released at the same moment; count successes and refusals."""
    barrier = threading.Barrier(attempts)
    outcomes: list[str] = []

    def attempt(n: int) -> None:
        try:
            barrier.wait()
            with transaction.atomic():
                action(n)
            outcomes.append("ok")
        except DomainError:
            outcomes.append("refused")
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=attempts) as pool:
        list(pool.map(attempt, range(attempts)))
    return outcomes.count("ok"), outcomes.count("refused")


def test_parallel_calls_never_overcommit_the_year(requires_postgres, registry, programme_manager):
    programme = programme_2020(programme_manager)
    ok, refused = race(
        lambda n: create_call(
            programme=programme,
            year=2020,
            actor=programme_manager,
            settings=formula_settings(name=f"Aufruf {n}", budget_amount=Decimal("3000000.00")),
        )
    )
    assert (ok, refused) == (6, ATTEMPTS - 6)  # 6 × 3 M fit into 20 M, the seventh would not
    total = Call.objects.filter(year__programme=programme).aggregate(total=Sum("budget_amount"))["total"]
    assert total == Decimal("18000000.00")


def test_a_commune_gets_one_application_per_formula_call_however_often_it_clicks(
    requires_postgres, registry, programme_manager, municipal_applicant
):
    programme = programme_2020(programme_manager)
    call = create_call(programme=programme, year=2020, settings=formula_settings(), actor=programme_manager)
    publish_envelopes(call=call, actor=programme_manager)
    publish_call(call=call, actor=programme_manager)
    bruchkoebel = Organisation.objects.get(key="06435006")
    ok, refused = race(
        lambda n: svc.start_application(
            call=call, organisation=bruchkoebel, actor=municipal_applicant, title=f"Klick {n}", today=date(2020, 8, 1)
        )
    )
    assert (ok, refused) == (1, ATTEMPTS - 1)
    assert Application.objects.filter(call=call, organisation=bruchkoebel).count() == 1


def test_references_stay_unique_and_without_gaps(requires_postgres):
    numbers: list[str] = []
    ok, _refused = race(lambda n: numbers.append(next_reference("TEST-2020")))
    assert ok == ATTEMPTS
    assert sorted(numbers) == [f"TEST-2020-{n:04d}" for n in range(1, ATTEMPTS + 1)]
