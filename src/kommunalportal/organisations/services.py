"""Writes to the registry of organisations."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction

from kommunalportal.core.audit import record_event, snapshot

from .models import Organisation, OrganisationKind
from .registry import DistrictRecord, MunicipalityRecord, parse_districts, parse_municipalities

# The fields the official data determines; anything else on an organisation is the portal's own.
REGISTRY_FIELDS = (
    "ars", "kind", "name", "short_name", "district_id", "administrative_region", "population",
    "population_on", "area_km2", "postcode", "longitude", "latitude", "settlement_density", "is_active",
)  # fmt: skip
LAND_KEY = "06"
LAND_NAME = "Land Hessen"
# The reference date of the population figures in the shipped GV-ISys extract.
DEFAULT_POPULATION_ON = date(2019, 12, 31)


@dataclass
class RegistryImportReport:
    created: list[str] = field(default_factory=list)
    changed: dict[str, list[str]] = field(default_factory=dict)
    vanished: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def has_changes(self) -> bool:
        return bool(self.created or self.changed or self.vanished)


def _short_name(official: str) -> str:
    # "Frankfurt am Main, Stadt" -> "Frankfurt am Main"; the designation after the comma is kept in `name`.
    return official.split(",")[0].strip()


def _district_values(record: DistrictRecord, population_on: date) -> dict[str, Any]:
    return {
        "ars": record.key + "0000000",
        "kind": OrganisationKind.DISTRICT,
        "name": record.name,
        "short_name": _short_name(record.name),
        "district_id": None,
        "administrative_region": record.administrative_region,
        "population": record.population,
        "population_on": population_on,
        "area_km2": record.area_km2,
        "postcode": "",
        "longitude": None,
        "latitude": None,
        "settlement_density": "",
        "is_active": True,
    }


def _municipality_values(record: MunicipalityRecord, district_id: int | None, population_on: date) -> dict[str, Any]:
    return {
        "ars": record.ars,
        "kind": record.kind,
        "name": record.name,
        "short_name": _short_name(record.name),
        "district_id": district_id,
        "administrative_region": record.administrative_region,
        "population": record.population,
        "population_on": population_on,
        "area_km2": record.area_km2,
        "postcode": record.postcode,
        "longitude": record.longitude,
        "latitude": record.latitude,
        "settlement_density": record.settlement_density,
        "is_active": True,
    }


def _normalise(name: str, value: Any) -> Any:
    # Decimals compare by value, so 4.9 and 4.90 are the same figure.
    return value.normalize() if isinstance(value, Decimal) else value


def _apply(
    *, key: str, values: dict[str, Any], existing: dict[str, Organisation], actor: Any, report: RegistryImportReport
) -> Organisation:
    organisation = existing.get(key)
    if organisation is None:
        organisation = Organisation.objects.create(key=key, **values)
        existing[key] = organisation
        report.created.append(key)
        record_event(
            actor=actor, action="organisations.organisation.created", obj=organisation,
            after=snapshot(organisation, ("key", *REGISTRY_FIELDS)),
        )  # fmt: skip
        return organisation
    differing = [
        name
        for name, value in values.items()
        if _normalise(name, getattr(organisation, name)) != _normalise(name, value)
    ]
    if not differing:
        report.unchanged += 1
        return organisation
    before = snapshot(organisation, differing)
    for name in differing:
        setattr(organisation, name, values[name])
    organisation.save(update_fields=[*differing, "updated_at"])
    report.changed[key] = differing
    record_event(
        actor=actor, action="organisations.organisation.changed", obj=organisation,
        before=before, after=snapshot(organisation, differing),
    )  # fmt: skip
    return organisation


@transaction.atomic
def import_registry(
    *, municipalities_path: Path, districts_path: Path, actor: Any, population_on: date = DEFAULT_POPULATION_ON
) -> RegistryImportReport:
    """Load or update the state, its districts and municipalities from the official files, all or nothing."""
    municipalities = parse_municipalities(municipalities_path)
    districts = parse_districts(districts_path, municipalities)
    report = RegistryImportReport()
    existing = {o.key: o for o in Organisation.objects.select_for_update()}

    total_population = sum(m.population for m in municipalities)
    total_area = sum((m.area_km2 for m in municipalities), Decimal(0))
    land_values = {
        **dict.fromkeys(("ars", "postcode", "settlement_density"), ""),
        "kind": OrganisationKind.LAND, "name": LAND_NAME, "short_name": LAND_NAME, "district_id": None,
        "administrative_region": "", "population": total_population, "population_on": population_on,
        "area_km2": total_area, "longitude": None, "latitude": None, "is_active": True,
    }  # fmt: skip
    _apply(key=LAND_KEY, values=land_values, existing=existing, actor=actor, report=report)

    district_ids: dict[str, int] = {}
    for district in districts:
        # A district-free city is one organisation: its municipality row below carries it.
        if district.kind == OrganisationKind.DISTRICT:
            organisation = _apply(
                key=district.key, values=_district_values(district, population_on),
                existing=existing, actor=actor, report=report,
            )  # fmt: skip
            district_ids[district.key] = organisation.pk
    for municipality in municipalities:
        values = _municipality_values(municipality, district_ids.get(municipality.district_key), population_on)
        _apply(key=municipality.ags, values=values, existing=existing, actor=actor, report=report)

    in_file = {LAND_KEY, *district_ids, *(m.ags for m in municipalities)}
    for key, organisation in sorted(existing.items()):
        if key not in in_file and organisation.is_active:
            organisation.is_active = False
            organisation.save(update_fields=["is_active", "updated_at"])
            report.vanished.append(key)
            record_event(
                actor=actor, action="organisations.organisation.vanished", obj=organisation,
                before={"is_active": True}, after={"is_active": False},
            )  # fmt: skip
    if report.has_changes:
        record_event(
            actor=actor, action="organisations.registry.imported", object_type="organisations.registry",
            object_repr=f"{municipalities_path.name}, {districts_path.name}",
            after={"created": len(report.created), "changed": len(report.changed), "vanished": len(report.vanished),
                   "unchanged": report.unchanged},
        )  # fmt: skip
    return report
