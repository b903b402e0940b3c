"""The demo, loaded once for every test in this folder (loading it takes half a minute)."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from conftest import load_registry
from kommunalportal.grants.models import MeasureCategory
from kommunalportal.grants.tests.conftest import reference_data
from kommunalportal.organisations.models import Organisation


@pytest.fixture(scope="package")
def demo(django_db_setup, django_db_blocker):
    """The demo, loaded once for the tests of this folder and rolled back after them; it returns what
    `load_demo` printed. Each test runs in a savepoint inside, so what one test does is undone for the next."""
    out = io.StringIO()
    with django_db_blocker.unblock(), transaction.atomic():
        # The registry and the seeded reference data, also after a transactional test emptied the tables.
        if not Organisation.objects.exists():
            load_registry()
        if not MeasureCategory.objects.exists():
            reference_data()
        with override_settings(DEBUG=True):
            call_command("load_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)
