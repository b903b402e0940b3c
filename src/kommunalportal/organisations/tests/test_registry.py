import csv
import io
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum

from conftest import registry_paths
from kommunalportal.core.models import AuditEvent
from kommunalportal.organisations.models import COMMUNE_KINDS, MUNICIPAL_KINDS, Organisation, OrganisationKind
from kommunalportal.organisations.registry import RegistryFileError
from kommunalportal.organisations.services import import_registry

pytestmark = pytest.mark.django_db


def test_registry_holds_every_commune_of_hessen(registry):
    communes = Organisation.objects.filter(kind__in=COMMUNE_KINDS, is_active=True)
    municipalities = communes.filter(kind__in=MUNICIPAL_KINDS)
    assert municipalities.count() == 422
    assert communes.filter(kind=OrganisationKind.DISTRICT_FREE_CITY).count() == 5
    assert communes.filter(kind=OrganisationKind.DISTRICT).count() == 21
    assert communes.count() == 443
    assert municipalities.aggregate(total=Sum("population"))["total"] == 6_288_080


def test_unincorporated_areas_are_kept_but_cannot_apply(registry):
    areas = Organisation.objects.filter(kind=OrganisationKind.UNINCORPORATED_AREA)
    assert areas.count() == 4
    assert not any(area.is_commune for area in areas)
    assert {a.short_name for a in areas} == {
        "Michelbuch",
        "Gutsbezirk Spessart",
        "Gutsbezirk Reinhardswald",
        "Gutsbezirk Kaufunger Wald",
    }


def test_the_state_is_an_organisation_with_the_whole_population(registry):
    land = Organisation.objects.get(key="06")
    assert land.is_land and not land.is_commune
    assert land.population == 6_288_080


def test_municipalities_know_their_district_and_keys(registry):
    bruchkoebel = Organisation.objects.get(key="06435006")
    assert bruchkoebel.kind == OrganisationKind.TOWN
    assert bruchkoebel.short_name == "Bruchköbel"
    assert bruchkoebel.ars == "064350006006"
    assert bruchkoebel.district.name == "Main-Kinzig-Kreis"
    assert bruchkoebel.administrative_region == "Darmstadt"
    assert str(bruchkoebel.population_on) == "2019-12-31"
    frankfurt = Organisation.objects.get(key="06412000")
    assert frankfurt.kind == OrganisationKind.DISTRICT_FREE_CITY and frankfurt.district is None


def test_loading_again_changes_nothing(registry):
    events = AuditEvent.objects.count()
    stamps = dict(Organisation.objects.values_list("key", "updated_at"))
    municipalities, districts = registry_paths()
    report = import_registry(municipalities_path=municipalities, districts_path=districts, actor="test")
    assert not report.has_changes
    assert report.unchanged == 448
    assert AuditEvent.objects.count() == events
    assert dict(Organisation.objects.values_list("key", "updated_at")) == stamps


def _rewrite(source: Path, target: Path, change) -> Path:
    """Copy a registry CSV with `change(rows)` applied to its list of dict rows."""
    with source.open(encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        fields, rows = reader.fieldnames, list(reader)
    rows = change(rows)
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    return target


def _set(rows, key, **values):
    for row in rows:
        if row["ags"] == key:
            row.update(values)
    return rows


def test_a_changed_population_is_reported_and_audited(registry, tmp_path):
    municipalities, districts = registry_paths()
    changed = _rewrite(
        municipalities,
        tmp_path / "gemeinden.csv",
        lambda rows: _set(rows, "06435024", population="3500", population_male="1750", population_female="1750"),
    )
    report = import_registry(municipalities_path=changed, districts_path=districts, actor="test")
    # The state's total follows its municipalities.
    assert report.changed == {"06": ["population"], "06435024": ["population"]}
    assert not report.created and not report.vanished
    assert Organisation.objects.get(key="06435024").population == 3500
    event = AuditEvent.objects.filter(action="organisations.organisation.changed").order_by("sequence").last()
    assert event.object_id == str(Organisation.objects.get(key="06435024").pk)
    assert event.before == {"population": 3434}
    assert event.after == {"population": 3500}


def test_a_vanished_area_is_kept_and_marked_inactive(registry, tmp_path):
    municipalities, districts = registry_paths()
    without = _rewrite(
        municipalities, tmp_path / "gemeinden.csv", lambda rows: [r for r in rows if r["ags"] != "06431200"]
    )
    report = import_registry(municipalities_path=without, districts_path=districts, actor="test")
    assert report.vanished == ["06431200"]
    assert Organisation.objects.get(key="06431200").is_active is False
    # It comes back when the official data has it again.
    report = import_registry(municipalities_path=municipalities, districts_path=districts, actor="test")
    assert report.changed == {"06": ["area_km2"], "06431200": ["is_active"]}


MALFORMED = [
    ("bad key", lambda rows: _set(rows, "06435006", ags="6435006"), "Zeile 84"),
    ("not a number", lambda rows: _set(rows, "06435006", population="20.471"), "keine ganze Zahl"),
    ("men and women", lambda rows: _set(rows, "06435006", population_male="1"), "Zeile 84"),
    ("outside Hessen", lambda rows: _set(rows, "06435006", longitude="13.4"), "plausiblen Bereich"),
    ("unknown kind", lambda rows: _set(rows, "06435006", kind="Dorf"), "Dorf"),
    ("duplicate key", lambda rows: [*rows, dict(rows[200])], "mehr als einmal"),
]


@pytest.mark.parametrize(("case", "change", "message"), MALFORMED, ids=[c[0] for c in MALFORMED])
def test_a_malformed_file_is_rejected_whole_with_line_numbers(registry, tmp_path, case, change, message):
    municipalities, districts = registry_paths()

    def valid_change_then_defect(rows):
        # The first row changes validly; the defect further down must keep that change out too.
        _set(rows, rows[0]["ags"], population_male="1", population_female=str(int(rows[0]["population"]) - 1))
        return change(rows)

    broken = _rewrite(municipalities, tmp_path / "gemeinden.csv", valid_change_then_defect)
    before = list(Organisation.objects.order_by("key").values())
    events = AuditEvent.objects.count()
    with pytest.raises(RegistryFileError) as caught:
        import_registry(municipalities_path=broken, districts_path=districts, actor="test")
    assert any(message in problem for problem in caught.value.problems), caught.value.problems
    assert list(Organisation.objects.order_by("key").values()) == before
    assert AuditEvent.objects.count() == events


def test_a_wrong_header_is_named(registry, tmp_path):
    municipalities, districts = registry_paths()
    broken = tmp_path / "gemeinden.csv"
    broken.write_text(municipalities.read_text(encoding="utf-8").replace("ags,ars,", "key,ars,", 1), encoding="utf-8")
    with pytest.raises(RegistryFileError) as caught:
        import_registry(municipalities_path=broken, districts_path=districts, actor="test")
    assert caught.value.problems == ["Zeile 1: falsche Kopfzeile (fehlt: ags; unerwartet: key)"]


def test_a_district_count_that_does_not_match_is_rejected(registry, tmp_path):
    municipalities, districts = registry_paths()
    broken = tmp_path / "kreise.csv"
    broken.write_text(
        districts.read_text(encoding="utf-8").replace(
            "Main-Kinzig-Kreis,Landkreis,Darmstadt,29,", "Main-Kinzig-Kreis,Landkreis,Darmstadt,28,"
        ),
        encoding="utf-8",
    )
    with pytest.raises(RegistryFileError) as caught:
        import_registry(municipalities_path=municipalities, districts_path=broken, actor="test")
    assert "06435" in caught.value.problems[0]


def test_the_command_reports_problems_and_loads_nothing(registry, tmp_path):
    municipalities, districts = registry_paths()
    broken = _rewrite(municipalities, tmp_path / "gemeinden.csv", lambda rows: _set(rows, "06412000", population="x"))
    stderr = io.StringIO()
    with pytest.raises(CommandError, match="nothing was loaded"):
        call_command("load_registry", municipalities=broken, districts=districts, stderr=stderr)
    assert "Zeile 3" in stderr.getvalue()


def test_the_command_reports_what_changed(registry, tmp_path):
    municipalities, districts = registry_paths()
    shutil.copy(districts, tmp_path / "kreise.csv")
    changed = _rewrite(
        municipalities, tmp_path / "gemeinden.csv", lambda rows: _set(rows, "06412000", postcode="60312")
    )
    stdout = io.StringIO()
    call_command("load_registry", municipalities=changed, districts=tmp_path / "kreise.csv", stdout=stdout)
    assert "06412000 (postcode)" in stdout.getvalue()
    assert "1 changed" in stdout.getvalue()
