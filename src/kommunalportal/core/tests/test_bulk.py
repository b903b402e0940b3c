from datetime import UTC, datetime
from decimal import Decimal

import pytest

from kommunalportal.accounts.models import User
from kommunalportal.core.bulk import update_each
from kommunalportal.organisations.models import Organisation

pytestmark = pytest.mark.django_db


def test_each_row_gets_its_own_values_as_save_would_write_them(registry):
    communes = list(Organisation.objects.filter(key__in=["06435006", "06440020", "06412000"]).order_by("key"))
    district = Organisation.objects.get(key="06435")
    areas = [Decimal("12.34"), Decimal("0.01"), Decimal("248.31")]
    for commune, area in zip(communes, areas, strict=True):
        commune.area_km2, commune.district = area, district
    untouched = {o.pk: o.name for o in Organisation.objects.all()}

    assert update_each(communes, ["area_km2", "district"]) == 3

    stored = {o.pk: o for o in Organisation.objects.filter(pk__in=[c.pk for c in communes])}
    assert [stored[c.pk].area_km2 for c in communes] == areas
    assert {stored[c.pk].district_id for c in communes} == {district.pk}
    assert {o.pk: o.name for o in Organisation.objects.all()} == untouched


def test_times_none_and_booleans_round_trip(registry):
    people = [User.objects.create(username=f"person{n}") for n in range(3)]
    seen = datetime(2020, 9, 14, 10, 30, tzinfo=UTC)
    people[0].last_login, people[1].last_login, people[2].last_login = seen, None, seen
    for person in people:
        person.is_active = person is not people[1]
    update_each(people, ["last_login", "is_active"])
    stored = {p.username: (p.last_login, p.is_active) for p in User.objects.filter(username__startswith="person")}
    assert stored == {"person0": (seen, True), "person1": (None, False), "person2": (seen, True)}


def test_nothing_to_write_is_no_statement(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert update_each([], ["area_km2"]) == 0


def test_one_model_and_plain_columns_only(registry):
    commune = Organisation.objects.get(key="06435006")
    person = User.objects.create(username="someone")
    with pytest.raises(TypeError):
        update_each([commune, person], ["is_active"])
    for field in ("id", "memberships", "groups"):
        owner = person if field == "groups" else commune
        with pytest.raises(ValueError, match=field):
            update_each([owner], [field])
