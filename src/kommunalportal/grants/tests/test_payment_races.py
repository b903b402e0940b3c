"""No double payment and no over-draw under real concurrency on PostgreSQL (32 parallel attempts each)."""

from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone

from kommunalportal.documents.models import Document
from kommunalportal.grants import payments
from kommunalportal.grants.models import Drawdown, PaymentItem, PaymentRun, PaymentRunStatus

from .conftest import request
from .test_races import ATTEMPTS, race

pytestmark = pytest.mark.django_db(transaction=True)


def test_releasing_a_run_at_the_same_moment_writes_one_file_and_pays_once(
    requires_postgres,
    approved,
    payment_officer,
    second_officer,
):
    run = payments.create_payment_run(actor=payment_officer, execution_on=timezone.localdate(), drawdowns=approved)
    ok, refused = race(lambda n: payments.release_payment_run(run=run, actor=second_officer))
    assert (ok, refused) == (1, ATTEMPTS - 1)  # a double click, a retry and a colleague all find it released
    assert Document.objects.filter(kind="payment_file").count() == 1
    assert PaymentItem.objects.count() == len(approved)


def test_the_same_drawdowns_go_into_one_run_however_many_officers_try(
    requires_postgres,
    approved,
    payment_officer,
):
    ok, refused = race(
        lambda n: payments.create_payment_run(
            actor=payment_officer, execution_on=timezone.localdate(), drawdowns=approved
        )
    )
    assert (ok, refused) == (1, ATTEMPTS - 1)
    assert PaymentRun.objects.filter(status=PaymentRunStatus.DRAFT).count() == 1
    assert PaymentItem.objects.count() == len(approved)


def test_parallel_drawdowns_never_draw_more_than_the_grant(
    requires_postgres,
    account,
    grant,
    municipal_signatory,
):
    # 32 requests of 1,000.00 € (75 % of 1,333.33 €, rounded) against a grant of 15,000.00 €: 15 fit.
    ok, refused = race(lambda n: request(grant, municipal_signatory, expenses="1333.33"))
    assert (ok, refused) == (15, ATTEMPTS - 15)
    drawn = Drawdown.objects.filter(application=grant).aggregate(total=Sum("amount"))["total"]
    assert drawn == Decimal("15000.00")
