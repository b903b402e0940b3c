"""The query parameters of the list endpoints, checked: a value of the wrong form, or naming something that
is not there (or not visible to the caller), is a 400 problem with the parameter named, never an empty guess."""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from kommunalportal.grants.models import CallStatus, DrawdownStatus
from kommunalportal.grants.selectors import applications_visible_to, calls_visible_to, programmes_visible_to
from kommunalportal.grants.workflow import ApplicationStatus
from kommunalportal.organisations.models import COMMUNE_KINDS
from kommunalportal.organisations.selectors import communes, districts

from .pagination import page_errors
from .selectors import public_calls, public_programmes

Visible = Callable[[Any], QuerySet[Any]]


class VisiblePublicIdField(serializers.UUIDField):
    """The public id of something the caller may see, resolved to the object."""

    default_error_messages = {"unknown": _("Nothing with this id is visible to you.")}

    def __init__(self, *, visible: Visible, **kwargs: Any) -> None:
        self.visible = visible
        super().__init__(required=False, **kwargs)

    def run_validation(self, data: Any = serializers.empty) -> Any:  # the object found
        public_id = super().run_validation(data)
        found = self.visible(self.context["request"].user).filter(public_id=public_id).first()
        if found is None:
            self.fail("unknown")
        return found


class OfficialKeyField(serializers.RegexField):
    """An official key (AGS or district key) of a commune in the registry, resolved to the organisation."""

    default_error_messages = {
        "invalid": _("An official key: 5 digits (district) or 8 digits (municipality)."),
        "unknown": _("No commune has this official key."),
    }

    def __init__(self, *, regex: str = r"^[0-9]{5}([0-9]{3})?$", among: Callable[[], QuerySet[Any]] = communes,
                 **kwargs: Any) -> None:  # fmt: skip
        self.among = among
        super().__init__(regex, required=False, **kwargs)

    def run_validation(self, data: Any = serializers.empty) -> Any:  # the object found
        key = super().run_validation(data)  # the form first (its validators see the text)
        found = self.among().filter(key=key).first()
        if found is None:
            self.fail("unknown")
        return found


def _public_programmes(user: Any) -> QuerySet[Any]:
    return public_programmes()


def _public_calls(user: Any) -> QuerySet[Any]:
    return public_calls()


def _programme(visible: Visible) -> VisiblePublicIdField:
    return VisiblePublicIdField(visible=visible, help_text="The id of a programme: only its calls, grants or values.")


def _call(visible: Visible) -> VisiblePublicIdField:
    return VisiblePublicIdField(visible=visible, help_text="The id of a call: only its grants or values.")


def _commune() -> OfficialKeyField:
    return OfficialKeyField(help_text="The official key of a commune (8 digits; a district: 5 digits).")


def _district() -> OfficialKeyField:
    return OfficialKeyField(
        regex=r"^[0-9]{5}$",
        among=districts,
        help_text="The key of a district (5 digits): the district and the municipalities in it.",
        error_messages={"invalid": _("A district's key: 5 digits."), "unknown": _("No district has this key.")},
    )


class Filters(serializers.Serializer):
    """Query parameters; an empty one counts as not given."""

    paged = True  # the list comes in pages: `limit` and `offset` are checked together with the filters

    @classmethod
    def check(cls, request: Any) -> dict[str, Any]:
        """The checked parameters that were given; a ValidationError (a 400 problem) names every bad one."""
        given = {name: value for name, value in request.query_params.items() if name in cls._declared_fields and value}
        filters = cls(data=given, context={"request": request})
        errors = {} if filters.is_valid() else dict(filters.errors)
        if cls.paged:
            errors.update(page_errors(request))
        if errors:
            raise serializers.ValidationError(errors)
        return dict(filters.validated_data)


class CallFilters(Filters):
    programme = _programme(_public_programmes)
    status = serializers.ChoiceField(
        choices=[(s.value, s.label) for s in (CallStatus.PUBLISHED, CallStatus.CLOSED)], required=False,
        help_text="published: open for applications (or not yet open); closed: no longer.",
    )  # fmt: skip


class CommuneFilters(Filters):
    district = _district()
    kind = serializers.ChoiceField(choices=[(k.value, k.label) for k in COMMUNE_KINDS], required=False)


class AwardFilters(Filters):
    programme = _programme(_public_programmes)
    call = _call(_public_calls)
    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False, help_text="The budget year.")
    commune = _commune()
    district = _district()


class IndicatorScope(Filters):
    paged = False
    programme = _programme(_public_programmes)
    call = _call(_public_calls)


class ApplicationFilters(Filters):
    programme = _programme(programmes_visible_to)
    call = _call(calls_visible_to)
    commune = _commune()
    status = serializers.ChoiceField(choices=ApplicationStatus.choices, required=False)


class MoneyFilters(Filters):
    programme = _programme(programmes_visible_to)
    call = _call(calls_visible_to)
    commune = _commune()


class DrawdownFilters(Filters):
    application = VisiblePublicIdField(visible=applications_visible_to, help_text="The id of an application.")
    call = _call(calls_visible_to)
    commune = _commune()
    status = serializers.ChoiceField(choices=DrawdownStatus.choices, required=False)
