"""axe-core on every page a visitor or member of staff reaches so far (WCAG 2.1 A and AA)."""

import re

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from kommunalportal.organisations.forms import CommuneFilterForm

pytestmark = pytest.mark.e2e


def german(message: object) -> str:
    with translation.override("de"):
        return str(message)


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/", id="home"),
        pytest.param("/kommunen/", id="communes"),
        pytest.param("/kommunen/?district=06435", id="communes-of-a-district"),
        pytest.param("/kommunen/06435006/", id="town"),
        pytest.param("/kommunen/06435/", id="district"),
        pytest.param("/impressum/", id="imprint"),
        pytest.param("/barrierefreiheit/", id="accessibility-statement"),
        pytest.param("/datenschutz/", id="privacy"),
        pytest.param("/anmelden/", id="login"),
        pytest.param("/passwort/vergessen/", id="password-reset"),
        pytest.param("/daten/", id="open-data"),
        pytest.param("/daten/foerderungen/", id="open-data-awards"),
    ],
)
def test_public_page_is_german_and_accessible(page: Page, check_accessibility, path):
    response = page.goto(path)
    assert response is not None and response.ok, f"{path} answered {response and response.status}"
    expect(page.locator("html")).to_have_attribute("lang", "de")
    check_accessibility(page)


def test_invalid_filter_shows_an_accessible_german_error(page: Page, check_accessibility):
    page.goto("/kommunen/?size=zzz")
    message = german(CommuneFilterForm.base_fields["size"].error_messages["invalid_choice"])
    expect(page.locator("#ergebnisse [role=alert]")).to_contain_text(message)
    check_accessibility(page)


def test_unknown_page_is_an_accessible_404(page: Page, check_accessibility):
    response = page.goto("/gibt-es-nicht/")
    assert response is not None and response.status == 404
    expect(page.locator("html")).to_have_attribute("lang", "de")
    check_accessibility(page)


def test_failed_login_shows_an_accessible_error(page: Page, check_accessibility, log_in, commune_applicant):
    log_in(page, commune_applicant, password="falsches-Passwort-123")
    expect(page).to_have_url(re.compile(r"/anmelden/$"))
    expect(page.locator("main [role=alert]")).to_be_visible()
    check_accessibility(page)


def test_account_page_of_a_commune_user_is_accessible(page: Page, check_accessibility, log_in, commune_applicant):
    log_in(page, commune_applicant)
    expect(page).to_have_url(re.compile(r"/konto/$"))
    check_accessibility(page)


def test_two_factor_setup_is_accessible(page: Page, check_accessibility, log_in, ministry_reviewer):
    log_in(page, ministry_reviewer)
    expect(page).to_have_url(re.compile(r"/zwei-faktor/einrichten/"))
    expect(page.locator(".kp-qr svg")).to_be_visible()
    check_accessibility(page)


def test_two_factor_verification_is_accessible(page: Page, check_accessibility, log_in, ministry_reviewer_with_device):
    log_in(page, ministry_reviewer_with_device)
    expect(page).to_have_url(re.compile(r"/zwei-faktor/\?"))
    check_accessibility(page)


def test_english_home_page_is_accessible(page: Page, check_accessibility):
    page.goto("/")
    with page.expect_navigation():
        page.click("header form.kp-language button[value=en]")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("header form.kp-language button[value=de]")).to_have_attribute("lang", "de")
    check_accessibility(page)
