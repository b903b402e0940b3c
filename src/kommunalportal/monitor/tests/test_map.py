"""The map of Hessen and its table: public pages, the values of every commune as the indicators compute them,
the boundaries with their cache validators, the table's server-side order, a constant number of queries."""

import gzip
import json
import re
from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.html import escape

from conftest import _person
from kommunalportal.accounts.roles import Role
from kommunalportal.grants import applications as svc
from kommunalportal.grants.tests.conftest import IN_TIME, draft, granted
from kommunalportal.monitor.figures import Scope
from kommunalportal.monitor.indicators import INDICATORS, INDICATORS_BY_CODE
from kommunalportal.monitor.map_views import MapForm, TableForm
from kommunalportal.monitor.maps import (
    COORDINATE_PLACES,
    LEVELS,
    LEVELS_BY_CODE,
    SORT_COLUMNS_BY_CODE,
    Row,
    collation_key,
    format_value,
    quantile_classes,
    ranks,
    shapes,
    sort_rows,
)
from kommunalportal.organisations.models import MUNICIPAL_KINDS, Organisation, OrganisationKind

MAP = "/monitor/karte/"
TABLE = "/monitor/karte/tabelle/"
VALUES = "/monitor/karte/werte.json"
FEATURES = {"gemeinden": 426, "kreise": 26}
FRANKFURT = "06412000"  # a district-free city: on both levels
MAIN_KINZIG = "06435"  # a Landkreis, itself a grantee
# Queries of the values endpoint and the table for an anonymous visitor: the communes, the ledger (eight),
# the populations of the indicator per inhabitant; for the index its years (one) and its table (three).
# The same for one grant and for many.
VALUES_QUERIES = {
    "funding_per_inhabitant": 10, "share_paid": 9, "share_drawn": 9, "digitalisation_index": 5, "online_services": 4,
}  # fmt: skip


def german(message: object) -> str:
    with translation.override("de"):
        return str(message)


def grant_to(key, call, reviewer, programme_manager, *, requested="7500.00"):
    """A granted application of the commune with this key, through the services."""
    commune = Organisation.objects.get(key=key)
    applicant = _person(f"a{key}", Role.MUNICIPAL_APPLICANT, key)
    signatory = _person(f"z{key}", Role.MUNICIPAL_SIGNATORY, key)
    own = str(Decimal(requested) / 3)
    costs = str(Decimal(requested) + Decimal(own))
    application = draft(call, commune, applicant, costs=costs, requested=requested, own=f"{Decimal(own):.2f}")
    svc.submit_application(application=application, actor=signatory, today=IN_TIME)
    application.refresh_from_db()
    return granted(application, reviewer, programme_manager)


@pytest.fixture
def more_grants(paid, call, reviewer, programme_manager):
    """Beside Bruchköbel's paid grant: Frankfurt (district-free city) and the Main-Kinzig-Kreis, granted."""
    grant_to(FRANKFURT, call, reviewer, programme_manager, requested="30000.00")
    grant_to(MAIN_KINZIG, call, reviewer, programme_manager, requested="15000.00")


# Classes, ranks, order


def test_quantile_classes_hold_about_equal_numbers_of_communes():
    classes = quantile_classes(Decimal(n) for n in range(1, 101))
    assert [(c.lower, c.upper, c.count) for c in classes] == [
        (Decimal(1), Decimal(20), 20),
        (Decimal(21), Decimal(40), 20),
        (Decimal(41), Decimal(60), 20),
        (Decimal(61), Decimal(80), 20),
        (Decimal(81), Decimal(100), 20),
    ]


def test_equal_values_share_a_class_and_the_rest_is_divided_again():
    values = [Decimal(0)] * 50 + [Decimal(n) for n in range(1, 51)]
    classes = quantile_classes(values)
    assert classes[0].count == 50 and sorted(c.count for c in classes[1:]) == [12, 12, 13, 13]
    assert classes[0].lower == classes[0].upper == Decimal(0)
    assert sum(c.count for c in classes) == len(values)
    # No value lies in two classes, none in none.
    for value in values:
        assert sum(1 for c in classes if c.contains(value)) == 1


def test_a_value_most_communes_share_is_one_class_and_the_others_still_get_four():
    # As in the demo: most communes paid out in full, a few at every share below.
    values = [Decimal(n) / 2 for n in range(1, 117)] + [Decimal(100)] * 306
    classes = quantile_classes(values)
    assert [c.count for c in classes] == [29, 29, 29, 29, 306]
    assert (classes[-1].lower, classes[-1].upper) == (Decimal(100), Decimal(100))


def test_fewer_distinct_values_than_classes_give_one_class_each():
    classes = quantile_classes([Decimal("2.5"), Decimal("2.5"), Decimal("7.0")])
    assert [(c.lower, c.upper, c.count) for c in classes] == [
        (Decimal("2.5"), Decimal("2.5"), 2),
        (Decimal("7.0"), Decimal("7.0"), 1),
    ]
    assert quantile_classes([]) == []


def test_equal_values_share_a_rank_and_the_next_rank_skips():
    assert ranks({1: Decimal(10), 2: Decimal(8), 3: Decimal(8), 4: Decimal(5)}) == {1: 1, 2: 2, 3: 2, 4: 4}


def test_values_are_written_the_german_way_with_their_unit():
    with translation.override("de"):
        assert format_value(Decimal("1234.56"), "€") == "1.234,56\u00a0€"
        assert format_value(Decimal("12.5"), "%") == "12,5\u00a0%"
        assert format_value(Decimal("7"), "") == "7"


def test_names_sort_in_german_dictionary_order():
    names = ["Wolfhagen", "Wölfersheim", "Zwingenberg", "Übach", "Uslar", "Großenlüder", "Grossalmerode"]
    assert sorted(names, key=collation_key) == [
        "Grossalmerode", "Großenlüder", "Übach", "Uslar", "Wölfersheim", "Wolfhagen", "Zwingenberg",
    ]  # fmt: skip


def test_rows_without_a_value_go_last_in_either_direction():
    def row(name, value):
        return Row(Organisation(short_name=name, key="06000000"), value, None, None)

    rows = [row("B", None), row("A", Decimal(3)), row("C", Decimal(9)), row("D", Decimal(3))]
    column = SORT_COLUMNS_BY_CODE["wert"]
    ascending = [r.organisation.short_name for r in sort_rows(rows, column, descending=False)]
    descending = [r.organisation.short_name for r in sort_rows(rows, column, descending=True)]
    assert ascending == ["A", "D", "C", "B"]
    assert descending == ["C", "A", "D", "B"]  # equal values stay in the order of their names


# Boundaries


def test_every_shape_is_named_by_the_key_of_its_organisation(registry):
    municipal = set(Organisation.objects.filter(kind__in=MUNICIPAL_KINDS).values_list("key", flat=True))
    unincorporated = set(
        Organisation.objects.filter(kind=OrganisationKind.UNINCORPORATED_AREA).values_list("key", flat=True)
    )
    assert len(unincorporated) == 4
    assert shapes("gemeinden").keys == municipal | unincorporated
    levels = (OrganisationKind.DISTRICT, OrganisationKind.DISTRICT_FREE_CITY)
    assert shapes("kreise").keys == set(Organisation.objects.filter(kind__in=levels).values_list("key", flat=True))
    assert FRANKFURT in shapes("kreise").keys and FRANKFURT in shapes("gemeinden").keys


@pytest.mark.parametrize(("level", "count"), FEATURES.items())
def test_the_boundaries_are_served_with_an_etag_and_answer_304_when_unchanged(client, level, count):
    response = client.get(f"/monitor/karte/{level}.geojson")
    assert response.status_code == 200 and response["Content-Type"] == "application/geo+json"
    collection = json.loads(response.content)
    assert collection["type"] == "FeatureCollection" and len(collection["features"]) == count
    assert {f["properties"]["key"] for f in collection["features"]} == shapes(level).keys
    etag = response["ETag"]
    assert re.fullmatch(r'"[0-9a-f]{20}"', etag)
    assert "max-age=86400" in response["Cache-Control"] and "public" in response["Cache-Control"]
    # The same for every visitor: a shared cache keeps one copy, not one per session cookie.
    assert "cookie" not in response.get("Vary", "").lower()

    unchanged = client.get(f"/monitor/karte/{level}.geojson", headers={"If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged.content == b"" and unchanged["ETag"] == etag
    weak = client.get(f"/monitor/karte/{level}.geojson", headers={"If-None-Match": f"W/{etag}"})
    assert weak.status_code == 304
    other = client.get(f"/monitor/karte/{level}.geojson", headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200

    # Under the address with its version the file never changes: a year, immutable.
    versioned = client.get(f"/monitor/karte/{level}.geojson", {"v": etag.strip('"')})
    assert "max-age=31536000" in versioned["Cache-Control"] and "immutable" in versioned["Cache-Control"]


def test_the_boundaries_have_four_decimal_places_and_travel_compressed(client):
    response = client.get("/monitor/karte/gemeinden.geojson", headers={"Accept-Encoding": "gzip"})
    assert response["Content-Encoding"] == "gzip"
    body = gzip.decompress(response.content)
    assert body == shapes("gemeinden").body
    assert len(response.content) < len(body) / 4
    numbers = re.findall(rb"-?\d+\.(\d+)", body)
    assert numbers and max(len(decimals) for decimals in numbers) <= COORDINATE_PLACES


def test_an_unknown_level_of_boundaries_is_not_found(client):
    assert client.get("/monitor/karte/laender.geojson").status_code == 404


# Pages


@pytest.mark.parametrize("path", [MAP, TABLE, f"{TABLE}?indikator=share_paid&ebene=kreise&sortierung=name"])
def test_the_map_and_its_table_are_public(client, registry, path):
    response = client.get(path)
    assert response.status_code == 200
    assert 'name="indikator"' in response.content.decode() and 'method="get"' in response.content.decode()


def test_the_map_page_loads_its_script_and_names_the_versioned_boundaries(client, registry):
    page = client.get(MAP, {"indikator": "share_paid", "ebene": "kreise"}).content.decode()
    assert '<script type="module" src="/static/monitor/map.js">' in page
    assert "/static/vendor/leaflet/leaflet.js" in page and "/static/monitor/map.css" in page
    # No inline script: the page's settings travel as JSON data, which no browser runs.
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, flags=re.S)
    assert all("src=" in attributes or 'type="application/json"' in attributes for attributes, _ in scripts)
    config = json.loads(re.search(r'<script id="kp-map-config" type="application/json">(.*?)</script>', page).group(1))
    for level in LEVELS:
        assert config["shapesUrls"][level.code] == f"/monitor/karte/{level.code}.geojson?v={shapes(level.code).version}"
    assert config["valuesUrl"] == VALUES
    assert 'href="/monitor/karte/tabelle/?indikator=share_paid&amp;ebene=kreise"' in page
    assert 'href="https://www.bkg.bund.de"' in page and "© GeoBasis-DE / BKG 2021 (Daten verändert)" in page
    assert re.search(r'<option value="share_paid" selected>', page) and re.search(
        r'<option value="kreise" selected>', page
    )


def test_every_indicator_can_be_chosen(client, registry):
    page = client.get(MAP).content.decode()
    for indicator in INDICATORS:
        assert f'<option value="{indicator.code}"' in page


@pytest.mark.parametrize(
    ("path", "params", "field", "form"),
    [
        (MAP, {"indikator": "population"}, "indikator", MapForm),
        (MAP, {"ebene": "laender"}, "ebene", MapForm),
        (TABLE, {"indikator": "<script>"}, "indikator", TableForm),
        (TABLE, {"sortierung": "password"}, "sortierung", TableForm),
        (TABLE, {"richtung": "seitwaerts"}, "richtung", TableForm),
    ],
)
def test_bad_parameters_of_a_page_get_a_german_message_and_400(client, registry, path, params, field, form):
    response = client.get(path, params)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'role="alert"' in page
    assert escape(german(form.base_fields[field].error_messages["invalid_choice"])) in page
    assert "<table" not in page and "kp-map-config" not in page


def test_empty_parameters_mean_the_first_choice(client, registry):
    response = client.get(VALUES, {"indikator": "", "ebene": ""})
    assert response.status_code == 200
    assert (
        response.json()["indicator"]["code"] == INDICATORS[0].code and response.json()["level"]["code"] == "gemeinden"
    )


# Values


def _communes_of(level_code):
    level = LEVELS_BY_CODE[level_code]
    return {o.key: o for o in Organisation.objects.filter(kind__in=level.kinds, is_active=True)}


@pytest.mark.parametrize("code", [indicator.code for indicator in INDICATORS])
@pytest.mark.parametrize("level", FEATURES)
def test_the_values_are_those_the_indicator_computes_for_every_commune(client, more_grants, code, level):
    computed = INDICATORS_BY_CODE[code].compute(Scope())
    response = client.get(VALUES, {"indikator": code, "ebene": level})
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    data = response.json()
    communes = _communes_of(level)
    entries = {entry["key"]: entry for entry in data["communes"]}
    assert len(entries) == len(data["communes"]) == len(communes)
    assert set(entries) == set(communes)
    for key, organisation in communes.items():
        entry = entries[key]
        expected = computed.get(organisation.pk)
        assert (None if entry["value"] is None else Decimal(entry["value"])) == expected, key
        assert entry["url"] == f"/kommunen/{key}/"
        assert (entry["class"] is None) == (expected is None) and (entry["rank"] is None) == (expected is None)
    # Every shape either has a class or counts as without a value.
    classes = data["classes"]
    shown = sum(c["count"] for c in classes)
    assert shown == sum(1 for entry in entries.values() if entry["value"] is not None)
    assert shown + data["noValue"]["count"] == FEATURES[level]
    assert data["noValue"]["text"] == f"Kein Wert ({data['noValue']['count']})"
    for entry in entries.values():
        if entry["value"] is not None:
            value_class = classes[entry["class"]]
            assert Decimal(value_class["lower"]) <= Decimal(entry["value"]) <= Decimal(value_class["upper"])


def test_a_district_shows_its_own_value_and_a_district_free_city_the_same_on_both_levels(client, more_grants):
    computed = INDICATORS_BY_CODE["funding_per_inhabitant"].compute(Scope())
    district = Organisation.objects.get(key=MAIN_KINZIG)
    frankfurt = Organisation.objects.get(key=FRANKFURT)
    # The district's own grant over its inhabitants, not the sum of its municipalities' grants.
    assert computed[district.pk] == (Decimal("15000.00") / district.population).quantize(Decimal("0.01"))
    kreise = {e["key"]: e for e in client.get(VALUES, {"ebene": "kreise"}).json()["communes"]}
    gemeinden = {e["key"]: e for e in client.get(VALUES, {"ebene": "gemeinden"}).json()["communes"]}
    assert Decimal(kreise[MAIN_KINZIG]["value"]) == computed[district.pk]
    assert kreise[MAIN_KINZIG]["kind"] == german(OrganisationKind.DISTRICT.label)
    assert MAIN_KINZIG not in gemeinden
    assert Decimal(kreise[FRANKFURT]["value"]) == Decimal(gemeinden[FRANKFURT]["value"]) == computed[frankfurt.pk]
    # Ranks: the highest value first.
    assert kreise[FRANKFURT]["rank"] == 1 or Decimal(kreise[FRANKFURT]["value"]) < Decimal(kreise[MAIN_KINZIG]["value"])


def test_the_legend_and_the_values_are_in_german(client, paid):
    commune = paid.organisation
    data = client.get(VALUES, {"indikator": "funding_per_inhabitant"}).json()
    expected = (Decimal("7500.00") / commune.population).quantize(Decimal("0.01"))
    entry = next(e for e in data["communes"] if e["key"] == commune.key)
    assert entry["display"] == f"{expected}\u00a0€".replace(".", ",")
    assert entry["district"] == "Main-Kinzig-Kreis"
    assert data["classes"][-1]["text"].startswith(entry["display"])


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"indikator": "population"}, "indikator"),
        ({"ebene": "bund"}, "ebene"),
        ({"indikator": "x", "ebene": "y"}, "ebene"),
    ],
)
def test_bad_parameters_of_the_values_get_400_with_a_german_message(client, registry, params, field):
    response = client.get(VALUES, params)
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    body = response.json()
    message = german(MapForm.base_fields[field].error_messages["invalid_choice"])
    assert message in body["error"] and body["errors"][field] == [message]


def test_the_values_answer_get_and_head_only(client, registry):
    assert client.post(VALUES).status_code == 405
    assert client.head(VALUES).status_code == 200


# The table


def _keys_in_order(page: str) -> list[str]:
    return re.findall(r'<tr class="kern-table__row" data-key="(\d+)">', page)


def test_the_table_sorts_on_the_server_by_each_column(client, more_grants):
    computed = INDICATORS_BY_CODE["funding_per_inhabitant"].compute(Scope())
    communes = _communes_of("gemeinden")
    value = {key: computed.get(o.pk) for key, o in communes.items()}

    by_value = _keys_in_order(client.get(TABLE, {"sortierung": "wert", "richtung": "ab"}).content.decode())
    assert len(by_value) == len(communes) == 422
    values = [value[key] for key in by_value if value[key] is not None]
    assert values == sorted(values, reverse=True) and value[by_value[0]] == max(values) > 0

    by_rank = _keys_in_order(client.get(TABLE).content.decode())  # the default: rank 1 first
    assert by_rank == by_value

    by_name = _keys_in_order(client.get(TABLE, {"sortierung": "name"}).content.decode())
    names = [collation_key(communes[key].short_name) for key in by_name]
    assert names == sorted(names)
    by_name_descending = _keys_in_order(client.get(TABLE, {"sortierung": "name", "richtung": "ab"}).content.decode())
    assert by_name_descending == list(reversed(by_name))

    by_district = _keys_in_order(client.get(TABLE, {"sortierung": "kreis"}).content.decode())
    districts = [communes[key].district.short_name for key in by_district if communes[key].district]
    assert [collation_key(d) for d in districts] == sorted(collation_key(d) for d in districts)
    # The district-free cities have no district: last.
    assert all(communes[key].district is None for key in by_district[len(districts) :])


def test_the_sorted_column_says_so_and_its_link_reverses_the_order(client, registry):
    page = client.get(TABLE, {"indikator": "share_paid", "sortierung": "name", "richtung": "auf"}).content.decode()
    headers = re.findall(r"<th scope=\"col\"[^>]*>", page)
    assert len(headers) == 5
    assert [h for h in headers if "aria-sort" in h] == [
        '<th scope="col" class="kern-table__header" aria-sort="ascending">'
    ]
    assert "sortierung=name&amp;richtung=ab" in page  # the sorted column's link: the other way round
    assert "sortierung=wert&amp;richtung=ab" in page  # a value column starts with the highest
    assert re.search(r"<caption[^>]*>.+</caption>", page)
    # The form keeps the order when another indicator is chosen.
    assert '<input type="hidden" name="sortierung" value="name"' in page


def test_the_table_of_districts_lists_the_districts_and_district_free_cities(client, more_grants):
    page = client.get(TABLE, {"ebene": "kreise"}).content.decode()
    keys = _keys_in_order(page)
    assert len(keys) == 26 and MAIN_KINZIG in keys and FRANKFURT in keys
    assert f'href="/kommunen/{MAIN_KINZIG}/"' in page
    # The district's own value, as the map shows it, in its row.
    district = Organisation.objects.get(key=MAIN_KINZIG)
    value = INDICATORS_BY_CODE["funding_per_inhabitant"].compute(Scope())[district.pk]
    row = re.search(rf'<tr class="kern-table__row" data-key="{MAIN_KINZIG}">(.*?)</tr>', page, flags=re.S).group(1)
    with translation.override("de"):
        assert f">{format_value(value, '€')}</td>" in row


# Queries


def _queries(client, django_assert_num_queries):
    for indicator in INDICATORS:
        for level in FEATURES:
            with django_assert_num_queries(VALUES_QUERIES[indicator.code]):
                assert client.get(VALUES, {"indikator": indicator.code, "ebene": level}).status_code == 200
            with django_assert_num_queries(VALUES_QUERIES[indicator.code]):
                response = client.get(TABLE, {"indikator": indicator.code, "ebene": level, "sortierung": "art"})
                assert response.status_code == 200


def test_the_values_and_the_table_read_a_constant_number_of_queries(
    client, paid, call, reviewer, programme_manager, django_assert_num_queries
):
    _queries(client, django_assert_num_queries)
    for key in (FRANKFURT, MAIN_KINZIG, "06435024", "06411000"):
        grant_to(key, call, reviewer, programme_manager)
    _queries(client, django_assert_num_queries)
    data = client.get(VALUES, {"indikator": "share_paid", "ebene": "kreise"}).json()
    assert sum(1 for entry in data["communes"] if entry["value"] is not None) == 3  # the districts' level


def test_the_map_page_and_the_boundaries_read_nothing_from_the_database(client, registry, django_assert_num_queries):
    shapes("gemeinden")
    with django_assert_num_queries(0):
        assert client.get(MAP).status_code == 200
        assert client.get("/monitor/karte/gemeinden.geojson").status_code == 200
