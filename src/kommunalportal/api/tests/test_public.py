"""The public endpoints: what a visitor sees without a login (the same as everyone), filters and pages."""

from decimal import Decimal

import pytest
from django.test import Client

from kommunalportal.grants.models import Call, CallStatus
from kommunalportal.organisations.models import COMMUNE_KINDS, Organisation, OrganisationKind

from .conftest import MINISTRY, OWN_COMMUNE, second_programme, token_client

BRUCHKOEBEL = "06435006"
MAIN_KINZIG = "06435"
OFFENBACH = "06413000"


def get(path: str, client: Client | None = None, **params):
    response = (client or Client()).get(path, params)
    assert response.status_code == 200, response.content
    return response.json()


def problem(path: str, status: int, client: Client | None = None, params: dict | None = None):
    response = (client or Client()).get(path, params or {})
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"] and body["type"]
    return body


def invalid(path: str, **params) -> set[str]:
    """The names of the invalid parameters in the 400 problem."""
    body = problem(path, 400, params=params)
    assert body["type"].endswith("invalid-parameters")
    return {p["name"] for p in body["invalid_params"]}


# Programmes and calls


def test_programmes_show_only_those_with_a_published_call(call, programme_manager):
    draft = second_programme(programme_manager, publish=False)
    body = get("/api/v1/programmes/")
    assert [p["code"] for p in body["results"]] == ["SHH"] and body["count"] == 1
    shh = body["results"][0]
    assert shh["id"] == str(call.programme.public_id)
    assert shh["url"] == f"http://testserver/api/v1/programmes/{call.programme.public_id}/"
    assert get(shh["url"])["legal_basis"] == "§ 44 LHO; ANBest-GK"
    problem(f"/api/v1/programmes/{draft.programme.public_id}/", 404)


@pytest.mark.parametrize("persona", [*MINISTRY, *OWN_COMMUNE])
def test_the_public_endpoints_show_signed_in_callers_the_same_as_a_visitor(call, programme_manager, persona, request):
    """Ministry staff see draft programmes on their pages; the public API shows them nothing more."""
    draft = second_programme(programme_manager, publish=False)
    client = token_client(request.getfixturevalue(persona))
    assert [p["code"] for p in get("/api/v1/programmes/", client)["results"]] == ["SHH"]
    assert [c["id"] for c in get("/api/v1/calls/", client)["results"]] == [str(call.public_id)]
    problem(f"/api/v1/calls/{draft.public_id}/", 404, client)


def test_calls_are_the_published_ones_with_their_rules(call, programme_manager):
    draft = second_programme(programme_manager, publish=False)
    body = get("/api/v1/calls/")
    assert body["count"] == 1
    [shown] = body["results"]
    assert shown["id"] == str(call.public_id) and shown["status"] == "published" and shown["year"] == 2020
    assert shown["budget_amount"] == "16000000.00" and shown["funding_rate"] == "0.7500"
    assert shown["programme"] == {"id": str(call.programme.public_id), "code": "SHH", "name": "Starke Heimat Hessen"}
    assert "e-file" in shown["categories"] and len(shown["categories"]) == 7
    assert get(f"/api/v1/calls/{call.public_id}/")["name"] == call.name
    problem(f"/api/v1/calls/{draft.public_id}/", 404)


def test_calls_filter_by_programme_and_status(call, programme_manager):
    other = second_programme(programme_manager)
    assert get("/api/v1/calls/")["count"] == 2
    by_programme = get("/api/v1/calls/", programme=str(other.programme.public_id))["results"]
    assert [c["id"] for c in by_programme] == [str(other.public_id)]
    Call.objects.filter(pk=call.pk).update(status=CallStatus.CLOSED)
    assert [c["id"] for c in get("/api/v1/calls/", status="closed")["results"]] == [str(call.public_id)]
    assert [c["id"] for c in get("/api/v1/calls/", status="published")["results"]] == [str(other.public_id)]


def test_a_call_filter_naming_nothing_public_is_refused_with_the_parameter(call, programme_manager):
    draft = second_programme(programme_manager, publish=False)
    assert invalid("/api/v1/calls/", programme="SHH") == {"programme"}
    assert invalid("/api/v1/calls/", programme=str(draft.programme.public_id)) == {"programme"}
    assert invalid("/api/v1/calls/", status="draft") == {"status"}
    assert invalid("/api/v1/calls/", programme="x", status="draft") == {"programme", "status"}


# Communes


def test_communes_are_the_registrys_with_key_name_kind_district_population_and_area(registry):
    body = get("/api/v1/communes/", limit=500)
    assert body["count"] == 443 and len(body["results"]) == 443
    bruchkoebel = next(c for c in body["results"] if c["key"] == BRUCHKOEBEL)
    organisation = Organisation.objects.get(key=BRUCHKOEBEL)
    assert bruchkoebel["district"] == MAIN_KINZIG and bruchkoebel["kind"] == organisation.kind
    assert bruchkoebel["population"] == organisation.population
    assert Decimal(bruchkoebel["area_km2"]) == organisation.area_km2
    assert get(f"/api/v1/communes/{BRUCHKOEBEL}/") == bruchkoebel
    assert get(f"/api/v1/communes/{MAIN_KINZIG}/")["kind"] == OrganisationKind.DISTRICT
    assert get(f"/api/v1/communes/{OFFENBACH}/")["district"] is None


@pytest.mark.parametrize("key", ["06", "0643500", "x", "06999999"])
def test_the_state_and_unknown_keys_are_no_commune(registry, key):
    problem(f"/api/v1/communes/{key}/", 404)


def test_communes_filter_by_district_and_kind(registry):
    in_district = get("/api/v1/communes/", district=MAIN_KINZIG, limit=500)["results"]
    assert {c["key"] for c in in_district} == set(
        Organisation.objects.filter(district__key=MAIN_KINZIG, is_active=True, kind__in=COMMUNE_KINDS).values_list(
            "key", flat=True
        )
    ) | {MAIN_KINZIG}  # not the unincorporated areas: no commune
    towns = get("/api/v1/communes/", kind="town", district=MAIN_KINZIG, limit=500)["results"]
    assert towns and {c["kind"] for c in towns} == {"town"} and {c["district"] for c in towns} == {MAIN_KINZIG}
    assert get("/api/v1/communes/", kind="district")["count"] == 21


@pytest.mark.parametrize(
    ("params", "names"),
    [
        ({"district": "6435"}, {"district"}),
        ({"district": BRUCHKOEBEL}, {"district"}),  # a municipality is not a district
        ({"district": "06999"}, {"district"}),
        ({"kind": "land"}, {"kind"}),
        ({"kind": "unincorporated_area"}, {"kind"}),
    ],
)
def test_a_bad_commune_filter_is_a_400_naming_the_parameter(registry, params, names):
    assert invalid("/api/v1/communes/", **params) == names


# Pages


def test_pages_follow_limit_and_offset_with_links(registry):
    body = get("/api/v1/communes/", limit=10, offset=20)
    assert body["count"] == 443 and len(body["results"]) == 10
    everything = [c["key"] for c in get("/api/v1/communes/", limit=500)["results"]]
    assert [c["key"] for c in body["results"]] == everything[20:30]
    assert body["next"] == "http://testserver/api/v1/communes/?limit=10&offset=30"
    assert body["previous"] == "http://testserver/api/v1/communes/?limit=10&offset=10"
    assert len(get("/api/v1/communes/")["results"]) == 50  # the default page
    assert get("/api/v1/communes/", offset=1000)["results"] == []
    # An empty parameter counts as not given, like an empty filter.
    assert len(get("/api/v1/communes/", limit="", offset="", kind="", district="")["results"]) == 50


@pytest.mark.parametrize(
    ("params", "names"),
    [
        ({"limit": "0"}, {"limit"}),
        ({"limit": "501"}, {"limit"}),
        ({"limit": "zehn"}, {"limit"}),
        ({"limit": "-5"}, {"limit"}),
        ({"limit": "1.5"}, {"limit"}),
        ({"offset": "-1"}, {"offset"}),
        ({"offset": "abc"}, {"offset"}),
        ({"offset": "9" * 30}, {"offset"}),
    ],
)
def test_a_bad_limit_or_offset_is_a_400_not_a_guess(registry, params, names):
    for path in ("/api/v1/communes/", "/api/v1/programmes/", "/api/v1/awards/", "/api/v1/indicators/"):
        assert invalid(path, **params) == names


# Awards


def test_an_award_shows_the_commune_the_money_and_the_purpose_but_no_people(grant, municipal_applicant):
    body = get("/api/v1/awards/")
    assert body["count"] == 1
    [award] = body["results"]
    assert award["amount"] == "15000.00" and award["reference"] == grant.reference
    assert award["commune"] == {"key": BRUCHKOEBEL, "name": grant.organisation.short_name}
    assert award["call"]["id"] == str(grant.call.public_id) and award["year"] == 2020
    assert award["programme"]["code"] == "SHH" and award["categories"] == ["e-file"]
    assert award["number"].startswith("ZB-2020-")
    assert set(award) == {
        "number", "awarded_on", "amount", "reference", "title", "categories", "commune", "programme", "call", "year",
    }  # fmt: skip
    text = str(body)
    for person in ("municipal_applicant", "municipal_signatory", "reviewer", "programme_manager"):
        assert person not in text


def test_only_released_approvals_are_awards(submitted):
    assert get("/api/v1/awards/")["count"] == 0


def test_awards_filter_by_programme_call_year_commune_and_district(grant, more_grants, programme_manager):
    more_grants()
    other = second_programme(programme_manager)
    everything = get("/api/v1/awards/")
    assert everything["count"] == 4
    assert get("/api/v1/awards/", programme=str(grant.call.programme.public_id))["count"] == 4
    assert get("/api/v1/awards/", programme=str(other.programme.public_id))["count"] == 0
    assert get("/api/v1/awards/", call=str(grant.call.public_id), year=2020)["count"] == 4
    assert get("/api/v1/awards/", year=2021)["count"] == 0
    only = get("/api/v1/awards/", commune=BRUCHKOEBEL)["results"]
    assert [a["commune"]["key"] for a in only] == [BRUCHKOEBEL]
    in_district = {a["commune"]["key"] for a in get("/api/v1/awards/", district=MAIN_KINZIG)["results"]}
    assert in_district == {BRUCHKOEBEL, "06435024", "06435014"}  # not Offenbach, a district-free city
    assert get("/api/v1/awards/", commune=OFFENBACH, district=MAIN_KINZIG)["count"] == 0


@pytest.mark.parametrize(
    ("params", "names"),
    [
        ({"programme": "1"}, {"programme"}),
        ({"call": "00000000-0000-0000-0000-000000000000"}, {"call"}),
        ({"commune": "Bruchköbel"}, {"commune"}),
        ({"commune": "06999999"}, {"commune"}),
        ({"district": "06435006"}, {"district"}),
        ({"year": "zwanzig"}, {"year"}),
        ({"year": "1900"}, {"year"}),
    ],
)
def test_a_bad_award_filter_is_a_400_naming_the_parameter(grant, params, names):
    assert invalid("/api/v1/awards/", **params) == names


# Indicators


def test_the_indicators_are_listed_with_code_label_unit_and_description(registry):
    body = get("/api/v1/indicators/")
    assert [i["code"] for i in body["results"]] == [
        "funding_per_inhabitant",
        "share_paid",
        "share_drawn",
        "digitalisation_index",
        "online_services",
    ]
    first = body["results"][0]
    assert first["unit"] == "€" and first["label"] and first["description"]
    assert first["url"] == "http://testserver/api/v1/indicators/funding_per_inhabitant/"


def test_an_indicator_gives_each_communes_value_by_key(grant):
    population = grant.organisation.population
    body = get("/api/v1/indicators/funding_per_inhabitant/")
    assert body["scope"] == {"programme": None, "call": None} and body["unit"] == "€"
    expected = (Decimal("15000.00") / population).quantize(Decimal("0.01"))
    assert Decimal(body["values"][BRUCHKOEBEL]) == expected
    assert set(body["values"]) <= set(Organisation.objects.values_list("key", flat=True))
    assert get("/api/v1/indicators/share_paid/")["values"] == {BRUCHKOEBEL: "0.0"}


def test_an_indicator_in_the_scope_of_a_programme_or_call(grant, programme_manager):
    other = second_programme(programme_manager)
    in_call = get("/api/v1/indicators/share_paid/", call=str(grant.call.public_id))
    assert in_call["values"] == {BRUCHKOEBEL: "0.0"} and in_call["scope"]["call"] == str(grant.call.public_id)
    assert get("/api/v1/indicators/share_paid/", programme=str(other.programme.public_id))["values"] == {}


def test_an_unknown_indicator_is_a_404_and_a_bad_scope_a_400(grant, programme_manager):
    draft = second_programme(programme_manager, publish=False)
    problem("/api/v1/indicators/households_online/", 404)
    assert invalid("/api/v1/indicators/share_paid/", programme="SHH") == {"programme"}
    assert invalid("/api/v1/indicators/share_paid/", call=str(draft.public_id)) == {"call"}


# A constant number of queries, however much there is


def test_the_public_lists_read_a_constant_number_of_queries(
    grant, more_grants, programme_manager, django_assert_num_queries
):
    programme = grant.call.programme.public_id
    lists = {
        "/api/v1/programmes/?limit=500": 2,  # count, page
        "/api/v1/calls/?limit=500": 3,  # count, page, categories
        "/api/v1/communes/?limit=500": 2,  # count, page (with the district)
        "/api/v1/awards/?limit=500": 2,  # decisions, categories
        "/api/v1/indicators/": 0,  # a table in the code
        "/api/v1/indicators/funding_per_inhabitant/": 10,  # the ledger (8), populations, keys
        f"/api/v1/awards/?programme={programme}&commune={BRUCHKOEBEL}&district={MAIN_KINZIG}": 5,  # + 3 filters
    }
    client = Client()

    def read_all() -> list[int]:
        sizes = []
        for path, queries in lists.items():
            with django_assert_num_queries(queries):
                response = client.get(path)
            assert response.status_code == 200
            sizes.append(len(response.json().get("results", response.json().get("values", []))))
        return sizes

    small = read_all()
    more_grants()
    second_programme(programme_manager)
    gone = Organisation.objects.filter(district__key="06438").update(is_active=False)  # fewer communes
    large = read_all()
    assert small[:4] == [1, 1, 443, 1] and large[:4] == [2, 2, 443 - gone, 4] and gone > 10
