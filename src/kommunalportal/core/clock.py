"""The time the services stamp on what they do: the real time, except while the demo replays a past
round at its historical dates (`replaying`). Views and tasks never set it."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, time

from django.utils import timezone

_replayed: ContextVar[datetime | None] = ContextVar("replayed_now", default=None)


def now() -> datetime:
    replayed = _replayed.get()
    return timezone.now() if replayed is None else replayed


def today() -> date:
    return timezone.localdate(now())


def noon(day: date) -> datetime:
    """Noon of `day` in the portal's time zone: when the work of a day given in the past is stamped."""
    return timezone.make_aware(datetime.combine(day, time(12)))


@contextmanager
def replaying(moment: datetime) -> Iterator[None]:
    """Everything done inside happens at `moment` (an aware datetime), as far as the services' stamps go.
    The audit trail keeps the real time of every event."""
    if timezone.is_naive(moment):
        raise ValueError("replaying needs an aware datetime")
    token = _replayed.set(moment)
    try:
        yield
    finally:
        _replayed.reset(token)
