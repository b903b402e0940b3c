"""Fixtures shared by every test (unit tests beside their app, journeys in tests/).

The real registry of Hessen is loaded once per test database; there is one persona per role.
"""

from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import translation
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from kommunalportal.accounts.models import User
from kommunalportal.accounts.roles import Role
from kommunalportal.accounts.services import grant_membership
from kommunalportal.core.db_triggers import create_append_only_triggers, drop_append_only_triggers
from kommunalportal.organisations.models import Organisation
from kommunalportal.organisations.services import import_registry
from tests.factories import TOTPDeviceFactory, UserFactory

BRUCHKOEBEL = "06435006"
RONNEBURG = "06435024"
LAND = "06"


def registry_paths() -> tuple[Path, Path]:
    data = Path(settings.REGISTRY_DATA_DIR)
    return data / "gemeinden.csv", data / "kreise.csv"


def load_registry() -> None:
    municipalities, districts = registry_paths()
    import_registry(municipalities_path=municipalities, districts_path=districts, actor="test")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database starts with the real registry (448 organisations)."""
    with django_db_blocker.unblock():
        load_registry()


@pytest.fixture
def tasks_run_now(settings):
    """Background tasks run the moment they are queued, in the test's process (the worker's part)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def tasks_in_database(settings):
    """Background tasks are queued in the database as in production (the test settings only record them);
    `manage.py db_worker --batch` runs them. Ask for it after the fixtures whose own tasks the test does
    not count: it applies from the moment it is set up."""
    from kommunalportal.config.settings import base

    settings.TASKS = base.TASKS


@pytest.fixture(autouse=True)
def _portal_language():
    """Every test starts in the portal's language (German), whatever language an earlier request left active."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


def _is_transactional(request: pytest.FixtureRequest) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return (
        "transactional_db" in request.fixturenames
        or "live_server" in request.fixturenames
        or bool(marker and marker.kwargs.get("transaction"))
    )


@pytest.fixture(autouse=True)
def _audit_triggers_allow_flush(request: pytest.FixtureRequest):
    """A transactional test ends by emptying every table, which the audit trail's triggers refuse.

    The triggers are lifted for that flush only and restored at the start of the next such test;
    tests in a rolled-back transaction never need this.
    """
    if not _is_transactional(request):
        yield
        return
    request.getfixturevalue("transactional_db")  # set up first, so that its flush runs after our teardown
    create_append_only_triggers(connection)
    yield
    drop_append_only_triggers(connection)


@pytest.fixture
def registry(db) -> None:
    """The registry, also after a transactional test emptied the tables."""
    if not Organisation.objects.exists():
        load_registry()


@pytest.fixture
def organisation(registry) -> Callable[[str], Organisation]:
    return lambda key: Organisation.objects.get(key=key)


def _person(username: str, role: Role, key: str, *, device: bool = False) -> User:
    user = UserFactory(username=username)
    grant_membership(user=user, organisation=Organisation.objects.get(key=key), role=role, actor="test")
    if device:
        TOTPDeviceFactory(user=user)
    return user


@pytest.fixture
def programme_manager(registry) -> User:
    return _person("programme_manager", Role.PROGRAMME_MANAGER, LAND, device=True)


@pytest.fixture
def reviewer(registry) -> User:
    return _person("reviewer", Role.REVIEWER, LAND, device=True)


@pytest.fixture
def payment_officer(registry) -> User:
    return _person("payment_officer", Role.PAYMENT_OFFICER, LAND, device=True)


@pytest.fixture
def auditor(registry) -> User:
    return _person("auditor", Role.AUDITOR, LAND, device=True)


@pytest.fixture
def municipal_applicant(registry) -> User:
    return _person("municipal_applicant", Role.MUNICIPAL_APPLICANT, BRUCHKOEBEL)


@pytest.fixture
def municipal_signatory(registry) -> User:
    return _person("municipal_signatory", Role.MUNICIPAL_SIGNATORY, BRUCHKOEBEL)


@pytest.fixture
def clerk(registry) -> User:
    return _person("clerk", Role.CLERK, BRUCHKOEBEL)


@pytest.fixture
def service_designer(registry) -> User:
    return _person("service_designer", Role.SERVICE_DESIGNER, BRUCHKOEBEL)


@pytest.fixture
def other_commune_applicant(registry) -> User:
    return _person("other_applicant", Role.MUNICIPAL_APPLICANT, RONNEBURG)


@pytest.fixture
def citizen(db) -> User:
    return UserFactory(username="citizen")


def device_code(device: TOTPDevice) -> str:
    """The code an authenticator app shows now for this device."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift):06d}"


def current_code(user: User) -> str:
    return device_code(TOTPDevice.objects.get(user=user, confirmed=True))


def signed_in(user: User, *, ministry: bool = False) -> Client:
    """A new test client signed in as `user`; with `ministry`, the second factor passed as well."""
    client = Client()
    client.force_login(user)
    if ministry:
        assert client.post("/zwei-faktor/", {"token": current_code(user)}).status_code == 302
    return client


@pytest.fixture
def verified_client(client):
    """A test client signed in with the second factor passed, for ministry personas."""

    def sign_in(user: User):
        client.force_login(user)
        response = client.post("/zwei-faktor/", {"token": current_code(user)})
        assert response.status_code == 302, response.content
        return client

    return sign_in


@pytest.fixture
def requires_postgres(db) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL); the suite runs on SQLite now")
