"""The map of Hessen in the browser: the shapes drawn, the legend following the indicator, a commune opened by
mouse and by keyboard, the same choice without JavaScript, and axe-core on the map and on its table."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from kommunalportal.grants.tests import conftest as grants_fixtures
from kommunalportal.monitor.tests.test_map import grant_to

pytestmark = pytest.mark.e2e

call = grants_fixtures.call
bruchkoebel = grants_fixtures.bruchkoebel
submitted = grants_fixtures.submitted
grant = grants_fixtures.grant

BRUCHKOEBEL = "06435006"
SHAPES = ".leaflet-overlay-pane path.kp-map__feature"
LEGEND = "#kp-map-legend .kp-legend__item"


@pytest.fixture
def grants(grant, call, reviewer, programme_manager) -> None:
    """Bruchköbel's grant and four more, so that the map has classes to show."""
    for key, amount in (
        ("06412000", "30000.00"),
        ("06435", "15000.00"),
        ("06435024", "7500.00"),
        ("06611000", "60000.00"),
    ):
        grant_to(key, call, reviewer, programme_manager, requested=amount)


def open_map(page: Page, query: str = "") -> None:
    response = page.goto(f"/monitor/karte/{query}")
    assert response is not None and response.ok
    expect(page.locator(SHAPES)).to_have_count(426 if "kreise" not in query else 26)
    expect(page.locator("#kp-map-legend-box")).to_be_visible()


def test_the_map_draws_every_municipality_and_a_click_opens_the_commune(page: Page, grants):
    open_map(page)
    # One legend entry per class and one for "no value", which is hatched, not only coloured.
    items = page.locator(LEGEND)
    expect(items.last.locator(".kp-legend__swatch--none")).to_have_count(1)
    assert 2 <= items.count() <= 6
    commune = page.locator(f'{SHAPES}[data-key="{BRUCHKOEBEL}"]')
    expect(commune).to_have_attribute("role", "link")
    expect(commune).to_have_attribute("aria-label", re.compile(r"^Bruchköbel \(Main-Kinzig-Kreis\): 0,\d\d\u00a0€$"))
    with page.expect_navigation():
        commune.click()
    expect(page).to_have_url(re.compile(rf"/kommunen/{BRUCHKOEBEL}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Bruchköbel")


def test_switching_indicator_and_level_changes_legend_shapes_and_address(page: Page, grants):
    open_map(page)
    before = page.locator("#kp-map-legend").inner_text()
    assert "€" in before
    page.select_option("#id_indikator", "share_paid")
    expect(page.locator("#kp-map-legend")).not_to_have_text(before)
    expect(page.locator("#kp-map-legend")).to_contain_text("%")
    expect(page).to_have_url(re.compile(r"\?indikator=share_paid&ebene=gemeinden$"))
    expect(page.locator("#kp-map-table-link")).to_have_attribute(
        "href", "/monitor/karte/tabelle/?indikator=share_paid&ebene=gemeinden"
    )
    page.select_option("#id_ebene", "kreise")
    expect(page.locator(SHAPES)).to_have_count(26)
    expect(page.locator(f'{SHAPES}[data-key="06435"]')).to_have_attribute(
        "aria-label", re.compile(r"Main-Kinzig-Kreis")
    )
    expect(page).to_have_url(re.compile(r"\?indikator=share_paid&ebene=kreise$"))


def test_a_commune_is_reached_and_opened_with_the_keyboard(page: Page, grants):
    open_map(page)
    page.locator("#kp-map-skip a").focus()
    page.keyboard.press("Tab")  # the map itself: arrows move it
    expect(page.locator("#kp-map")).to_be_focused()
    page.keyboard.press("Tab")  # the zoom buttons
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # the first commune
    first = page.locator(f"{SHAPES}[tabindex='0']").first
    expect(first).to_be_focused()
    expect(page.locator(".leaflet-tooltip")).to_be_visible()
    commune = page.locator(f'{SHAPES}[data-key="{BRUCHKOEBEL}"]')
    commune.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/kommunen/{BRUCHKOEBEL}/$"))


def test_without_javascript_the_form_and_the_table_still_work(browser: Browser, live_server, grants):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/monitor/karte/")
        expect(page.locator(".kp-map__fallback a")).to_have_attribute(
            "href", "/monitor/karte/tabelle/?indikator=funding_per_inhabitant&ebene=gemeinden"
        )
        page.select_option("#id_indikator", "share_paid")
        with page.expect_navigation():
            page.click("#kp-map-form button[type=submit]")
        expect(page).to_have_url(re.compile(r"indikator=share_paid"))
        page.click(".kp-map__fallback a")
        expect(page.locator("tbody tr")).to_have_count(422)
        # Sort by name through the header's link, then reverse it.
        page.locator("thead th").nth(1).locator("a").click()
        expect(page.locator("thead th").nth(1)).to_have_attribute("aria-sort", "ascending")
        first = page.locator("tbody tr th").first.inner_text()
        page.locator("thead th").nth(1).locator("a").click()
        expect(page.locator("thead th").nth(1)).to_have_attribute("aria-sort", "descending")
        expect(page.locator("tbody tr th").last).to_have_text(first)
    finally:
        context.close()


@pytest.mark.parametrize("query", ["", "?indikator=share_paid&ebene=kreise"])
def test_the_map_page_is_accessible(page: Page, check_accessibility, grants, query):
    open_map(page, query)
    check_accessibility(page)
    # Also with a commune focused, its tooltip open.
    page.locator(f"{SHAPES}[tabindex='0']").first.focus()
    expect(page.locator(".leaflet-tooltip")).to_be_visible()
    check_accessibility(page)


@pytest.mark.parametrize(
    "query",
    ["", "?indikator=share_paid&ebene=kreise&sortierung=name&richtung=ab", "?indikator=unbekannt"],
)
def test_the_table_page_is_accessible(page: Page, check_accessibility, grants, query):
    page.goto(f"/monitor/karte/tabelle/{query}")
    check_accessibility(page)
