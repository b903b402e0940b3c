"""The awards as a 360Giving Data Standard package (version 1.4.3), and its validation against the schemas
shipped in `schemas/`, offline.

Identifiers: German communes have no list on the org-id.guide register, so the portal defines its own
prefix, ORG_ID_PREFIX, followed by the official key (AGS for a municipality, the district key for a district,
"06" for the state). It is not a registered prefix; the package says so in its description, and
docs/open-data.md explains the scheme and the whole mapping.
"""

import json
import re
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.utils import timezone
from django.utils.translation import gettext as _
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from kommunalportal.grants.models import FinancingType
from kommunalportal.organisations.models import Organisation

from .exports import DATA_LICENCE, json_amount
from .selectors import PublicAward

STANDARD_VERSION = "1.4.3"
PACKAGE_VERSION = "1.4"  # the package schema asks for major.minor
ORG_ID_PREFIX = "XX-KPHE"  # project-defined, not registered: see the module's docstring
GEO_CODE_TYPE = "AGS"  # Amtlicher Gemeindeschlüssel; not one of the (British) codes of the 360Giving codelist
VOCABULARY_CATEGORY = f"{ORG_ID_PREFIX}-measure-category"
VOCABULARY_CALL = f"{ORG_ID_PREFIX}-call"
VOCABULARY_FINANCING = f"{ORG_ID_PREFIX}-financing-type"

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
PACKAGE_SCHEMA = SCHEMA_DIR / "360-giving-package-schema.json"
GRANT_SCHEMA = SCHEMA_DIR / "360-giving-schema.json"


def organisation_id(organisation: Organisation) -> str:
    return f"{ORG_ID_PREFIX}-{organisation.key}"


def grant_id(funder: Organisation, award: PublicAward) -> str:
    """The funder's identifier and the number of the grant decision (the application's reference if the
    decision has none), e.g. XX-KPHE-06-ZB-2020-0001."""
    return f"{organisation_id(funder)}-{award.number or award.application.reference}"


def location(organisation: Organisation) -> dict[str, Any]:
    place: dict[str, Any] = {
        "name": organisation.short_name,
        "countryCode": "DE",
        "geoCode": organisation.key,
        "geoCodeType": GEO_CODE_TYPE,
    }
    if organisation.latitude is not None and organisation.longitude is not None:
        # Coordinates, not money: a float is their natural JSON form.
        place["latitude"] = float(organisation.latitude)
        place["longitude"] = float(organisation.longitude)
    return place


def grant(award: PublicAward, *, funder: Organisation, programme_url: str) -> dict[str, Any]:
    """One award as a 360Giving grant."""
    organisation, call, programme = award.organisation, award.call, award.programme
    names = ", ".join(c.name for c in award.categories)
    place = location(organisation)
    data: dict[str, Any] = {
        "id": grant_id(funder, award),
        "title": award.title,
        "description": f"{award.title} ({names})" if names else award.title,
        "currency": "EUR",
        "amountAwarded": json_amount(award.amount),
        "awardDate": award.awarded_on.isoformat(),
        "recipientOrganization": [
            {"id": organisation_id(organisation), "name": organisation.name, "location": [place]}
        ],
        "beneficiaryLocation": [place],
        "fundingOrganization": [{"id": organisation_id(funder), "name": funder.name}],
        "grantProgramme": [{"code": programme.code, "title": programme.name, "url": programme_url}],
        # Every award comes from a published call for applications.
        "fromOpenCall": "Yes",
        "classifications": [
            *({"vocabulary": VOCABULARY_CATEGORY, "code": c.code, "title": c.name} for c in award.categories),
            {"vocabulary": VOCABULARY_CALL, "code": str(call.public_id), "title": call.name},
            {
                "vocabulary": VOCABULARY_FINANCING,
                "code": call.financing_type,
                "title": str(FinancingType(call.financing_type).label),
            },
        ],
    }
    if award.planned_from and award.planned_to:
        data["plannedDates"] = [{"startDate": award.planned_from.isoformat(), "endDate": award.planned_to.isoformat()}]
    return data


def package(
    awards: list[PublicAward],
    *,
    funder: Organisation,
    access_url: str,
    download_url: str,
    website: str,
    now: datetime | None = None,
) -> dict[str, Any]:
    """A 360Giving package of the awards with its metadata: publisher, licence, date of issue, and the note
    that the identifiers' prefix is the portal's own."""
    moment = timezone.localtime(now or timezone.now())
    return {
        "version": PACKAGE_VERSION,
        "title": _("Grants of the State of Hesse to its communes (Kommunalportal), %(date)s")
        % {"date": moment.date().isoformat()},
        "description": _(
            "Awards made in the published calls of the state's programmes for communes. 360Giving Data "
            "Standard %(version)s. The identifiers use the prefix %(prefix)s, which the Kommunalportal Hessen "
            "defines itself: it is not a registered org-id.guide prefix, as there is none for German communes. "
            "After it comes the official key (Amtlicher Gemeindeschlüssel) of the commune or the state, and "
            "for a grant the number of its grant decision. The data contains no personal data."
        )
        % {"version": STANDARD_VERSION, "prefix": ORG_ID_PREFIX},
        "identifier": f"{organisation_id(funder)}-awards-{moment.date().isoformat()}",
        "issued": moment.date().isoformat(),
        "modified": moment.isoformat(timespec="seconds"),
        "publisher": {"identifier": organisation_id(funder), "name": funder.name, "website": website},
        "license": DATA_LICENCE.url,
        "accessURL": access_url,
        "downloadURL": download_url,
        "grants": [grant(a, funder=funder, programme_url=f"{access_url}#programm-{a.programme.code}") for a in awards],
    }


def as_json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")


# Validation, offline

# RFC 3339 date-time, as JSON Schema's "date-time" format means it.
_DATE_TIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$", re.ASCII)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*$")


def _is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True  # formats apply to strings only
    match = _DATE_TIME.match(value)
    if not match:
        return False
    year, month, day, hour, minute, second = (int(match.group(i)) for i in range(1, 7))
    try:
        # A leap second (60) is allowed by RFC 3339; datetime knows none, so it is checked as 59.
        datetime(year, month, day, hour, minute, min(second, 59))  # a check, not a moment
    except ValueError:
        return False
    offset = match.group(8)
    return offset in ("Z", "z") or (int(offset[1:3]) <= 23 and int(offset[4:6]) <= 59)


def _is_uri(value: object) -> bool:
    """An absolute URI (RFC 3986): a scheme, no spaces."""
    if not isinstance(value, str):
        return True
    if not value or any(c.isspace() for c in value):
        return False
    parts = urlsplit(value)
    return bool(_SCHEME.match(parts.scheme)) and bool(parts.netloc or parts.path)


@cache
def _validator() -> Any:
    from jsonschema import Draft202012Validator, FormatChecker  # type: ignore[import-untyped]  # no type hints

    package_schema = json.loads(PACKAGE_SCHEMA.read_text(encoding="utf-8"))
    grant_schema = json.loads(GRANT_SCHEMA.read_text(encoding="utf-8"))
    # The files say "$schema": "http://json-schema.org/draft/2020-12/schema" (not the official https URI),
    # so the dialect is given here. The package schema names the grant schema by a URL of its own (the 1.4.3
    # release still points at the 1.4.2 path): both that URL and the grant schema's $id resolve to the copy.
    resource = DRAFT202012.create_resource(grant_schema)
    urls = {grant_schema["$id"], package_schema["properties"]["grants"]["items"]["$ref"]}
    registry: Registry[Any] = Registry().with_resources((url, resource) for url in urls)
    # A date is "a date-time or YYYY-MM-DD" (oneOf): without a real date-time check a plain date would match
    # both branches and fail; the optional packages that check these formats are not installed.
    checker = FormatChecker()
    checker.checks("date-time")(_is_date_time)
    checker.checks("uri")(_is_uri)
    return Draft202012Validator(package_schema, registry=registry, format_checker=checker)


def validate_package(data: dict[str, Any]) -> list[str]:
    """Every way the package departs from the 360Giving schemas, as "path: message"; empty when valid."""
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '(package)'}: {error.message}"
        for error in sorted(_validator().iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    ]
