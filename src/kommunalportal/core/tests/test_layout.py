from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings

pytestmark = pytest.mark.django_db


def test_pages_are_german_by_default_whatever_the_browser_says(client, registry):
    html = client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"}).content.decode()
    assert '<html lang="de">' in html
    assert "Zum Inhalt springen" in html and "Impressum" in html


def test_the_language_switch_turns_the_portal_english(client, registry):
    response = client.post("/sprache/", {"language": "en", "next": "/kommunen/"})
    assert response.status_code == 302
    html = client.get("/kommunen/").content.decode()
    assert '<html lang="en">' in html and "Communes in Hesse" in html
    client.post("/sprache/", {"language": "de", "next": "/"})
    assert "Kommunen in Hessen" in client.get("/kommunen/").content.decode()


def test_the_german_catalogue_is_complete():
    path = Path(settings.LOCALE_PATHS[0]) / "de" / "LC_MESSAGES" / "django.po"
    with path.open("rb") as handle:
        catalogue = read_po(handle)
    missing = [
        m.id
        for m in catalogue
        if m.id and (m.fuzzy or not (all(m.string) if isinstance(m.string, tuple) else m.string))
    ]
    assert not missing, f"untranslated or fuzzy: {missing[:10]}"
    assert len(catalogue) > 100


def test_every_response_carries_a_request_id(client, registry):
    first, second = client.get("/"), client.get("/")
    assert len(first["X-Request-ID"]) == 32 and first["X-Request-ID"] != second["X-Request-ID"]
    assert client.get("/", headers={"X-Request-ID": "proxy-abc-123"})["X-Request-ID"] == "proxy-abc-123"
    assert client.get("/", headers={"X-Request-ID": "bad id\nwith newline"})["X-Request-ID"] != "bad id\nwith newline"


@pytest.mark.parametrize("path", ["/impressum/", "/kommunen/06435006/"])
def test_data_sources_are_attributed(client, registry, path):
    html = client.get(path).content.decode()
    assert "© Statistisches Bundesamt (Destatis), 2021" in html
    assert "© GeoBasis-DE / " in html


def test_navigation_follows_the_role(client, registry, municipal_applicant, verified_client, programme_manager):
    anonymous = client.get("/").content.decode()
    assert "Meine Kommune" not in anonymous and "Anmelden" in anonymous
    client.force_login(municipal_applicant)
    html = client.get("/").content.decode()
    assert 'href="/kommunen/06435006/">Meine Kommune' in html
    assert "Verwaltung" not in html
    assert 'href="/monitor/kommune/"' in html and 'href="/monitor/"' not in html


def test_someone_in_the_ministry_and_a_commune_has_one_monitor_entry(registry, programme_manager, organisation):
    from conftest import signed_in
    from kommunalportal.accounts.roles import Role
    from kommunalportal.accounts.services import grant_membership

    grant_membership(
        user=programme_manager, organisation=organisation("06435006"), role=Role.MUNICIPAL_APPLICANT,
        actor="test",
    )  # fmt: skip
    html = signed_in(programme_manager, ministry=True).get("/").content.decode()
    assert html.count(">Monitor<") == 1 and 'href="/monitor/"' in html


def test_a_form_sent_without_its_token_gets_a_page_in_the_portals_layout(registry, municipal_applicant):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(municipal_applicant)
    response = client.post("/abmelden/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "<h1" in page and 'lang="de"' in page and "Nichts wurde gespeichert" in page


def test_an_unknown_page_is_a_german_404(client, registry):
    response = client.get("/gibt-es-nicht/")
    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.content.decode()
