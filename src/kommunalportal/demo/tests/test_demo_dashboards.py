"""The monitor's dashboards over the full demo: 443 communes granted, paid out in eight runs, proven and
partly repaid; a competition; an open call. Every figure equals the database."""

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from kommunalportal.grants.models import Call, PaymentItem, PaymentOutcome
from kommunalportal.monitor.dashboards import MIN_GROUP_SIZE
from kommunalportal.monitor.tests.test_dashboards import (
    COMMUNE_QUERIES,
    MINISTRY_QUERIES,
    ZERO,
    expected,
    number,
    read_csv,
    shown,
    signed_in,
)
from kommunalportal.organisations.models import Organisation


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
class TestTheDashboardsOfTheFullDemo:
    def ministry(self) -> Client:
        from kommunalportal.accounts.models import User

        return signed_in(User.objects.get(username="programm"), ministry=True)

    def test_every_figure_equals_the_database(self):
        client = self.ministry()
        phase_one = Call.objects.get(programme__code="SHH", shape="formula")
        for params, lookups in (({}, {}), ({"aufruf": str(phase_one.public_id)}, {"call": phase_one.pk})):
            dashboard = client.get("/monitor/", params).context["dashboard"]
            assert shown(dashboard) == expected(**lookups)
            assert dashboard.total.awards >= 443 and dashboard.total.paid > 0 and dashboard.total.recovered > 0
            assert dashboard.categories_total == dashboard.total.approved
            for groups in (dashboard.districts, dashboard.size_classes):
                for name in ("envelope", "approved", "drawn", "paid", "proven", "recovered", "interest"):
                    assert sum((getattr(g.money, name) for g in groups), ZERO) == getattr(dashboard.total, name)
            months = dashboard.progress.months
            assert (months[-1].approved_total, months[-1].paid_total) == (
                dashboard.total.approved,
                dashboard.total.paid,
            )
        # The payment runs of the demo, month by month, as the treasury's items have them.
        paid = {m.month: m.paid for m in dashboard.progress.months if m.paid}
        by_month: dict[date, Decimal] = {}
        for item in PaymentItem.objects.filter(outcome=PaymentOutcome.PAID).select_related("drawdown"):
            month = item.drawdown.paid_on.replace(day=1)
            by_month[month] = by_month.get(month, ZERO) + item.amount
        assert paid == by_month and len(paid) >= 8

    def test_the_ministry_dashboard_reads_as_many_queries_as_for_one_grant(self, django_assert_num_queries):
        client = self.ministry()
        with django_assert_num_queries(MINISTRY_QUERIES):
            response = client.get("/monitor/")
        assert response.status_code == 200 and len(response.context["dashboard"].progress.months) > 8

    def test_a_demo_commune_sees_its_own_figures(self, django_assert_num_queries):
        from kommunalportal.accounts.models import User

        client = signed_in(User.objects.get(username="zeichnung.bruchkoebel"), ministry=False)
        with django_assert_num_queries(COMMUNE_QUERIES):
            response = client.get("/monitor/kommune/")
        dashboard = response.context["dashboard"]
        bruchkoebel = Organisation.objects.get(key="06435006")
        assert dashboard.organisation == bruchkoebel
        own = expected(organisation=bruchkoebel)
        assert {name: getattr(dashboard.money, name) for name in own} == own
        assert dashboard.money.recovered > 0 and dashboard.size_class.communes >= MIN_GROUP_SIZE

    def test_the_key_figures_as_csv(self):
        summary = read_csv(self.ministry().get("/monitor/tabelle/kennzahlen.csv"))
        assert {name: number(value) for name, value in summary[1:]} == expected()
