"""Writing and verifying the append-only audit trail.

Every service that changes state calls `record_event` inside its transaction, after the change.
"""

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

from .models import AuditEvent
from .request_context import current_request_id

GENESIS_HASH = "0" * 64
# Any fixed number: the key of the PostgreSQL advisory lock that queues writers of the chain.
_CHAIN_LOCK_KEY = 7_301_994_221


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The named fields of a model instance as JSON-safe values, for `before` and `after`."""
    return _json_safe({name: getattr(instance, name) for name in fields})


def _json_safe(value: Any) -> Any:
    # A round trip through JSON makes what is hashed now equal to what is read back later.
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder)) if value is not None else None


def compute_hash(
    *,
    sequence: int,
    occurred_at: datetime,
    actor_id: int | None,
    actor_label: str,
    action: str,
    object_type: str,
    object_id: str,
    object_repr: str,
    before: Any,
    after: Any,
    request_id: str,
    previous_hash: str,
) -> str:
    content = {
        "sequence": sequence,
        "occurred_at": occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": actor_id,
        "actor_label": actor_label,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "object_repr": object_repr,
        "before": before,
        "after": after,
        "request_id": request_id,
        "previous_hash": previous_hash,
    }
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _hash_of(event: AuditEvent) -> str:
    return compute_hash(
        sequence=event.sequence,
        occurred_at=event.occurred_at,
        actor_id=event.actor_id,
        actor_label=event.actor_label,
        action=event.action,
        object_type=event.object_type,
        object_id=event.object_id,
        object_repr=event.object_repr,
        before=event.before,
        after=event.after,
        request_id=event.request_id,
        previous_hash=event.previous_hash,
    )


# The events of a bulk action waiting to be appended together (see `batched`); None outside one.
_pending: ContextVar[list[AuditEvent] | None] = ContextVar("audit_pending", default=None)


def record_event(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the audit chain (the caller's transaction keeps change and event together)."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:300]
    user = actor if getattr(actor, "pk", None) is not None else None
    label = (user.get_username() if user is not None else str(actor or "system"))[:200]
    event = AuditEvent(
        occurred_at=timezone.now(),
        actor=user,
        actor_label=label,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        before=_json_safe(dict(before)) if before is not None else None,
        after=_json_safe(dict(after)) if after is not None else None,
        request_id=current_request_id.get(),
    )
    pending = _pending.get()
    if pending is not None:
        pending.append(event)
        return event
    # Inside the caller's transaction without a savepoint of its own: if the append fails, so does the change.
    with transaction.atomic(savepoint=False):
        _append([event])
    return event


_HEAD_SQL = "SELECT sequence, hash FROM {table} ORDER BY sequence DESC LIMIT 1"


def _append(events: list[AuditEvent]) -> None:
    """Chain the events onto the head and insert them; the caller holds a transaction."""
    if not events:
        return
    if connection.vendor == "postgresql":  # writers of the chain queue here until their transaction ends
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
    with connection.cursor() as cursor:  # every change reads the head: plain SQL, without the ORM's compiling
        cursor.execute(_HEAD_SQL.format(table=connection.ops.quote_name(AuditEvent._meta.db_table)))
        head = cursor.fetchone()
    sequence, previous_hash = head if head else (0, GENESIS_HASH)
    for event in events:
        sequence += 1
        event.sequence, event.previous_hash = sequence, previous_hash
        event.hash = previous_hash = _hash_of(event)
    if len(events) == 1:
        events[0].save()
    else:
        AuditEvent.objects.bulk_create(events, batch_size=500)


@contextmanager
def batched() -> Iterator[None]:
    """Append the events of a bulk action together when it ends, instead of one by one.

    Use it inside the bulk action's transaction and wrap each item that may be refused in `batch_item()`,
    so that the events of an item whose savepoint was rolled back are dropped with it.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.batched() needs the transaction of the bulk action around it")
    pending: list[AuditEvent] = []
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
    _append(pending)


def append_batch() -> None:
    """Append the events of the bulk action so far, before it ends (outside any `batch_item()`, once no item
    whose events are waiting can be rolled back any more)."""
    pending = _pending.get()
    if pending is None:
        raise RuntimeError("audit.append_batch() belongs inside audit.batched()")
    _append(pending)
    pending.clear()


@contextmanager
def batch_item() -> Iterator[None]:
    """One item of a batched bulk action: if it fails, its events go with its rolled-back savepoint."""
    pending = _pending.get()
    mark = len(pending) if pending is not None else 0
    try:
        yield
    except BaseException:
        if pending is not None:
            del pending[mark:]
        raise


@dataclass(frozen=True)
class ChainReport:
    checked: int
    head_hash: str
    problems: list[str]

    @property
    def is_intact(self) -> bool:
        return not self.problems


def verify_chain() -> ChainReport:
    """Recompute every hash and link; report each changed, removed or reordered event."""
    problems: list[str] = []
    expected_sequence = 1
    previous_hash = GENESIS_HASH
    checked = 0
    for event in AuditEvent.objects.order_by("sequence").iterator(chunk_size=2000):
        checked += 1
        if event.sequence != expected_sequence:
            problems.append(
                f"event #{event.sequence}: expected #{expected_sequence} next, "
                f"so {event.sequence - expected_sequence} event(s) before it are missing"
            )
        if event.previous_hash != previous_hash:
            problems.append(f"event #{event.sequence}: the link to its predecessor is broken")
        if _hash_of(event) != event.hash:
            problems.append(f"event #{event.sequence}: its content was changed after it was written")
        expected_sequence = event.sequence + 1
        previous_hash = event.hash
    return ChainReport(checked=checked, head_hash=previous_hash, problems=problems)
