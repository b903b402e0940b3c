import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum

from kommunalportal.accounts.models import Membership, User
from kommunalportal.accounts.roles import Role
from kommunalportal.core.audit import verify_chain
from kommunalportal.grants.models import Application, Envelope, GrantDecision, JuryScore
from kommunalportal.grants.workflow import ApplicationStatus
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db


def test_the_demo_has_every_role_and_the_2020_envelopes_and_is_idempotent(registry, settings):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    counts = (User.objects.count(), Membership.objects.count(), Envelope.objects.count())
    call_command("load_demo", stdout=io.StringIO())
    assert (User.objects.count(), Membership.objects.count(), Envelope.objects.count()) == counts
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
    # Three communes of different size, each with the four commune roles.
    assert Membership.objects.filter(organisation__key__in=["06412000", "06435006", "06435024"]).count() == 12
    round_2020 = Envelope.objects.filter(call__programme__code="SHH")
    assert round_2020.count() == 443
    assert round_2020.aggregate(total=Sum("amount"))["total"] == Decimal("16000000.00")
    assert round_2020.get(organisation__key="06435024").amount == Decimal("7500.00")
    # Every commune applied and was approved, each with its Bescheid; an open call invites new applications.
    decided = GrantDecision.objects.filter(application__call__programme__code="SHH", released_at__isnull=False)
    assert decided.count() == 443 and decided.filter(document__isnull=False).count() == 443
    assert decided.aggregate(total=Sum("approved_amount"))["total"] == Decimal("16000000.00")
    # …decided in September 2020, weeks after the deadline of 31 August, and the Bescheide say so.
    assert {d.released_at.date() for d in decided} == {date(2020, 9, 14)}
    assert "Datum: 14.09.2020" in pdf_text(decided.first().document)
    assert Application.objects.filter(status=ApplicationStatus.APPROVED).count() == 443
    assert Envelope.objects.filter(call__programme__code="DKH", call__status="published").count() == 443
    # Phase 2: joint projects of several communes under review by the jury.
    joint = Application.objects.filter(call__shape="competitive", status=ApplicationStatus.SUBMITTED)
    assert joint.count() == 4 and all(a.partners.exists() for a in joint)
    assert JuryScore.objects.filter(application__in=joint).exists()
    assert "Starke-Heimat-2020" in out.getvalue() and "zeichnung.ronneburg" in out.getvalue()
    assert verify_chain().is_intact


def test_the_demo_refuses_a_production_database(registry, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG"):
        call_command("load_demo", stdout=io.StringIO())
    assert not User.objects.filter(username="programm").exists()
