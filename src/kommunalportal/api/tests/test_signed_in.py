"""The endpoints for signed-in people, per persona: a commune's staff see their own commune's applications,
money and drawdowns, the ministry everyone's, anonymous callers get a 401 and another commune a 404."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from knox.models import AuthToken

from kommunalportal.accounts.roles import Role
from kommunalportal.accounts.services import grant_membership
from kommunalportal.grants.models import Drawdown

from .conftest import MINISTRY, MORE_COMMUNES, OTHER_COMMUNE, OWN_COMMUNE, session_client, token_client

ENDPOINTS = ("/api/v1/applications/", "/api/v1/money/", "/api/v1/drawdowns/")


def ok(client: Client, path: str, **params):
    response = client.get(path, params)
    assert response.status_code == 200, response.content
    return response.json()


def problem(client: Client, path: str, status: int, params: dict | None = None):
    response = client.get(path, params or {})
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == status
    return response


def details(grant) -> list[str]:
    drawdown = Drawdown.objects.filter(application=grant).first()
    paths = [f"/api/v1/applications/{grant.public_id}/"]
    if drawdown is not None:
        paths.append(f"/api/v1/drawdowns/{drawdown.public_id}/")
    return paths


# Who is not signed in


def test_anonymous_callers_get_a_401_problem_asking_for_a_token(approved, grant):
    for path in (*ENDPOINTS, *details(grant), "/api/v1/token/"):
        response = problem(Client(), path, 401)
        assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize("header", ["Token 0123456789abcdef", "Token", "Bearer x", "Token a b"])
def test_a_wrong_token_is_a_401_problem(grant, header):
    for path in ENDPOINTS:
        problem(Client(headers={"authorization": header}), path, 401)


def test_an_expired_token_is_a_401_problem_asking_for_a_token(approved, grant, municipal_signatory):
    client = token_client(municipal_signatory)
    assert ok(client, "/api/v1/applications/")["count"] == 1
    AuthToken.objects.filter(user=municipal_signatory).update(expiry=timezone.now() - timedelta(minutes=1))
    for path in (*ENDPOINTS, *details(grant)):
        assert problem(client, path, 401)["WWW-Authenticate"] == "Token"


def test_the_token_of_a_deactivated_account_no_longer_works(grant, municipal_signatory):
    client = token_client(municipal_signatory)
    assert ok(client, "/api/v1/applications/")["count"] == 1
    municipal_signatory.is_active = False
    municipal_signatory.save()
    problem(client, "/api/v1/applications/", 401)


def test_a_ministry_session_without_the_second_factor_counts_as_not_signed_in(grant, reviewer):
    """No redirect to the portal's form, which a program could not follow: a 401 problem on every endpoint."""
    client = Client()
    client.force_login(reviewer)
    for path in ENDPOINTS:
        problem(client, path, 401)
    # Public endpoints read no session: the same answer as for a visitor.
    assert client.get("/api/v1/programmes/").status_code == 200
    # The pages still send the session to the second factor.
    response = client.get("/postfach/")
    assert response.status_code == 302 and response["Location"].startswith("/zwei-faktor/")


# A commune's own staff


@pytest.mark.parametrize("persona", OWN_COMMUNE)
@pytest.mark.parametrize("by", [token_client, session_client])
def test_each_role_of_the_commune_sees_its_application_money_and_drawdowns(approved, grant, persona, by, request):
    client = by(request.getfixturevalue(persona))
    applications = ok(client, "/api/v1/applications/")
    assert applications["count"] == 1
    [shown] = applications["results"]
    assert shown["id"] == str(grant.public_id) and shown["reference"] == grant.reference
    assert shown["commune"]["key"] == "06435006" and shown["status"] == "approved"
    assert shown["requested_amount"] == "15000.00" and shown["total_costs_amount"] == "20000.00"
    assert [m["category"] for m in shown["measures"]] == ["e-file"]
    assert ok(client, f"/api/v1/applications/{grant.public_id}/") == shown
    drawdowns = ok(client, "/api/v1/drawdowns/")
    assert drawdowns["count"] == 2 and {d["amount"] for d in drawdowns["results"]} == {"3000.00", "1500.03"}
    assert ok(client, f"/api/v1/drawdowns/{approved[0].public_id}/")["reference"] == approved[0].reference
    [money] = ok(client, "/api/v1/money/")["results"]
    assert money["application"]["id"] == str(grant.public_id)
    assert (money["approved"], money["drawn"], money["paid"], money["proven"], money["open"], money["to_repay"]) == (
        "15000.00", "4500.03", "0.00", None, "10499.97", "0.00",
    )  # fmt: skip


def test_the_money_follows_the_grant_to_the_proof_and_the_recovery(issued, municipal_signatory):
    [money] = ok(token_client(municipal_signatory), "/api/v1/money/")["results"]
    assert (money["approved"], money["paid"], money["proven"], money["open"], money["to_repay"]) == (
        "7500.00", "7500.00", "6750.00", "0.00", "750.00",
    )  # fmt: skip


def test_no_person_appears_in_what_the_api_shows(approved, grant, municipal_signatory):
    client = token_client(municipal_signatory)
    shown = ok(client, f"/api/v1/applications/{grant.public_id}/")
    assert set(shown) == {
        "id", "url", "reference", "title", "summary", "status", "commune", "programme", "call", "requested_amount",
        "own_share_amount", "third_party_amount", "total_costs_amount", "created_at", "submitted_at", "measures",
    }  # fmt: skip
    everything = str([ok(client, path) for path in ENDPOINTS])
    for person in ("municipal_applicant", "municipal_signatory", "reviewer", "programme_manager", "payment_officer"):
        assert person not in everything


# Another commune, and someone without a role


@pytest.mark.parametrize("persona", [*OTHER_COMMUNE, "citizen"])
@pytest.mark.parametrize("by", [token_client, session_client])
def test_another_commune_sees_nothing_and_gets_a_404_for_the_details(approved, grant, persona, by, request):
    client = by(request.getfixturevalue(persona))
    for path in ENDPOINTS:
        assert ok(client, path) == {"count": 0, "next": None, "previous": None, "results": []}
    for path in details(grant):
        problem(client, path, 404)


def test_not_yours_and_not_there_look_the_same(grant, other_commune_applicant):
    client = token_client(other_commune_applicant)
    theirs = client.get(f"/api/v1/applications/{grant.public_id}/").json()
    nothing = client.get("/api/v1/applications/00000000-0000-0000-0000-000000000000/").json()
    assert {k: v for k, v in theirs.items() if k != "instance"} == {k: v for k, v in nothing.items() if k != "instance"}


# The ministry


@pytest.mark.parametrize("persona", MINISTRY)
@pytest.mark.parametrize("by", [token_client, session_client])
def test_each_ministry_role_sees_every_communes(approved, grant, more_grants, persona, by, request):
    others = more_grants()
    client = by(request.getfixturevalue(persona))
    keys = {"06435006", *MORE_COMMUNES}
    assert {a["commune"]["key"] for a in ok(client, "/api/v1/applications/")["results"]} == keys
    assert {m["commune"]["key"] for m in ok(client, "/api/v1/money/")["results"]} == keys
    assert ok(client, "/api/v1/drawdowns/")["count"] == 2 + len(others)
    for path in details(grant) + details(others[0]):
        assert client.get(path).status_code == 200


def test_a_commune_sees_its_drafts_and_the_ministry_too(call, bruchkoebel, municipal_applicant, reviewer):
    from kommunalportal.grants.tests.conftest import draft

    application = draft(call, bruchkoebel, municipal_applicant)
    for user in (municipal_applicant, reviewer):
        [shown] = ok(token_client(user), "/api/v1/applications/")["results"]
        assert shown["status"] == "draft" and shown["id"] == str(application.public_id)
    assert ok(token_client(municipal_applicant), "/api/v1/money/")["count"] == 0  # not granted: no money yet


# Filters and pages


def test_applications_filter_by_status_call_programme_and_commune(grant, more_grants, reviewer, call):
    more_grants()
    client = token_client(reviewer)
    assert ok(client, "/api/v1/applications/", status="approved")["count"] == 4
    assert ok(client, "/api/v1/applications/", status="draft")["count"] == 0
    assert ok(client, "/api/v1/applications/", call=str(call.public_id))["count"] == 4
    assert ok(client, "/api/v1/applications/", programme=str(call.programme.public_id))["count"] == 4
    [only] = ok(client, "/api/v1/applications/", commune="06435024")["results"]
    assert only["commune"]["key"] == "06435024"
    [money] = ok(client, "/api/v1/money/", commune="06435006")["results"]
    assert money["application"]["id"] == str(grant.public_id)
    assert ok(client, "/api/v1/money/", call=str(call.public_id))["count"] == 4
    assert ok(client, "/api/v1/drawdowns/", commune="06435024")["count"] == 1
    assert ok(client, "/api/v1/drawdowns/", application=str(grant.public_id))["count"] == 0
    assert ok(client, "/api/v1/drawdowns/", status="requested", call=str(call.public_id))["count"] == 3


def test_a_commune_cannot_filter_by_another_communes_application(approved, grant, other_commune_applicant):
    client = token_client(other_commune_applicant)
    response = problem(client, "/api/v1/drawdowns/", 400, {"application": str(grant.public_id)})
    assert [p["name"] for p in response.json()["invalid_params"]] == ["application"]


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/v1/applications/", {"status": "granted"}),
        ("/api/v1/applications/", {"call": "2020"}),
        ("/api/v1/applications/", {"commune": "Bruchköbel"}),
        ("/api/v1/money/", {"programme": "SHH"}),
        ("/api/v1/money/", {"commune": "06999999"}),
        ("/api/v1/drawdowns/", {"status": "open"}),
        ("/api/v1/drawdowns/", {"application": "SHH-2020-0001"}),
        ("/api/v1/drawdowns/", {"limit": "all"}),
        ("/api/v1/money/", {"offset": "-50"}),
    ],
)
def test_a_bad_parameter_is_a_400_naming_it(grant, municipal_signatory, path, params):
    response = problem(token_client(municipal_signatory), path, 400, params)
    assert [p["name"] for p in response.json()["invalid_params"]] == list(params)


def test_the_signed_in_lists_come_in_pages(approved, grant, municipal_signatory):
    client = token_client(municipal_signatory)
    first = ok(client, "/api/v1/drawdowns/", limit=1)
    assert first["count"] == 2 and len(first["results"]) == 1 and first["previous"] is None
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 1 and second["next"] is None
    assert {first["results"][0]["id"], second["results"][0]["id"]} == {str(d.public_id) for d in approved}


# A constant number of queries, however much there is


@pytest.mark.parametrize("persona", ["reviewer", "municipal_signatory"])
def test_the_signed_in_lists_read_a_constant_number_of_queries(
    approved, grant, more_grants, persona, request, django_assert_num_queries
):
    user = request.getfixturevalue(persona)
    client = token_client(user)
    # After the token and the caller's roles: applications (count, page, measures); money (granted applications,
    # drawdowns, proofs, recoveries); drawdowns (count, page).
    queries = {"/api/v1/applications/": 5, "/api/v1/money/": 6, "/api/v1/drawdowns/": 4}

    def read_all() -> list[int]:
        counts = []
        for path, number in queries.items():
            with django_assert_num_queries(number):
                response = client.get(path, {"limit": 500})
            assert response.status_code == 200
            counts.append(response.json()["count"])
        return counts

    small = read_all()
    others = more_grants()
    if persona == "municipal_signatory":  # the signatory also signs for two more communes: their lists grow too
        for application in others[:2]:
            grant_membership(user=user, organisation=application.organisation, role=Role.MUNICIPAL_SIGNATORY,
                             actor="test")  # fmt: skip
    large = read_all()
    assert small == [1, 1, 2]
    assert large == ([4, 4, 5] if persona == "reviewer" else [3, 3, 4])
