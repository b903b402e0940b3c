"""Browser journeys: Debian's chromium, driven by Playwright, against pytest-django's live server.

One browser serves the whole run; every test gets a fresh context (no cookies) and page. The tests skip
with a reason where chromium or axe-core is missing. Playwright must never download a browser of its own.
"""

import importlib
import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright

from kommunalportal.accounts.models import User
from kommunalportal.accounts.roles import Role
from kommunalportal.accounts.services import create_user, grant_membership
from kommunalportal.organisations.selectors import organisation_by_key
from tests.factories import TEST_PASSWORD

# Playwright's sync API runs an asyncio event loop in the test thread, and Django refuses ORM calls from
# a thread with a running loop (SynchronousOnlyOperation). The tests touch the database only between
# browser steps, never from inside the loop, so that guard does not apply to them.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = shutil.which("chromium")
AXE_SCRIPT = Path(settings.NODE_MODULES) / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# The conformance target of the accessibility statement: WCAG 2.1, levels A and AA (BITV 2.0, EN 301 549).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# How many failing elements of one rule the assertion message names.
AXE_TARGETS_SHOWN = 3

BRUCHKOEBEL = "06435006"
LAND = "06"

E2E_DIR = Path(__file__).resolve().parent


def _missing_tools() -> str:
    if CHROMIUM is None:
        return "chromium is not installed (Debian package `chromium`); the browser tests need it"
    if not AXE_SCRIPT.is_file():
        return f"axe-core is not installed ({AXE_SCRIPT.name} missing; run `npm ci`)"
    return ""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    reason = _missing_tools()
    if not reason:
        return
    for item in items:
        if item.path.is_relative_to(E2E_DIR):
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[Playwright]:
    reason = _missing_tools()
    if reason:
        pytest.skip(reason)
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright_driver: Playwright) -> Iterator[Browser]:
    assert CHROMIUM is not None
    browser = playwright_driver.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def page(browser: Browser, live_server: Any, registry: None) -> Iterator[Page]:
    """A fresh browser tab on the live server, with the registry loaded (a transactional test empties it)."""
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def check_accessibility() -> Callable[[Page], None]:
    """Run axe-core on the page as it is now and fail with every WCAG 2.1 A/AA violation it finds."""

    def check(page: Page) -> None:
        page.add_script_tag(path=str(AXE_SCRIPT))
        violations = page.evaluate(
            """async (tags) => {
                const results = await axe.run(document, {runOnly: {type: "tag", values: tags}});
                return results.violations.map((violation) => ({
                    id: violation.id,
                    impact: violation.impact,
                    help: violation.help,
                    targets: violation.nodes.map((node) => node.target.join(" ")),
                }));
            }""",
            AXE_TAGS,
        )
        lines = [
            f"- {v['id']} ({v['impact']}): {v['help']} [{len(v['targets'])}×: "
            + ", ".join(v["targets"][:AXE_TARGETS_SHOWN])
            + (" …" if len(v["targets"]) > AXE_TARGETS_SHOWN else "")
            + "]"
            for v in violations
        ]
        assert not violations, f"axe-core found violations on {page.url}:\n" + "\n".join(lines)

    return check


def _person(username: str, first_name: str, last_name: str, role: Role, key: str) -> User:
    organisation = organisation_by_key(key)
    assert organisation is not None, f"the registry has no organisation {key}"
    user = create_user(
        username=username, password=TEST_PASSWORD, actor="test",
        email=f"{username}@kommunalportal.invalid", first_name=first_name, last_name=last_name,
    )  # fmt: skip
    grant_membership(user=user, organisation=organisation, role=role, actor="test")
    return user


@pytest.fixture
def commune_applicant(registry: None) -> User:
    """Applies for grants on behalf of Bruchköbel; signs in with a password only."""
    return _person("antrag.bruchkoebel", "Anna", "Antragstellerin", Role.MUNICIPAL_APPLICANT, BRUCHKOEBEL)


@pytest.fixture
def ministry_reviewer(registry: None) -> User:
    """A reviewer in the ministry who has not set up an authenticator app yet."""
    return _person("pruefung", "Jonas", "Becker", Role.REVIEWER, LAND)


@pytest.fixture
def ministry_reviewer_with_device(ministry_reviewer: User) -> User:
    """A reviewer in the ministry with a confirmed authenticator app."""
    TOTPDevice.objects.create(user=ministry_reviewer, name="Authenticator", confirmed=True)
    return ministry_reviewer


@pytest.fixture
def totp_code() -> Callable[[User], str]:
    """The code the user's authenticator app shows now."""

    def code(user: User) -> str:
        device = TOTPDevice.objects.get(user=user, confirmed=True)
        value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
        return f"{value:0{device.digits}d}"

    return code


@pytest.fixture
def log_in() -> Callable[..., None]:
    """Sign in through the real login form, as django-axes watches every attempt there."""

    def submit(page: Page, user: User, password: str = TEST_PASSWORD) -> None:
        page.goto("/anmelden/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", password)
        with page.expect_navigation():
            page.click("main form button[type=submit]")

    return submit


@pytest.fixture(autouse=True)
def measure_categories(registry: None) -> None:
    """The categories of measures, which a migration adds and the flush after every browser test empties."""
    migration = importlib.import_module("kommunalportal.grants.migrations.0002_measure_categories")
    migration.add_categories(django_apps, None)


@pytest.fixture
def log_in_with_code(log_in, totp_code) -> Callable[[Page, User], None]:
    """Sign in as ministry staff: password, then the code of the authenticator app."""

    def submit(page: Page, user: User) -> None:
        log_in(page, user)
        expect(page).to_have_url(re.compile(r"/zwei-faktor/\?"))
        page.fill("#id_token", totp_code(user))
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        expect(page).to_have_url(re.compile(r"/konto/$"))

    return submit
