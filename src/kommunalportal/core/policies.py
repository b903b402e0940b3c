"""The answer of every permission check: allowed or not, and why not, in words a person can read."""

from dataclasses import dataclass

from django.utils.functional import Promise

from .errors import PermissionDenied


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str | Promise = ""

    def __bool__(self) -> bool:
        return self.allowed

    @classmethod
    def allow(cls) -> "Decision":
        return cls(True)

    @classmethod
    def deny(cls, reason: str | Promise) -> "Decision":
        return cls(False, reason)


def require(decision: Decision) -> None:
    """Let a service go on only if the policy allows; otherwise refuse with the policy's reason."""
    if not decision:
        raise PermissionDenied(decision.reason)
