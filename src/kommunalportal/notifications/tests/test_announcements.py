"""News to communes: the audience, the inbox and mail, the read receipts, who may do what."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import BRUCHKOEBEL, RONNEBURG, _person, signed_in
from kommunalportal.accounts.roles import Role
from kommunalportal.core.errors import DomainError, PermissionDenied
from kommunalportal.core.models import AuditEvent
from kommunalportal.notifications.announcements import Audience, publish_announcement, receipts
from kommunalportal.notifications.models import Announcement, Message
from kommunalportal.notifications.services import mark_read
from kommunalportal.organisations.models import COMMUNE_KINDS, Organisation

MAIN_KINZIG = "06435"  # Main-Kinzig-Kreis: Bruchköbel and Ronneburg lie in it
FRANKFURT = "06412000"


def publish(actor, **audience):
    return publish_announcement(
        actor=actor, subject="Phase 2 beginnt", body="Ab 1. März können Projekte eingereicht werden.",
        link="/foerderung/", audience=Audience(**audience),
    )  # fmt: skip


def test_without_a_choice_every_commune_is_reached(registry):
    assert Audience().communes().count() == 443
    assert set(Audience().communes().values_list("kind", flat=True)) == {k.value for k in COMMUNE_KINDS}


def test_a_district_reaches_itself_and_its_municipalities_and_the_filters_narrow(registry):
    district = Organisation.objects.get(key=MAIN_KINZIG)
    in_district = set(Audience(districts=(MAIN_KINZIG,)).communes().values_list("key", flat=True))
    assert MAIN_KINZIG in in_district and {BRUCHKOEBEL, RONNEBURG} <= in_district
    assert len(in_district) == 1 + Organisation.objects.filter(district=district, kind__in=COMMUNE_KINDS).count()
    assert FRANKFURT not in in_district
    # Only municipalities under 5,000 inhabitants in the district: Ronneburg, not Bruchköbel, not the district.
    small = set(Audience(districts=(MAIN_KINZIG,), size_classes=("xs",)).communes().values_list("key", flat=True))
    assert RONNEBURG in small and BRUCHKOEBEL not in small and MAIN_KINZIG not in small
    assert all(o.population < 5000 for o in Audience(size_classes=("xs",)).communes())
    assert set(Audience(kinds=("district",)).communes().values_list("kind", flat=True)) == {"district"}
    assert Audience(kinds=("district",)).communes().count() == 21


@pytest.mark.parametrize(
    "audience",
    [{"districts": ("99999",)}, {"districts": (FRANKFURT,)}, {"kinds": ("land",)}, {"size_classes": ("huge",)}],
)
def test_an_unknown_choice_is_refused(registry, programme_manager, audience):
    with pytest.raises(DomainError):
        publish(programme_manager, **audience)
    assert not Announcement.objects.exists() and not Message.objects.exists()


def test_the_announcement_reaches_everyone_working_for_the_communes_chosen_by_inbox_and_mail(
    registry, programme_manager, municipal_applicant, municipal_signatory, clerk, other_commune_applicant,
    django_capture_on_commit_callbacks, tasks_run_now,
):  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        announcement = publish(programme_manager, districts=(MAIN_KINZIG,), size_classes=("l",))
    # Bruchköbel's three people (20,000 to 49,999 inhabitants); Ronneburg, a village in the same district, nothing.
    inbox = Message.objects.filter(announcement=announcement)
    assert set(inbox.values_list("recipient__username", flat=True)) == {
        municipal_applicant.username,
        municipal_signatory.username,
        clerk.username,
    }
    assert not Message.objects.filter(recipient=other_commune_applicant).exists()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        person.email for person in (municipal_applicant, municipal_signatory, clerk)
    )
    assert announcement.communes == Audience(districts=(MAIN_KINZIG,), size_classes=("l",)).communes().count()
    event = AuditEvent.objects.get(action="notifications.announcement.published")
    assert event.after["districts"] == [MAIN_KINZIG] and event.after["communes"] == announcement.communes
    assert event.after["size_classes"] == ["l"]


def test_the_read_receipts_count_who_has_read_it(registry, programme_manager, municipal_applicant, clerk):
    announcement = publish(programme_manager, districts=(MAIN_KINZIG,))
    mark_read(message=Message.objects.get(announcement=announcement, recipient=clerk), actor=clerk)
    [bruchkoebel] = receipts(announcement)
    assert bruchkoebel.organisation.key == BRUCHKOEBEL
    assert (bruchkoebel.recipients, bruchkoebel.read) == (2, 1) and bruchkoebel.first_read_at is not None


@pytest.mark.parametrize("persona", ["reviewer", "payment_officer", "auditor", "municipal_signatory"])
def test_only_programme_managers_publish(registry, persona, request):
    with pytest.raises(PermissionDenied):
        publish(request.getfixturevalue(persona))


def test_the_pages_publish_and_show_the_receipts_to_the_ministry_only(
    registry, programme_manager, reviewer, municipal_applicant, django_assert_max_num_queries
):
    manager = signed_in(programme_manager, ministry=True)
    form = manager.get("/postfach/mitteilungen/neu/").content.decode()
    assert f'value="{MAIN_KINZIG}"' in form
    response = manager.post(
        "/postfach/mitteilungen/neu/",
        {"subject": "Phase 2", "body": "Bald geht es los.", "link": "/foerderung/", "districts": [MAIN_KINZIG]},
    )
    announcement = Announcement.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/postfach/mitteilungen/{announcement.public_id}/"
    # Bad input: a German message on the page, nothing published.
    for bad in ({"subject": "", "body": "x"}, {"subject": "x", "body": "y", "link": "https://evil.example/"},
                {"subject": "x", "body": "y", "kinds": ["land"]}):  # fmt: skip
        assert manager.post("/postfach/mitteilungen/neu/", bad).status_code == 200
    assert Announcement.objects.count() == 1
    # A reviewer reads the list and the receipts but cannot publish; a commune sees none of it.
    ministry = signed_in(reviewer, ministry=True)
    assert "Phase 2" in ministry.get("/postfach/mitteilungen/").content.decode()
    page = ministry.get(f"/postfach/mitteilungen/{announcement.public_id}/").content.decode()
    assert "Bruchköbel" in page
    assert ministry.get("/postfach/mitteilungen/neu/").status_code == 403
    commune = signed_in(municipal_applicant, ministry=False)
    for url in ("/postfach/mitteilungen/", f"/postfach/mitteilungen/{announcement.public_id}/"):
        assert commune.get(url).status_code == 403
    assert "Phase 2" in commune.get("/postfach/").content.decode()  # in its inbox, of course


def test_the_list_and_the_receipts_read_a_constant_number_of_queries(registry, programme_manager, municipal_applicant):
    client = signed_in(programme_manager, ministry=True)
    small = publish(programme_manager, districts=(MAIN_KINZIG,))

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    one_list, one_receipt = queries("/postfach/mitteilungen/"), queries(f"/postfach/mitteilungen/{small.public_id}/")
    for key in ("06412000", "06411000", RONNEBURG):
        _person(f"extra{key}", Role.CLERK, key)
    everyone = publish(programme_manager)
    assert everyone.messages.values("organisation").distinct().count() == 4  # Bruchköbel and the three
    assert queries("/postfach/mitteilungen/") == one_list
    assert queries(f"/postfach/mitteilungen/{everyone.public_id}/") == one_receipt
