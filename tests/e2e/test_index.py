"""The digitalisation index in the browser: the public page with its charts and tables, and a commune filling
in its self-assessment (draft, a refused incomplete submission, the submission), with axe-core on each."""

import importlib
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from playwright.sync_api import Page, expect

from kommunalportal.accounts.models import User
from kommunalportal.accounts.roles import Role
from kommunalportal.core import clock
from kommunalportal.monitor.models import Questionnaire, Response, ResponseStatus
from kommunalportal.monitor.questionnaire import questions_of, submit_response
from kommunalportal.organisations.selectors import organisation_by_key

from .conftest import _person
from .pages import button

pytestmark = pytest.mark.e2e

SEEDED = importlib.import_module("kommunalportal.monitor.migrations.0002_questionnaires_2020_to_2024")
BRUCHKOEBEL = "06435006"


@pytest.fixture(autouse=True)
def questionnaires(registry: None) -> None:
    """The questionnaires 2020–2024, which a migration adds and the flush after every browser test empties."""
    SEEDED.add_questionnaires(django_apps, None)


def answers(questionnaire: Questionnaire, share: Decimal) -> dict[str, Decimal | None]:
    """Every question answered at about `share` (0 to 1) of its range."""
    values: dict[str, Decimal | None] = {}
    for question in questions_of(questionnaire):
        if question.kind == "yes_no":
            values[question.code] = Decimal(1 if share >= Decimal("0.5") else 0)
        elif question.kind == "scale":
            values[question.code] = (4 * share).quantize(Decimal(1))
        else:
            values[question.code] = (Decimal(100) * share).quantize(Decimal(1))
    return values


def test_the_index_page_is_accessible(page: Page, check_accessibility: Callable[[Page], None]) -> None:
    for key, share in (("06412000", Decimal("0.8")), (BRUCHKOEBEL, Decimal("0.5")), ("06435024", Decimal("0.2"))):
        commune = organisation_by_key(key)
        signatory = _person(f"zeichnung.{key}", "Bernd", "Zeichnung", Role.MUNICIPAL_SIGNATORY, key)
        for year in (2023, 2024):
            questionnaire = Questionnaire.objects.get(year=year)
            with clock.replaying(timezone.make_aware(datetime(year, 10, 20, 10))):
                submit_response(
                    questionnaire=questionnaire, organisation=commune, actor=signatory,
                    values=answers(questionnaire, share + Decimal("0.1") * (year - 2023)),
                )  # fmt: skip
    response = page.goto("/monitor/index/")
    assert response is not None and response.ok
    expect(page.locator("svg[role=img]")).to_have_count(4)
    expect(page.locator("#kommunen-tabelle tbody tr")).to_have_count(3)
    check_accessibility(page)

    page.goto("/monitor/index/?jahr=2024&sortierung=-index")
    expect(page.locator("#kommunen-tabelle tbody tr").first).to_have_attribute("data-key", "06412000")
    expect(page.locator("#kommunen-tabelle th[aria-sort=descending]")).to_have_count(1)
    check_accessibility(page)

    page.goto("/monitor/index/?jahr=1999")
    expect(page.locator("main form [role=alert]")).to_be_visible()
    check_accessibility(page)


def test_a_commune_fills_in_and_submits_its_self_assessment(
    page: Page, check_accessibility: Callable[[Page], None], log_in, commune_applicant: User
) -> None:
    today = timezone.localdate()
    opens_on, closes_on = today - timedelta(days=3), today + timedelta(days=30)
    Questionnaire.objects.filter(year=2024).update(opens_on=opens_on, closes_on=closes_on)
    log_in(page, commune_applicant)
    page.goto("/monitor/index/fragebogen/")
    expect(page.locator('tr[data-year="2024"] [data-status]')).to_have_attribute("data-status", "none")
    check_accessibility(page)

    page.goto("/monitor/index/fragebogen/2024/")
    expect(page.locator("form fieldset")).to_have_count(7)  # yes/no and scale questions as radio groups
    check_accessibility(page)

    # A draft with two answers.
    page.check("#id_frage-e-akte_2")
    page.fill("#id_frage-ozg-online", "37,5")
    with page.expect_navigation():
        button(page, _("Save draft")).click()
    expect(page.locator("#stand")).to_have_attribute("data-status", "draft")
    expect(page.locator("#id_frage-ozg-online")).to_have_value("37,5")
    check_accessibility(page)

    # Submitting with open questions: an error summary that links to each of them.
    with page.expect_navigation():
        button(page, _("Submit the self-assessment")).click()
    expect(page.locator("#fehler")).to_be_visible()
    expect(page.locator("#fehler a")).to_have_count(8)
    check_accessibility(page)

    for code in ("strategie", "zustaendigkeit", "barrierefreiheit"):
        page.check(f"#id_frage-{code}_0")  # yes
    for code in ("fachverfahren", "arbeitsplaetze", "serviceportal"):
        page.check(f"#id_frage-{code}_3")
    page.fill("#id_frage-schulung", "20")
    page.fill("#id_frage-mobiles-arbeiten", "65")
    with page.expect_navigation():
        button(page, _("Submit the self-assessment")).click()
    expect(page).to_have_url(re.compile(rf"/monitor/index/fragebogen/2024/{BRUCHKOEBEL}/$"))
    expect(page.locator("#stand")).to_have_attribute("data-status", "submitted")
    expect(page.locator("#antworten tbody tr")).to_have_count(10)
    check_accessibility(page)

    response = Response.objects.get(organisation__key=BRUCHKOEBEL, questionnaire__year=2024)
    assert response.status == ResponseStatus.SUBMITTED and response.submitted_by == commune_applicant
    assert dict(response.answers.values_list("question__code", "value"))["ozg-online"] == Decimal("37.5")


MANAGE = "/monitor/index/fragebogen/verwaltung/"


@pytest.fixture
def questionnaire_manager(registry: None) -> User:
    """A programme manager with a confirmed authenticator app: the one who maintains the questionnaires."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from .conftest import LAND

    user = _person("programm", "Petra", "Programm", Role.PROGRAMME_MANAGER, LAND)
    TOTPDevice.objects.create(user=user, name="Authenticator", confirmed=True)
    return user


def test_the_questionnaire_management_is_accessible(
    page: Page, check_accessibility: Callable[[Page], None], log_in_with_code, questionnaire_manager: User
) -> None:
    log_in_with_code(page, questionnaire_manager)
    page.goto("/monitor/index/fragebogen/")
    with page.expect_navigation():
        page.click("#fragebogen-verwaltung")
    expect(page).to_have_url(re.compile(re.escape(MANAGE) + "$"))
    for path in (
        "", "neu/", "2024/", "2024/bearbeiten/", "2024/fragen/neu/", "2024/fragen/ozg-online/",
        "2024/fragen/strategie/loeschen/",
    ):  # fmt: skip
        page.goto(MANAGE + path)
        expect(page.locator("h1")).to_be_visible()
        check_accessibility(page)
    # The errors of a form: a year that exists, a number question without bounds.
    page.goto(MANAGE + "neu/")
    page.fill("#id_year", "2024")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    expect(page.locator("#fehler")).to_be_visible()
    check_accessibility(page)
    page.goto(MANAGE + "2024/fragen/neu/")
    page.select_option("#id_kind", "number")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    expect(page.locator("#fehler")).to_be_visible()
    check_accessibility(page)
