"""Writes about users, memberships and second factors. An `actor` that is not a user is the system
(a management command run by an operator); a user actor must pass the policy."""

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from kommunalportal.core.audit import record_event, snapshot
from kommunalportal.core.errors import DomainError, PermissionDenied
from kommunalportal.core.policies import require
from kommunalportal.organisations.models import Organisation, OrganisationKind

from . import policies
from .models import Membership, User
from .roles import Role

USER_FIELDS = ("username", "email", "first_name", "last_name", "is_active", "is_staff", "is_superuser")


def forget_roles(user: User) -> None:
    """Drop the roles cached on this user object (accounts.policies.roles_of) after they changed."""
    user.__dict__.pop("_kp_roles", None)


def _check_operator(actor: Any) -> None:
    if isinstance(actor, User):
        require(policies.can_manage_memberships(actor))


@transaction.atomic
def create_user(
    *,
    username: str,
    password: str | None,
    actor: Any,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    is_staff: bool = False,
    is_superuser: bool = False,
) -> User:
    """Register a person who may sign in."""
    _check_operator(actor)
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(_("The user name “%(name)s” is already taken.") % {"name": username})
    user = User(
        username=username, email=email, first_name=first_name, last_name=last_name,
        is_staff=is_staff, is_superuser=is_superuser,
    )  # fmt: skip
    if password is None:
        user.set_unusable_password()
    else:
        validate_password(password, user)
        user.set_password(password)
    user.save()
    record_event(actor=actor, action="accounts.user.created", obj=user, after=snapshot(user, USER_FIELDS))
    return user


@transaction.atomic
def grant_membership(*, user: User, organisation: Organisation, role: Role, actor: Any) -> Membership:
    """Give a user a role in an organisation (nothing happens if the user holds it already)."""
    _check_operator(actor)
    decision = policies.can_hold_role(organisation, role)
    if not decision:
        raise DomainError(decision.reason)
    existing = Membership.objects.filter(user=user, organisation=organisation, role=role, ended_at__isnull=True).first()
    if existing is not None:
        return existing
    membership = Membership.objects.create(user=user, organisation=organisation, role=role)
    forget_roles(user)
    record_event(
        actor=actor, action="accounts.membership.granted", obj=membership,
        after={"user": user.username, "organisation": organisation.key, "role": role.value},
    )  # fmt: skip
    return membership


@transaction.atomic
def end_membership(*, membership: Membership, actor: Any) -> Membership:
    """Take a role away from a user; the membership stays on record with its end."""
    _check_operator(actor)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.ended_at is not None:
        raise DomainError(_("This membership has already ended."))
    membership.ended_at = timezone.now()
    membership.save(update_fields=["ended_at"])
    forget_roles(membership.user)
    record_event(
        actor=actor, action="accounts.membership.ended", obj=membership,
        before={"ended_at": None}, after=snapshot(membership, ["ended_at"]),
    )  # fmt: skip
    return membership


@transaction.atomic
def create_ministry_admin(*, username: str, email: str, password: str, actor: Any) -> User:
    """Create the first operator: Django admin access and the programme manager role in the ministry."""
    land = Organisation.objects.filter(kind=OrganisationKind.LAND).first()
    if land is None:
        raise DomainError(_("Load the registry first: the state's organisation does not exist yet."))
    user = create_user(username=username, password=password, email=email, actor=actor, is_staff=True, is_superuser=True)
    grant_membership(user=user, organisation=land, role=Role.PROGRAMME_MANAGER, actor=actor)
    return user


@transaction.atomic
def start_totp_enrolment(*, user: User) -> TOTPDevice:
    """Create (or reuse) the unconfirmed authenticator device a user is about to set up."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)
    return device


@transaction.atomic
def confirm_totp_device(*, device: TOTPDevice, token: str, actor: User) -> bool:
    """Activate an authenticator app once the user has shown a valid code from it."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    if device.user_id != actor.pk or device.confirmed:
        raise PermissionDenied(_("This device cannot be confirmed."))
    if not device.verify_token(token):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    record_event(actor=actor, action="accounts.totp_device.confirmed", obj=device, after={"confirmed": True})
    return True
