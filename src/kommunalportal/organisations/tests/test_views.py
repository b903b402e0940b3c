import pytest

from kommunalportal.accounts.models import User
from kommunalportal.organisations.models import Organisation

pytestmark = pytest.mark.django_db


def test_the_list_shows_all_443_communes_page_by_page(client, registry):
    response = client.get("/kommunen/")
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 443
    assert "443 Kommunen gefunden" in response.content.decode()


def test_search_finds_by_name_and_by_key(client, registry):
    by_name = client.get("/kommunen/", {"q": "bruchk"})
    assert [o.key for o in by_name.context["page"]] == ["06435006"]
    by_key = client.get("/kommunen/", {"q": "06412"})
    assert [o.key for o in by_key.context["page"]] == ["06412000"]


def test_district_filter_shows_the_district_and_its_municipalities(client, registry):
    response = client.get("/kommunen/", {"district": "06435"})
    keys = {o.key for o in response.context["page"].paginator.object_list}
    assert len(keys) == 30  # Main-Kinzig-Kreis and its 29 municipalities
    assert "06435" in keys and "06435024" in keys


def test_kind_and_size_filters_combine(client, registry):
    response = client.get("/kommunen/", {"kind": "town", "size": "l", "district": "06435"})
    names = {o.short_name for o in response.context["page"].paginator.object_list}
    assert "Bruchköbel" in names
    assert all(20_000 <= o.population < 50_000 for o in response.context["page"].paginator.object_list)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"size": "riesig"}, "Bitte wählen Sie eine Größenklasse aus der Liste."),
        ({"district": "99999"}, "Bitte wählen Sie einen Landkreis aus der Liste."),
        ({"kind": "dorf"}, "Bitte wählen Sie eine Art aus der Liste."),
    ],
)
def test_a_bad_filter_gets_a_german_message_not_an_error(client, registry, params, message):
    response = client.get("/kommunen/", params)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["page"].paginator.count == 0


def test_htmx_requests_get_only_the_results(client, registry):
    response = client.get("/kommunen/", {"q": "Ronneburg"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "Ronneburg" in html
    assert "<html" not in html
    # The count lives outside the swapped region (announced by screen readers) and is swapped out of band.
    assert 'id="trefferzahl" role="status" hx-swap-oob="true"' in html


def test_a_field_error_is_linked_to_its_input(client, registry):
    html = client.get("/kommunen/", {"size": "riesig"}).content.decode()
    assert 'aria-describedby="id_size_helptext id_size_error"' in html
    assert 'id="id_size_error"' in html and 'aria-invalid="true"' in html


def test_a_page_beyond_the_end_shows_the_last_page(client, registry):
    response = client.get("/kommunen/", {"seite": "999"})
    assert response.status_code == 200
    assert response.context["page"].number == 9


def test_the_list_needs_the_same_queries_for_any_page(client, registry, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        client.get("/kommunen/")
    with django_assert_max_num_queries(6):
        client.get("/kommunen/", {"seite": "5", "district": "06435"})


def test_a_commune_page_shows_its_official_data(client, registry):
    html = client.get("/kommunen/06435006/").content.decode()
    for text in ("Bruchköbel, Stadt", "06435006", "064350006006", "Main-Kinzig-Kreis", "20.471", "31.12.2019"):
        assert text in html


def test_a_district_page_lists_its_municipalities(client, registry):
    response = client.get("/kommunen/06435/")
    assert response.status_code == 200
    assert len(response.context["members"]) == 29 + 1  # and the Gutsbezirk Spessart
    assert "Ronneburg" in response.content.decode()


@pytest.mark.parametrize("key", ["06", "99999999", "<script>"])
def test_unknown_keys_and_the_state_have_no_commune_page(client, registry, key):
    assert client.get(f"/kommunen/{key}/").status_code == 404


def test_registry_pages_are_public_for_every_role(client, registry, municipal_applicant: User, citizen: User):
    for user in (None, municipal_applicant, citizen):
        if user is not None:
            client.force_login(user)
        assert client.get("/kommunen/").status_code == 200
        assert client.get("/kommunen/06412000/").status_code == 200
    assert Organisation.objects.filter(key="06412000").exists()
