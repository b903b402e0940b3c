"""The main navigation, by role: each entry says who sees it. Later apps add their entries here."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kommunalportal.accounts import policies


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    visible: Callable[[Any], bool]
    url_kwargs: Callable[[Any], dict[str, str]] | None = None


def _everyone(user: Any) -> bool:
    return True


def _staff(user: Any) -> bool:
    """Ministry staff and the communes' people, not citizens."""
    return policies.is_ministry_user(user) or policies.is_commune_user(user)


def _commune_not_ministry(user: Any) -> bool:
    """The communes' people; someone who is ministry staff as well has the ministry's view of the same thing."""
    return policies.is_commune_user(user) and not policies.is_ministry_user(user)


def _own_commune_key(user: Any) -> dict[str, str]:
    from kommunalportal.accounts.roles import COMMUNE_ROLES
    from kommunalportal.accounts.selectors import organisations_of

    organisation = organisations_of(user, roles=COMMUNE_ROLES).order_by("short_name").first()
    return {"key": organisation.key} if organisation else {}


NAV_ITEMS: tuple[NavItem, ...] = (
    NavItem(_("Home"), "core:home", _everyone),
    NavItem(_("Communes"), "organisations:list", _everyone),
    NavItem(_("Map"), "monitor:map", _everyone),
    NavItem(_("Digitalisation index"), "monitor:index", _everyone),
    NavItem(_("Open data"), "opendata:index", _everyone),
    NavItem(_("Grants"), "grants:overview", _staff),
    NavItem(_("Grant funds"), "grants:money", _staff),
    NavItem(_("Monitor"), "monitor:dashboard", policies.is_ministry_user),
    NavItem(_("Monitor"), "monitor:commune_dashboard", _commune_not_ministry),
    NavItem(_("Self-assessment"), "monitor:questionnaires", _staff),
    NavItem(_("My commune"), "organisations:detail", policies.is_commune_user, _own_commune_key),
    NavItem(_("Inbox"), "notifications:inbox", lambda user: user.is_authenticated),
    NavItem(_("Announcements"), "notifications:announcements", policies.is_ministry_user),
    NavItem(_("Administration"), "admin:index", lambda user: user.is_staff),
)


@dataclass
class NavEntry:
    label: str | Promise
    url: str
    is_current: bool = False


def navigation_for(user: Any, current_path: str) -> list[NavEntry]:
    entries = []
    for item in NAV_ITEMS:
        if not item.visible(user):
            continue
        kwargs = item.url_kwargs(user) if item.url_kwargs else {}
        if item.url_kwargs and not kwargs:
            continue
        entries.append(NavEntry(item.label, reverse(item.url_name, kwargs=kwargs or None)))
    # The entry with the longest address that the current page lies under is the current one.
    matching = [e for e in entries if current_path == e.url or (e.url != "/" and current_path.startswith(e.url))]
    if matching:
        max(matching, key=lambda e: len(e.url)).is_current = True
    return entries
