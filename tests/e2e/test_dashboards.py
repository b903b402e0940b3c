"""The dashboards in the browser, with axe-core: the ministry's (after the second factor) with its charts and
tables, filtered and with a bad filter, and a commune's beside the averages.

The data are the monitor tests' round: Bruchköbel's grant paid, proven short and repaid; grants of Ronneburg, the
Main-Kinzig-Kreis and Frankfurt drawn and paid in autumn 2020; a rejection; a decision not yet released; a second
call in 2021.
"""

import importlib
import re
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from playwright.sync_api import Page, expect

from kommunalportal.core.money import format_amount
from kommunalportal.grants.tests import conftest as grants_fixtures
from kommunalportal.monitor.tests import test_dashboards as monitor_tests

from .pages import german

pytestmark = pytest.mark.e2e

call = grants_fixtures.call
bruchkoebel = grants_fixtures.bruchkoebel
phase_one = grants_fixtures.phase_one
paid = grants_fixtures.paid
shortfall = grants_fixtures.shortfall
hearing = grants_fixtures.hearing
issued = grants_fixtures.issued
second_officer = grants_fixtures.second_officer
rates_up_to_today = grants_fixtures.rates_up_to_today
round_2020 = monitor_tests.round_2020


@pytest.fixture(autouse=True)
def published_base_rates(registry: None) -> None:
    """The Bundesbank's rates that a migration seeds and the flush after every browser test empties."""
    migration = importlib.import_module("kommunalportal.grants.migrations.0011_published_base_rates")
    migration.add_base_rates(django_apps, None)


def euro(amount: Decimal) -> str:
    with translation.override("de"):
        return format_amount(amount)


def check(page: Page, check_accessibility) -> None:
    """axe-core, and every id only once (the charts' titles are referred to by id)."""
    check_accessibility(page)
    ids = page.evaluate("() => [...document.querySelectorAll('[id]')].map((element) => element.id)")
    assert len(ids) == len(set(ids)), f"ids used more than once on {page.url}: {sorted(ids)}"


def test_the_ministry_dashboard_is_accessible_with_its_charts_and_tables(
    page: Page, check_accessibility, log_in_with_code, round_2020, reviewer
):
    log_in_with_code(page, reviewer)
    response = page.goto("/monitor/")
    assert response is not None and response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text(german(_("Programme dashboard")))
    for chart in ("verlauf-diagramm", "kategorien-diagramm", "groessen-diagramm"):
        image = page.locator(f"svg#{chart}")
        expect(image).to_be_visible()
        expect(image).to_have_attribute("role", "img")
    expect(page.get_by_role("img", name=german(_("Approved and paid over time")))).to_be_visible()
    key_figures = page.get_by_role("table", name=german(_("Key figures")))
    expect(key_figures.locator("tr[data-figure=approved]")).to_contain_text(euro(Decimal("271000.00")))
    expect(key_figures.locator("tr[data-figure=paid]")).to_contain_text(euro(Decimal("88500.00")))
    districts = page.get_by_role("table", name=german(_("Figures by district")))
    expect(districts.locator("tr[data-group='06435']")).to_contain_text(euro(Decimal("61000.00")))
    check(page, check_accessibility)

    # The dashboard of one call, chosen in the form.
    page.get_by_label(german(_("Call"))).select_option(label=f"SHH 2021: {round_2020['second'].name}")
    with page.expect_navigation():
        page.get_by_role("button", name=german(_("Show figures"))).click()
    expect(page).to_have_url(re.compile(r"aufruf="))
    expect(key_figures.locator("tr[data-figure=approved]")).to_contain_text(euro(Decimal("1500.00")))
    check(page, check_accessibility)

    # A bad filter: a message in the page, no figures, and the page as accessible as ever.
    response = page.goto("/monitor/?jahr=zwanzig")
    assert response is not None and response.status == 400
    expect(page.locator("main [role=alert]")).to_be_visible()
    expect(page.get_by_label(german(_("Budget year")))).to_have_attribute("aria-invalid", "true")
    check(page, check_accessibility)


def test_the_commune_dashboard_is_accessible(page: Page, check_accessibility, log_in, round_2020, municipal_signatory):
    log_in(page, municipal_signatory)
    response = page.goto("/monitor/kommune/")
    assert response is not None and response.status == 200
    comparison = page.locator("#vergleich-tabelle")
    expect(comparison.locator("tr[data-figure=approved]")).to_contain_text(euro(Decimal("7500.00")))
    expect(page.locator("svg#vergleich-diagramm")).to_have_attribute("role", "img")
    expect(page.locator("#bescheide-tabelle tbody tr")).to_have_count(1)
    check(page, check_accessibility)
