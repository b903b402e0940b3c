"""Pages of a list: `limit` (1 to 500, 50 by default) and `offset` (from 0). Unlike Django REST framework's
own class, a limit or offset that is not a whole number in range is refused (400), not silently replaced."""

import re
from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination

MAX_LIMIT = 500
_WHOLE_NUMBER = re.compile(r"[0-9]{1,9}")


def _whole_number(raw: str) -> int | None:
    return int(raw) if _WHOLE_NUMBER.fullmatch(raw) else None


class Pagination(LimitOffsetPagination):
    max_limit = MAX_LIMIT

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> list[Any]:
        self.get_offset(request)  # a bad offset is refused before anything is counted
        return list(super().paginate_queryset(queryset, request, view) or [])

    def get_limit(self, request: Any) -> int:
        raw = request.query_params.get(self.limit_query_param)
        if not raw:  # absent or empty, as an empty filter
            return int(self.default_limit or MAX_LIMIT)
        value = _whole_number(raw)
        if value is None or not 1 <= value <= self.max_limit:
            raise ValidationError(
                {self.limit_query_param: [_("A whole number from 1 to %(max)d.") % {"max": self.max_limit}]}
            )
        return value

    def get_offset(self, request: Any) -> int:
        raw = request.query_params.get(self.offset_query_param)
        if not raw:
            return 0
        value = _whole_number(raw)
        if value is None:
            raise ValidationError({self.offset_query_param: [_("A whole number from 0 upwards.")]})
        return value

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        limit, offset = super().get_schema_operation_parameters(view)
        limit["schema"] = {"type": "integer", "minimum": 1, "maximum": self.max_limit, "default": self.default_limit}
        offset["schema"] = {"type": "integer", "minimum": 0, "default": 0}
        return [limit, offset]


def page_errors(request: Any) -> dict[str, Any]:
    """What is wrong with the request's `limit` and `offset` (nothing: an empty dict)."""
    errors: dict[str, Any] = {}
    for check in (Pagination().get_limit, Pagination().get_offset):
        try:
            check(request)
        except ValidationError as error:
            if isinstance(error.detail, dict):
                errors.update(error.detail)
    return errors
