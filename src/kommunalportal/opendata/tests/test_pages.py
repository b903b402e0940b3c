"""The open data pages: public, only what is published, to the cent, filtered and sorted, never a server error."""

import re
from decimal import Decimal

import pytest
from django.db.models import Sum

from kommunalportal.accounts.models import User
from kommunalportal.grants import applications as svc
from kommunalportal.grants.models import Application, CallStatus, DecisionKind, GrantDecision
from kommunalportal.opendata import views

from .conftest import FRANKFURT, MAIN_KINZIG, RONNEBURG

pytestmark = pytest.mark.django_db


def amount_in_force(application: Application) -> Decimal:
    """Read straight from the decisions: the latest released approval or amendment."""
    return (
        GrantDecision.objects.filter(application=application, released_at__isnull=False)
        .exclude(kind=DecisionKind.REJECTION)
        .latest("released_at", "pk")
        .approved_amount
    )


def amounts(response) -> list[Decimal]:
    return [Decimal(value) for value in re.findall(r'data-amount="([0-9.]+)"', response.content.decode())]


def keys(response) -> list[str]:
    return re.findall(r'href="/kommunen/([0-9]+)/"', response.content.decode())


def test_the_start_page_shows_the_programmes_and_their_published_calls_with_what_was_granted(
    awarded, unpublished, client
):
    draft_call, hidden_programme, hidden_call = unpublished
    call = awarded[0].call
    response = client.get("/daten/")
    assert response.status_code == 200
    html = response.content.decode()
    total = sum((amount_in_force(a) for a in awarded), Decimal(0))
    assert total == Decimal("29333.33")
    # The call's sum to the cent (German page: 29.333,33 €), its programme's legal basis, period and budgets.
    assert f'data-call-awarded="{call.public_id}">29.333,33 €' in html
    assert 'data-figure="awards">4<' in html and 'data-figure="communes">4<' in html
    assert "§ 44 LHO; ANBest-GK" in html and "01.01.2020 – 31.12.2024" in html
    assert html.count("20.000.000,00 €") == 5  # one budget per year, 2020 to 2024
    assert f"?call={call.public_id}" in html and "16.000.000,00 €" in html
    # Nothing that is not published: neither the draft call nor the programme that has only a draft.
    assert str(draft_call.public_id) not in html and draft_call.name not in html
    assert hidden_programme.name not in html and str(hidden_call.public_id) not in html


def test_a_call_is_public_once_published_and_stays_so_when_closed(awarded, client):
    call = awarded[0].call
    call.status = CallStatus.DRAFT
    call.save(update_fields=["status"])
    assert str(call.public_id) not in client.get("/daten/").content.decode()
    response = client.get("/daten/foerderungen/")
    assert amounts(response) == [] and 'data-count="0"' in response.content.decode()
    call.status = CallStatus.CLOSED
    call.save(update_fields=["status"])
    assert str(call.public_id) in client.get("/daten/").content.decode()
    assert len(amounts(client.get("/daten/foerderungen/"))) == 4


def test_the_award_list_holds_every_award_to_the_cent(awarded, client):
    response = client.get("/daten/foerderungen/")
    assert response.status_code == 200
    assert sorted(amounts(response)) == sorted(amount_in_force(a) for a in awarded)
    html = response.content.decode()
    assert 'data-count="4"' in html and 'data-total="29333.33"' in html
    for application in awarded:
        number = application.decisions.exclude(number=None).earliest("released_at").number
        assert number in html and application.organisation.key in html
    # A municipality shows its district; the purpose is the title and the measures' categories.
    assert "Main-Kinzig-Kreis" in html and "Digitales Rathaus" in html and "Digitale Akte (E-Akte)" in html


def test_an_amendment_changes_the_amount_that_is_shown(awarded, client, reviewer, programme_manager):
    application = awarded[1]
    first = application.decisions.get()
    signatory = User.objects.get(username=f"signatory_{RONNEBURG}")
    svc.request_amendment(
        application=application, actor=signatory, requested_amount=Decimal("6999.98"), reason="Rabatt erhalten."
    )
    svc.release_decision(
        decision=svc.decide_amendment(application=application, actor=reviewer, approve=True), actor=programme_manager
    )
    response = client.get(f"/daten/foerderungen/?district={MAIN_KINZIG}&sort=amount")
    assert amounts(response)[0] == Decimal("6999.98") == amount_in_force(application)
    # The award keeps the number and the date of its first decision.
    assert first.number in response.content.decode() and "ÄB-2020-0001" not in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"06435006", RONNEBURG, FRANKFURT, MAIN_KINZIG}),
        ("programme=SHH", {"06435006", RONNEBURG, FRANKFURT, MAIN_KINZIG}),
        (f"district={MAIN_KINZIG}", {"06435006", RONNEBURG, MAIN_KINZIG}),
        ("kind=district_free_city", {FRANKFURT}),
        ("kind=town", {"06435006"}),
        (f"district={MAIN_KINZIG}&kind=municipality", {RONNEBURG}),
        ("district=06440", set()),  # the Wetteraukreis: no award
    ],
)
def test_the_filters(awarded, client, query, expected):
    response = client.get(f"/daten/foerderungen/?{query}")
    assert response.status_code == 200
    assert set(keys(response)) == expected
    assert Decimal(re.search(r'data-total="([0-9.]+)"', response.content.decode()).group(1)) == sum(
        (amount_in_force(a) for a in awarded if a.organisation.key in expected), Decimal("0.00")
    )


def test_the_call_filter_by_its_public_id(awarded, unpublished, client):
    call = awarded[0].call
    assert len(amounts(client.get(f"/daten/foerderungen/?call={call.public_id}"))) == 4
    # A draft call is no choice: the request is refused, nothing is listed.
    draft_call = unpublished[0]
    response = client.get(f"/daten/foerderungen/?call={draft_call.public_id}")
    assert response.status_code == 400 and amounts(response) == []


def test_the_orders(awarded, client):
    by_amount = amounts(client.get("/daten/foerderungen/?sort=amount"))
    assert by_amount == sorted(by_amount) and len(by_amount) == 4
    assert amounts(client.get("/daten/foerderungen/?sort=-amount")) == by_amount[::-1]
    # Communes by name as a German index orders them: Bruchköbel, Frankfurt, Main-Kinzig-Kreis, Ronneburg.
    assert keys(client.get("/daten/foerderungen/?sort=commune")) == ["06435006", FRANKFURT, MAIN_KINZIG, RONNEBURG]
    assert keys(client.get("/daten/foerderungen/?sort=-commune")) == [RONNEBURG, MAIN_KINZIG, FRANKFURT, "06435006"]
    response = client.get("/daten/foerderungen/?sort=amount")
    assert 'aria-sort="ascending"' in response.content.decode()


def test_fifty_awards_a_page_and_every_award_on_exactly_one_page(awarded, client, monkeypatch):
    assert views.PAGE_SIZE == 50
    monkeypatch.setattr(views, "PAGE_SIZE", 3)
    first = client.get("/daten/foerderungen/?sort=amount")
    second = client.get("/daten/foerderungen/?sort=amount&seite=2")
    assert len(amounts(first)) == 3 and len(amounts(second)) == 1
    assert sorted(amounts(first) + amounts(second)) == sorted(amount_in_force(a) for a in awarded)
    # The links to the other page keep the filter.
    assert 'href="?sort=amount&amp;seite=2"' in first.content.decode()
    # The download links carry the filter but never the page.
    assert 'href="/daten/foerderungen/?sort=amount&amp;format=csv"' in second.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "programme=NOPE",
        "programme=%00",
        "call=not-a-uuid",
        "call=00000000-0000-0000-0000-000000000000",
        "district=99999",
        f"district={RONNEBURG}",  # a municipality is no district
        "kind=land",
        "sort=price",
        "format=pdf",
        "format=",
        "kind=town&format=xml",
        "district=06&format=csv",
        "call=x&format=360giving",
        "programme=SHH&sort=%00&format=json",
    ],
)
def test_a_bad_parameter_is_refused_with_a_message_never_a_server_error(awarded, client, query):
    response = client.get(f"/daten/foerderungen/?{query}")
    if query == "format=":
        assert response.status_code == 200  # no format asked for: the page
        return
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert 'role="alert"' in response.content.decode() and amounts(response) == []


@pytest.mark.parametrize("page", ["0", "-1", "abc", "99999", "%00", "1.5"])
def test_any_page_number_gives_a_page(awarded, client, page):
    response = client.get(f"/daten/foerderungen/?seite={page}")
    assert response.status_code == 200 and len(amounts(response)) == 4


def test_the_pages_are_read_only(client, awarded):
    assert client.post("/daten/").status_code == 405
    assert client.post("/daten/foerderungen/?format=csv").status_code == 405


def test_without_any_award_the_pages_still_work(call, client):
    assert client.get("/daten/").status_code == 200
    response = client.get("/daten/foerderungen/")
    assert response.status_code == 200 and 'data-count="0"' in response.content.decode()
    # The 360Giving file needs at least one grant: it is not offered, and asked for, it is not there.
    assert "format=360giving" not in response.content.decode()
    assert client.get("/daten/foerderungen/?format=360giving").status_code == 404
    assert client.get("/daten/foerderungen/?format=csv").status_code == 200


def test_the_database_and_the_monitor_figures_agree(awarded):
    from kommunalportal.monitor.figures import ledger

    in_force = sum((amount_in_force(a) for a in awarded), Decimal(0))
    assert ledger().total.approved == in_force
    assert GrantDecision.objects.filter(released_at__isnull=False).aggregate(s=Sum("approved_amount"))["s"] == in_force


def test_the_pages_in_english_name_the_categories_in_english_and_the_files_stay_german(awarded, client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert client.get("/daten/").status_code == 200
    html = client.get("/daten/foerderungen/").content.decode()
    assert "Digital records (e-file)" in html and "Digitale Akte (E-Akte)" not in html
    # The data itself does not change with the visitor's language.
    assert "Digitale Akte (E-Akte)" in client.get("/daten/foerderungen/?format=csv").content.decode("utf-8-sig")
