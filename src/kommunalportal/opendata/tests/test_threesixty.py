"""The 360Giving package: valid against the shipped schemas 1.4.3 (checked offline), with the portal's own
identifiers, and the validation really refuses a broken package."""

import copy
import json
import socket
from decimal import Decimal

import pytest
from django.utils import timezone

from kommunalportal.opendata import threesixty
from kommunalportal.opendata.exports import DATA_LICENCE

from .conftest import FRANKFURT, MAIN_KINZIG
from .test_pages import amount_in_force

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_network(monkeypatch):
    """The schemas are read from the project: any attempt to reach the network fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("the validation tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.fixture
def package(awarded, issued, client):
    response = client.get("/daten/foerderungen/?format=360giving")
    assert response.status_code == 200 and response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="foerderungen-360giving-')
    return json.loads(response.content)


def test_the_shipped_schemas_are_those_of_version_1_4_3():
    grant = json.loads(threesixty.GRANT_SCHEMA.read_text(encoding="utf-8"))
    package = json.loads(threesixty.PACKAGE_SCHEMA.read_text(encoding="utf-8"))
    assert grant["$id"].endswith("/1.4.3/schema/360-giving-schema.json")
    assert package["$id"].endswith("/1.4.3/schema/360-giving-package-schema.json")
    readme = (threesixty.SCHEMA_DIR / "README.md").read_text(encoding="utf-8")
    assert "360Giving Data Standard, © 360Giving, CC BY 4.0" in readme and "1.4.3" in readme


def test_the_export_of_a_realistic_set_is_a_valid_360giving_package(package, awarded, no_network):
    assert threesixty.validate_package(package) == []
    grants = package["grants"]
    assert len(grants) == 4
    assert sum(Decimal(str(g["amountAwarded"])) for g in grants) == sum(
        (amount_in_force(a) for a in awarded), Decimal(0)
    )


def test_the_mapping_of_an_award(package, awarded):
    paid = awarded[0]
    decision = paid.decisions.get()
    grant = next(g for g in package["grants"] if g["recipientOrganization"][0]["id"] == "XX-KPHE-06435006")
    assert grant["id"] == f"XX-KPHE-06-{decision.number}"
    assert grant["title"] == "Digitales Rathaus" and "Digitale Akte (E-Akte)" in grant["description"]
    assert grant["currency"] == "EUR" and grant["amountAwarded"] == 7500
    assert grant["awardDate"] == timezone.localtime(decision.released_at).date().isoformat()
    assert grant["fundingOrganization"] == [{"id": "XX-KPHE-06", "name": "Land Hessen"}]
    recipient = grant["recipientOrganization"][0]
    assert recipient["name"] == "Bruchköbel, Stadt"
    assert recipient["location"][0]["geoCode"] == "06435006" and recipient["location"][0]["geoCodeType"] == "AGS"
    assert grant["beneficiaryLocation"] == recipient["location"]
    assert grant["grantProgramme"][0]["code"] == "SHH" and grant["grantProgramme"][0]["title"] == "Starke Heimat Hessen"
    assert grant["plannedDates"] == [{"startDate": "2020-10-01", "endDate": "2021-09-30"}]
    vocabularies = {c["vocabulary"]: c["code"] for c in grant["classifications"]}
    assert vocabularies["XX-KPHE-measure-category"] == "e-file"
    assert vocabularies["XX-KPHE-call"] == str(paid.call.public_id)
    # A district is identified by its key, too.
    district = next(g for g in package["grants"] if g["recipientOrganization"][0]["id"] == f"XX-KPHE-{MAIN_KINZIG}")
    assert district["beneficiaryLocation"][0]["geoCode"] == MAIN_KINZIG
    frankfurt = next(g for g in package["grants"] if g["recipientOrganization"][0]["id"] == f"XX-KPHE-{FRANKFURT}")
    assert frankfurt["amountAwarded"] == 7499.99


def test_the_package_says_who_publishes_it_under_which_licence_and_that_the_prefix_is_its_own(package):
    assert package["version"] == "1.4"
    assert package["publisher"] == {"identifier": "XX-KPHE-06", "name": "Land Hessen", "website": "http://testserver/"}
    assert package["license"] == DATA_LICENCE.url
    assert package["issued"] == package["modified"][:10]
    assert "XX-KPHE" in package["description"] and "1.4.3" in package["description"]
    assert package["downloadURL"] == "http://testserver/daten/foerderungen/?format=360giving"
    assert package["accessURL"] == "http://testserver/daten/"


def test_the_filter_applies_to_the_package(awarded, client, no_network):
    response = client.get("/daten/foerderungen/?format=360giving&kind=district_free_city")
    package = json.loads(response.content)
    assert [g["recipientOrganization"][0]["id"] for g in package["grants"]] == [f"XX-KPHE-{FRANKFURT}"]
    assert threesixty.validate_package(package) == []


def broken(package, change):
    copy_ = copy.deepcopy(package)
    change(copy_)
    return threesixty.validate_package(copy_)


def _set(path, value):
    def change(package):
        target = package
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (_set(("grants", 0, "amountAwarded"), "7500.00"), "grants/0/amountAwarded"),
        (_set(("grants", 0, "awardDate"), "01.09.2020"), "grants/0/awardDate"),
        (_set(("grants", 0, "currency"), "Euro"), "grants/0/currency"),
        (_set(("grants", 1, "fundingOrganization"), []), "grants/1/fundingOrganization"),
        (_set(("grants", 0, "recipientOrganization", 0, "location", 0, "countryCode"), "DEU"), "grants/0/"),
        (_set(("grants", 0, "plannedDates", 0, "startDate"), "2020-13-01"), "grants/0/plannedDates/0/startDate"),
        (_set(("modified",), "2020-12-01 10:00"), "modified"),
        (_set(("license",), "dl-de by 2.0"), "license"),
        (_set(("version",), "1.4.3"), "version"),
        (_set(("grants",), []), "grants"),
        (lambda p: p["grants"][2].pop("fundingOrganization"), "grants/2"),
        (lambda p: p["grants"].append(copy.deepcopy(p["grants"][0])), "grants"),
    ],
)
def test_a_broken_package_is_refused(package, no_network, change, where):
    errors = broken(package, change)
    assert errors and any(e.startswith(where) for e in errors), errors


def test_a_grant_with_a_date_time_as_award_date_is_valid_too(package):
    assert broken(package, _set(("grants", 0, "awardDate"), "2020-09-01T10:00:00+02:00")) == []
    assert broken(package, _set(("grants", 0, "awardDate"), "2020-09-01T25:00:00+02:00"))


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("2020-09-01T10:00:00+02:00", True),
        ("2020-09-01t10:00:00.123Z", True),
        ("2016-12-31T23:59:60Z", True),  # a leap second
        ("2020-09-01", False),
        ("2020-09-01 10:00:00+02:00", False),
        ("2020-02-30T10:00:00Z", False),
        ("2020-09-01T10:00:00", False),  # no offset
        ("2020-09-01T10:00:00+24:00", False),
        (20200901, True),  # not a string: the type is another keyword's concern
    ],
)
def test_the_date_time_format(value, valid):
    assert threesixty._is_date_time(value) is valid


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("https://www.govdata.de/dl-de/by-2-0", True),
        ("http://testserver/daten/#programm-SHH", True),
        ("urn:uuid:3ef19f3c-5efc-4616-8884-fba4634f8276", True),
        ("/daten/", False),
        ("dl-de by 2.0", False),
        ("", False),
    ],
)
def test_the_uri_format(value, valid):
    assert threesixty._is_uri(value) is valid
