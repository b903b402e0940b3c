"""State machines as data: a status field, a table of allowed transitions, and one function to move.

An app keeps its table in its own workflow.py (visible on one screen); services call `move_to` for
every change of status, which refuses what the table does not allow, writes the history row and the
audit event.
"""

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from django.db import models
from django.utils.translation import gettext as _

from .audit import record_event
from .errors import DomainError

Transitions = Mapping[str, frozenset[str]]
M = TypeVar("M", bound=models.Model)


class TransitionNotAllowed(DomainError):
    """The table has no arrow from the current status to the requested one."""


def can_move(transitions: Transitions, current: str, target: str) -> bool:
    return target in transitions.get(current, frozenset())


def refusal(transitions: Transitions, current: str, target: str, labels: Callable[[str], str]) -> str | None:
    """Why the table does not allow the move, or None when it does."""
    if can_move(transitions, current, target):
        return None
    return _("This step is not possible now: from “%(current)s” there is no way to “%(target)s”.") % {
        "current": labels(current),
        "target": labels(target),
    }


def move_to(
    instance: models.Model,
    target: str,
    *,
    transitions: Transitions,
    actor: Any,
    labels: Callable[[str], str],
    record_history: Callable[[str, str], object],
    note: str = "",
    extra_fields: tuple[str, ...] = (),
) -> None:
    """Change `instance.status` to `target` if the table allows it; history and audit in the same transaction."""
    current: str = instance.status  # type: ignore[attr-defined]  # every workflow model has a status field
    refused = refusal(transitions, current, target, labels)
    if refused:
        raise TransitionNotAllowed(refused)
    instance.status = target  # type: ignore[attr-defined]  # see above
    instance.save(update_fields=["status", *extra_fields])
    record_history(current, target)
    _audit_move(instance, current, target, actor=actor, note=note)


def move_many(
    instances: Sequence[M],
    target: str,
    *,
    transitions: Transitions,
    actor: Any,
    labels: Callable[[str], str],
    record_history: Callable[[list[tuple[M, str]]], object],
    note: str | Callable[[M], str] = "",
) -> None:
    """`move_to` for a bulk action, all or none: one UPDATE, one batch of history rows, an audit event each."""
    for instance in instances:
        refused = refusal(transitions, instance.status, target, labels)  # type: ignore[attr-defined]  # see move_to
        if refused:
            raise TransitionNotAllowed(refused)
    if not instances:
        return
    before = [(instance, instance.status) for instance in instances]  # type: ignore[attr-defined]  # see move_to
    type(instances[0])._default_manager.filter(pk__in=[i.pk for i in instances]).update(status=target)
    for instance in instances:
        instance.status = target  # type: ignore[attr-defined]  # see move_to
    record_history(before)
    for instance, current in before:
        _audit_move(instance, current, target, actor=actor, note=note(instance) if callable(note) else note)


def _audit_move(instance: models.Model, current: str, target: str, *, actor: Any, note: str) -> None:
    after: dict[str, Any] = {"status": target}
    if note:
        after["note"] = note
    record_event(
        actor=actor,
        action=f"{instance._meta.label_lower}.{target}",
        obj=instance,
        before={"status": current},
        after=after,
    )


def diagram(transitions: Transitions) -> str:
    """The table as a Mermaid state diagram, for docs/ (tests keep the committed copy up to date)."""
    lines = ["stateDiagram-v2"]
    for source in transitions:
        for target in sorted(transitions[source]):
            lines.append(f"    {source} --> {target}")
    return "\n".join(lines) + "\n"
