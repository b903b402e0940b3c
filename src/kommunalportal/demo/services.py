"""The demo: people for every role in the ministry and in three communes of different size,
built through the same services an operator uses. Running it again changes nothing."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from kommunalportal.accounts.models import User
from kommunalportal.accounts.roles import Role
from kommunalportal.accounts.services import create_user, grant_membership
from kommunalportal.core import clock
from kommunalportal.core.errors import DomainError
from kommunalportal.grants.models import Call, CallShape, FinancingType, MeasureCategory, Programme
from kommunalportal.grants.services import CallSettings, create_call, create_programme, publish_call, publish_envelopes
from kommunalportal.monitor.demo import seed_demo_responses
from kommunalportal.notifications.announcements import Audience, publish_announcement
from kommunalportal.notifications.services import mark_read
from kommunalportal.organisations.models import COMMUNE_KINDS
from kommunalportal.organisations.selectors import land, organisation_by_key

from .money import pay_out_round
from .round import decide_round, submit_joint_projects, submit_round

# Printed next to every demo login; it exists only in development databases.
DEMO_PASSWORD = "Starke-Heimat-2020"
ACTOR = "load_demo"


@dataclass(frozen=True)
class DemoPerson:
    username: str
    first_name: str
    last_name: str
    role: Role
    organisation_key: str  # "06" is the ministry


MINISTRY_PEOPLE = (
    DemoPerson("programm", "Petra", "Lindner", Role.PROGRAMME_MANAGER, "06"),
    DemoPerson("pruefung", "Jonas", "Becker", Role.REVIEWER, "06"),
    DemoPerson("pruefung2", "Aylin", "Demir", Role.REVIEWER, "06"),
    DemoPerson("zahlung", "Markus", "Weber", Role.PAYMENT_OFFICER, "06"),
    DemoPerson("zahlung2", "Sabine", "Krüger", Role.PAYMENT_OFFICER, "06"),
    DemoPerson("revision", "Thomas", "Hartmann", Role.AUDITOR, "06"),
)
# A city, a town and a village: Frankfurt am Main, Bruchköbel and Ronneburg.
DEMO_COMMUNES = {"frankfurt": "06412000", "bruchkoebel": "06435006", "ronneburg": "06435024"}
COMMUNE_ROLE_PREFIXES = {
    Role.MUNICIPAL_APPLICANT: ("antrag", "Anna", "Antragstellerin"),
    Role.MUNICIPAL_SIGNATORY: ("zeichnung", "Bernd", "Zeichnungsberechtigt"),
    Role.CLERK: ("sachbearbeitung", "Clara", "Sachbearbeiterin"),
    Role.SERVICE_DESIGNER: ("gestaltung", "David", "Gestalter"),
}


def demo_people() -> list[DemoPerson]:
    people = list(MINISTRY_PEOPLE)
    for slug, key in DEMO_COMMUNES.items():
        for role, (prefix, first, last) in COMMUNE_ROLE_PREFIXES.items():
            people.append(DemoPerson(f"{prefix}.{slug}", first, last, role, key))
    return people


@transaction.atomic
def load_demo_people() -> list[DemoPerson]:
    """Create every demo person with the membership of their role; ministry staff get an authenticator."""
    if land() is None:
        raise DomainError("Load the registry first (manage.py load_registry).")
    people = demo_people()
    for person in people:
        organisation = organisation_by_key(person.organisation_key)
        if organisation is None:
            raise DomainError(f"The registry has no organisation {person.organisation_key}.")
        user = User.objects.filter(username=person.username).first()
        if user is None:
            user = create_user(
                username=person.username, password=DEMO_PASSWORD, actor=ACTOR,
                email=f"{person.username}@kommunalportal.invalid",
                first_name=person.first_name, last_name=person.last_name,
            )  # fmt: skip
        grant_membership(user=user, organisation=organisation, role=person.role, actor=ACTOR)
        if organisation.is_land and not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            # Demo staff get a ready device; `manage.py totp_code <user>` shows its current code.
            TOTPDevice.objects.create(user=user, name="Demo", confirmed=True)
    return people


@transaction.atomic
def load_demo_programme() -> Programme:
    """ "Starke Heimat Hessen": €20 M a year 2020–2024, and the 2020 round of envelopes for all 443 communes,
    paid out and partly proven by the end of 2021.

    The real key weighted financial capacity, which is not public; the demo splits by population with the
    published floor of €7,500, a fifth of the budget going to the 21 districts.
    """
    existing = Programme.objects.filter(code="SHH").first()
    if existing is not None:
        return existing
    manager = User.objects.get(username="programm")
    programme = shh_programme(manager)
    call = phase_one_call(manager)
    publish_envelopes(call=call, actor=manager)
    publish_call(call=call, actor=manager)
    submit_round(call)
    decide_round(call, reviewer=User.objects.get(username="pruefung"), releaser=manager)
    pay_out_round(call)
    announce_phase_two(manager)
    phase_two = phase_two_call(programme, manager)
    submit_joint_projects(
        phase_two,
        manager=manager,
        jurors=[User.objects.get(username=name) for name in ("pruefung", "pruefung2", "programm")],
    )
    load_open_call(manager)
    # The communes' yearly self-assessments 2020–2024, for the digitalisation index.
    seed_demo_responses(range(2020, 2025))
    return programme


# The ministry announced the competitive phase to every commune in January 2021; some read it at once.
PHASE_TWO_NEWS = (
    "Starke Heimat Hessen: Phase 2 beginnt",
    "Ab dem 1. März 2021 können Städte, Gemeinden und Landkreise Projekte für die zweite Phase einreichen: "
    "100.000 bis 2,5 Millionen Euro je Projekt, bis zu 90 Prozent der zuwendungsfähigen Ausgaben, gemeinsame "
    "Projekte mehrerer Kommunen werden bevorzugt. Die Einzelheiten stehen im Förderaufruf.",
)


def announce_phase_two(manager: User) -> None:
    published = timezone.make_aware(datetime(2021, 1, 15, 10))
    with clock.replaying(published):
        announcement = publish_announcement(
            actor=manager, subject=PHASE_TWO_NEWS[0], body=PHASE_TWO_NEWS[1], link="/foerderung/",
            audience=Audience(),
        )  # fmt: skip
    # The signatories of the three demo communes and the districts' signatories have read it.
    readers = announcement.messages.filter(
        Q(organisation__key__in=DEMO_COMMUNES.values()) | Q(organisation__kind="district"),
        recipient__username__startswith="zeichnung.",
    )
    with clock.replaying(published + timedelta(days=1)):
        for message in readers.select_related("recipient"):
            mark_read(message=message, actor=message.recipient)


def phase_two_call(programme: Programme, manager: User) -> Call:
    """The 2021 competition: €100 k to €2.5 M per project, at most two years, up to 90 %, joint projects preferred."""
    call = create_call(
        programme=programme,
        year=2021,
        actor=manager,
        settings=CallSettings(
            name="Phase 2: Wettbewerb 2021",
            shape=CallShape.COMPETITIVE,
            budget_amount=Decimal("16000000.00"),
            opens_on=date(2021, 3, 1),
            deadline_on=date(2021, 6, 30),
            eligible_kinds=[kind.value for kind in COMMUNE_KINDS],
            categories=MeasureCategory.objects.filter(is_active=True),
            financing_type=FinancingType.PROPORTIONAL,
            funding_rate=Decimal("0.9"),
            min_own_share_rate=Decimal("0.1"),
            min_grant_amount=Decimal("100000.00"),
            max_grant_amount=Decimal("2500000.00"),
            max_duration_months=24,
            proof_of_use_due_on=date(2023, 12, 31),
        ),
    )
    return publish_call(call=call, actor=manager)


def shh_programme(manager: User) -> Programme:
    """The programme with its five yearly budgets of €20 M."""
    return create_programme(
        actor=manager,
        code="SHH",
        name="Starke Heimat Hessen",
        legal_basis="§ 44 LHO und den Verwaltungsvorschriften dazu",
        description="Förderung der Digitalisierung der hessischen Städte, Gemeinden und Landkreise "
        "auf dem Weg zum digitalen Rathaus.",
        starts_on=date(2020, 1, 1),
        ends_on=date(2024, 12, 31),
        year_budgets={year: Decimal("20000000.00") for year in range(2020, 2025)},
    )


def load_open_call(manager: User) -> Call:
    """A call that is open now, so that a visitor can apply as one of the demo communes right away."""
    today = timezone.localdate()
    programme = create_programme(
        actor=manager,
        code="DKH",
        name="Digitale Kommune Hessen",
        legal_basis="§ 44 LHO und den Verwaltungsvorschriften dazu",
        description="Folgeprogramm zur Verstetigung der Online-Dienste (Demonstration).",
        starts_on=date(today.year, 1, 1),
        ends_on=date(today.year + 2, 12, 31),
        year_budgets={today.year: Decimal("10000000.00")},
    )
    call = create_call(
        programme=programme,
        year=today.year,
        actor=manager,
        settings=CallSettings(
            name=f"Kontingente {today.year}",
            shape=CallShape.FORMULA,
            budget_amount=Decimal("8000000.00"),
            opens_on=today - timedelta(days=14),
            deadline_on=today + timedelta(days=60),
            eligible_kinds=[kind.value for kind in COMMUNE_KINDS],
            categories=MeasureCategory.objects.filter(is_active=True),
            financing_type=FinancingType.PROPORTIONAL,
            funding_rate=Decimal("0.9"),
            min_own_share_rate=Decimal("0.1"),
            proof_of_use_due_on=today + timedelta(days=730),
            floor_amount=Decimal("5000.00"),
            district_share_rate=Decimal("0.2"),
        ),
    )
    publish_envelopes(call=call, actor=manager)
    return publish_call(call=call, actor=manager)


def phase_one_call(manager: User) -> Call:
    """The 2020 call: €16 M split among all 443 communes with a floor of €7,500 and a fifth for the districts."""
    programme = Programme.objects.get(code="SHH")
    return create_call(
        programme=programme,
        year=2020,
        actor=manager,
        settings=CallSettings(
            name="Phase 1: Kontingente 2020",
            shape=CallShape.FORMULA,
            budget_amount=Decimal("16000000.00"),
            opens_on=date(2020, 7, 1),
            deadline_on=date(2020, 8, 31),
            eligible_kinds=[kind.value for kind in COMMUNE_KINDS],
            categories=MeasureCategory.objects.filter(is_active=True),
            financing_type=FinancingType.PROPORTIONAL,
            funding_rate=Decimal("0.75"),
            min_own_share_rate=Decimal("0.25"),
            proof_of_use_due_on=date(2021, 12, 31),
            drawdown_window_days=60,
            floor_amount=Decimal("7500.00"),
            district_share_rate=Decimal("0.2"),
        ),
    )
