"""What people do in the portal, end to end in a real browser: sign in, pass the second factor, search."""

import re

import pytest
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from playwright.sync_api import Page, expect

from kommunalportal.accounts.roles import Role

pytestmark = pytest.mark.e2e


def german(message: object) -> str:
    with translation.override("de"):
        return str(message)


def test_commune_user_signs_in_and_finds_role_and_commune(page: Page, log_in, commune_applicant):
    log_in(page, commune_applicant)

    expect(page).to_have_url(re.compile(r"/konto/$"))
    roles = page.get_by_role("table", name=german(_("My roles")))
    expect(roles).to_contain_text(german(Role.MUNICIPAL_APPLICANT.label))
    expect(roles).to_contain_text("Bruchköbel")
    own_commune = page.get_by_role("navigation", name=german(_("Main navigation"))).get_by_role(
        "link", name=german(_("My commune"))
    )
    expect(own_commune).to_have_attribute("href", "/kommunen/06435006/")
    own_commune.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bruchköbel")
    expect(own_commune).to_have_attribute("aria-current", "page")


def test_ministry_user_passes_the_second_factor_to_reach_the_account(
    page: Page, log_in, ministry_reviewer_with_device, totp_code
):
    log_in(page, ministry_reviewer_with_device)
    expect(page).to_have_url(re.compile(r"/zwei-faktor/\?next=%2Fkonto%2F$"))

    right = totp_code(ministry_reviewer_with_device)
    page.fill("#id_token", f"{(int(right) + 500_000) % 1_000_000:06d}")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/zwei-faktor/\?next=%2Fkonto%2F$"))
    error = page.locator("main .kern-error")
    expect(error).to_contain_text(german(_("The code is not valid. Wait for the next code and try again.")))
    expect(page.locator("#id_token")).to_have_attribute("aria-invalid", "true")

    # django-otp refuses any code for one second after a wrong one (throttling), even the right one.
    page.wait_for_timeout(1_100)
    page.fill("#id_token", totp_code(ministry_reviewer_with_device))
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/konto/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(german(_("My account")))


def test_commune_search_updates_the_results_without_reloading_the_page(page: Page):
    page.goto("/kommunen/")
    results = page.locator("#ergebnisse")
    first_of_all = results.locator("tbody tr a").first.inner_text()
    # A full page load would drop this marker; htmx swaps only the results region.
    page.evaluate("window.kpSamePage = true")

    page.fill("#id_q", "Bruch")

    expect(results).to_contain_text("Bruchköbel")
    expect(results).not_to_contain_text("Frankfurt")
    expect(results).not_to_contain_text(first_of_all)
    expect(page).to_have_url(re.compile(r"/kommunen/\?(.*&)?q=Bruch(&|$)"))
    assert page.evaluate("window.kpSamePage") is True


def test_skip_link_is_the_first_stop_and_leads_to_the_content(page: Page):
    page.goto("/")

    page.keyboard.press("Tab")

    focused = page.locator(":focus")
    expect(focused).to_have_attribute("href", "#inhalt")
    expect(focused).to_have_text(german(_("Skip to content")))
    expect(focused).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
