import io
import os
from unittest import mock

import pytest
from django.core.management import CommandError, call_command

from kommunalportal.accounts import policies
from kommunalportal.accounts.models import Membership, User
from kommunalportal.accounts.roles import COMMUNE_ROLES, MINISTRY_ROLES, Role
from kommunalportal.accounts.services import create_ministry_admin, end_membership, grant_membership
from kommunalportal.core.errors import DomainError, PermissionDenied
from kommunalportal.core.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_role_codes_are_stable():
    assert set(Role.values) == {
        "programme_manager", "reviewer", "payment_officer", "auditor",
        "municipal_applicant", "municipal_signatory", "clerk", "service_designer",
    }  # fmt: skip
    assert set(Role) == MINISTRY_ROLES | COMMUNE_ROLES
    assert not MINISTRY_ROLES & COMMUNE_ROLES


@pytest.mark.parametrize("role", sorted(MINISTRY_ROLES))
def test_ministry_roles_are_held_only_in_the_state(organisation, role):
    user = UserFactory()
    grant_membership(user=user, organisation=organisation("06"), role=role, actor="test")
    with pytest.raises(DomainError, match=r"(?i)minist"):
        grant_membership(user=user, organisation=organisation("06435006"), role=role, actor="test")


@pytest.mark.parametrize("role", sorted(COMMUNE_ROLES))
def test_commune_roles_are_held_only_in_communes(organisation, role):
    user = UserFactory()
    grant_membership(user=user, organisation=organisation("06435"), role=role, actor="test")  # a district
    for key in ("06", "06431200"):  # the state and an unincorporated area
        with pytest.raises(DomainError):
            grant_membership(user=user, organisation=organisation(key), role=role, actor="test")


def test_granting_is_audited_and_idempotent(organisation):
    user = UserFactory()
    first = grant_membership(user=user, organisation=organisation("06435024"), role=Role.CLERK, actor="test")
    again = grant_membership(user=user, organisation=organisation("06435024"), role=Role.CLERK, actor="test")
    assert first == again
    events = AuditEvent.objects.filter(action="accounts.membership.granted", object_id=str(first.pk))
    assert [e.after for e in events] == [{"user": user.username, "organisation": "06435024", "role": "clerk"}]


def test_an_ended_membership_stays_on_record_and_takes_the_role_away(organisation):
    user = UserFactory()
    membership = grant_membership(user=user, organisation=organisation("06435024"), role=Role.CLERK, actor="test")
    end_membership(membership=membership, actor="test")
    assert Membership.objects.get(pk=membership.pk).ended_at is not None
    assert not policies.has_role(User.objects.get(pk=user.pk), Role.CLERK)
    assert AuditEvent.objects.filter(action="accounts.membership.ended", object_id=str(membership.pk)).exists()
    with pytest.raises(DomainError):
        end_membership(membership=membership, actor="test")


def test_only_operators_grant_roles(organisation, municipal_signatory, programme_manager):
    for actor in (municipal_signatory, programme_manager):
        with pytest.raises(PermissionDenied):
            grant_membership(user=UserFactory(), organisation=organisation("06435006"), role=Role.CLERK, actor=actor)
    operator = UserFactory(is_superuser=True, is_staff=True)
    grant_membership(user=UserFactory(), organisation=organisation("06435006"), role=Role.CLERK, actor=operator)


def test_each_persona_holds_exactly_its_role(
    programme_manager, reviewer, payment_officer, auditor, municipal_applicant, municipal_signatory, clerk,
    service_designer, citizen, organisation,
):  # fmt: skip
    personas = {
        Role.PROGRAMME_MANAGER: programme_manager, Role.REVIEWER: reviewer, Role.PAYMENT_OFFICER: payment_officer,
        Role.AUDITOR: auditor, Role.MUNICIPAL_APPLICANT: municipal_applicant,
        Role.MUNICIPAL_SIGNATORY: municipal_signatory, Role.CLERK: clerk, Role.SERVICE_DESIGNER: service_designer,
    }  # fmt: skip
    for role, user in personas.items():
        assert [r for r in Role if policies.has_role(user, r)] == [role]
        assert policies.is_ministry_user(user) == (role in MINISTRY_ROLES)
        assert policies.is_commune_user(user) == (role in COMMUNE_ROLES)
        assert policies.requires_two_factor(user) == (role in MINISTRY_ROLES)
    assert policies.has_role(clerk, Role.CLERK, organisation("06435006"))
    assert not policies.has_role(clerk, Role.CLERK, organisation("06435024"))
    assert not policies.roles_of(citizen)
    assert not policies.requires_two_factor(citizen)


def test_create_ministry_admin_makes_an_operator_and_programme_manager(registry):
    user = create_ministry_admin(
        username="admin", email="admin@example.org", password="Lang-und-sicher-2020", actor="t"
    )
    assert user.is_staff and user.is_superuser
    assert policies.has_role(user, Role.PROGRAMME_MANAGER)
    assert policies.requires_two_factor(user)


def test_the_admin_command_takes_the_password_from_the_environment(registry):
    stdout = io.StringIO()
    with mock.patch.dict(os.environ, {"KP_ADMIN_PASSWORD": "Lang-und-sicher-2020"}):
        call_command("create_ministry_admin", "chefin", stdout=stdout)
    assert User.objects.get(username="chefin").check_password("Lang-und-sicher-2020")


def test_the_admin_command_refuses_a_weak_password_and_creates_nothing(registry):
    with mock.patch.dict(os.environ, {"KP_ADMIN_PASSWORD": "1234"}), pytest.raises(CommandError):
        call_command("create_ministry_admin", "chefin")
    assert not User.objects.filter(username="chefin").exists()
    assert not AuditEvent.objects.filter(action="accounts.user.created", object_repr="chefin").exists()


def test_the_admin_command_refuses_a_taken_name(registry):
    UserFactory(username="chefin")
    with mock.patch.dict(os.environ, {"KP_ADMIN_PASSWORD": "Lang-und-sicher-2020"}), pytest.raises(CommandError):
        call_command("create_ministry_admin", "chefin")
