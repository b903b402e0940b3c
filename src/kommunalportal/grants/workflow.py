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
