"""The life of an application, as data. One service in services.py per arrow."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from kommunalportal.core.workflow import Transitions


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    DECISION_PREPARED = "decision_prepared", _("Decision prepared")
    APPROVED = "approved", _("Approved")
    PARTIALLY_APPROVED = "partially_approved", _("Partially approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    AMENDMENT_REQUESTED = "amendment_requested", _("Amendment requested")


S = ApplicationStatus
ALLOWED_TRANSITIONS: Transitions = {
    S.DRAFT: frozenset({S.SUBMITTED, S.WITHDRAWN}),
    S.SUBMITTED: frozenset({S.CHANGES_REQUESTED, S.DECISION_PREPARED, S.WITHDRAWN}),
    S.CHANGES_REQUESTED: frozenset({S.SUBMITTED, S.WITHDRAWN}),
    # The second person releases the prepared decision, or sends it back to review.
    S.DECISION_PREPARED: frozenset({S.APPROVED, S.PARTIALLY_APPROVED, S.REJECTED, S.SUBMITTED, S.AMENDMENT_REQUESTED}),
    # After the Bescheid: an Änderungsantrag, decided again with four eyes (or refused back to the grant).
    S.APPROVED: frozenset({S.AMENDMENT_REQUESTED}),
    S.PARTIALLY_APPROVED: frozenset({S.AMENDMENT_REQUESTED}),
    S.AMENDMENT_REQUESTED: frozenset({S.DECISION_PREPARED, S.APPROVED, S.PARTIALLY_APPROVED}),
}
GRANTED = frozenset({S.APPROVED, S.PARTIALLY_APPROVED})
EDITABLE = frozenset({S.DRAFT, S.CHANGES_REQUESTED})
DECIDED = frozenset({S.APPROVED, S.PARTIALLY_APPROVED, S.REJECTED})


# The money after the Bescheid.


class DrawdownStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    IN_RUN = "in_run", _("In a payment run")
    PAID = "paid", _("Paid")


class PaymentRunStatus(models.TextChoices):
    DRAFT = "draft", _("Being put together")
    RELEASED = "released", _("Released")
    PAID = "paid", _("Paid")
    PARTLY_FAILED = "partly_failed", _("Partly failed")
    CANCELLED = "cancelled", _("Cancelled")


class ProofStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for completion")
    ACCEPTED = "accepted", _("Accepted")
    SHORTFALL = "shortfall", _("Accepted with a shortfall")


class RecoveryStatus(models.TextChoices):
    HEARING = "hearing", _("Hearing (Anhörung)")
    ISSUED = "issued", _("Recovery decision issued")
    REPAID = "repaid", _("Repaid")
    DROPPED = "dropped", _("Dropped after the hearing")


D = DrawdownStatus
DRAWDOWN_TRANSITIONS: Transitions = {
    D.REQUESTED: frozenset({D.APPROVED, D.REJECTED}),
    D.APPROVED: frozenset({D.IN_RUN}),
    # A failed transfer, or an item taken out of a run before its release, returns to the pool.
    D.IN_RUN: frozenset({D.PAID, D.APPROVED}),
}
R = PaymentRunStatus
PAYMENT_RUN_TRANSITIONS: Transitions = {
    R.DRAFT: frozenset({R.RELEASED, R.CANCELLED}),
    R.RELEASED: frozenset({R.PAID, R.PARTLY_FAILED}),
}
P = ProofStatus
PROOF_TRANSITIONS: Transitions = {
    P.SUBMITTED: frozenset({P.ACCEPTED, P.SHORTFALL, P.RETURNED}),
}
C = RecoveryStatus
RECOVERY_TRANSITIONS: Transitions = {
    C.HEARING: frozenset({C.ISSUED, C.DROPPED}),
    C.ISSUED: frozenset({C.REPAID}),
}
