import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kommunalportal.core import clock
from kommunalportal.core.money import MoneyField, RateField

from ..workflow import ApplicationStatus


class MeasureCategory(models.Model):
    """What a grant may pay for; the list is data that programme managers maintain."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name (German)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("measure category")
        verbose_name_plural = _("measure categories")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the language of the page."""
        return self.name_en if get_language() == "en" and self.name_en else self.name


class FinancingType(models.TextChoices):
    FIXED_AMOUNT = "fixed_amount", _("Fixed-amount financing")
    PROPORTIONAL = "proportional", _("Proportional financing")
    DEFICIT = "deficit", _("Deficit financing")


class CallShape(models.TextChoices):
    FORMULA = "formula", _("Formula allocation")
    COMPETITIVE = "competitive", _("Competitive call")


class Programme(models.Model):
    """A funding scheme with its legal basis and a budget per year, e.g. "Starke Heimat Hessen"."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(
        _("short code"), max_length=10, unique=True, help_text=_("Used in references, e.g. SHH-2020-0001.")
    )
    name = models.CharField(_("name"), max_length=200)
    legal_basis = models.TextField(_("legal basis"))
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "name"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        constraints = [
            models.CheckConstraint(condition=Q(starts_on__lte=F("ends_on")), name="programme_period_in_order"),
            models.CheckConstraint(condition=Q(code__regex=r"^[A-Z0-9]{2,10}$"), name="programme_code_format"),
        ]

    def __str__(self) -> str:
        return self.name


class ProgrammeYear(models.Model):
    """The budget a programme has for one budget year."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="years")
    year = models.PositiveSmallIntegerField(_("year"))
    budget_amount = MoneyField(_("budget"))

    class Meta:
        ordering = ["programme", "year"]
        verbose_name = _("budget year")
        verbose_name_plural = _("budget years")
        constraints = [
            models.UniqueConstraint(fields=["programme", "year"], name="one_budget_per_programme_year"),
            models.CheckConstraint(condition=Q(budget_amount__gte=0), name="year_budget_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.programme.code} {self.year}"


class CallStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CLOSED = "closed", _("Closed")


class Call(models.Model):
    """A round of a programme with its own budget, dates and rules; every rule is a setting here."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="calls")
    year = models.ForeignKey(ProgrammeYear, on_delete=models.PROTECT, related_name="calls")
    name = models.CharField(_("name"), max_length=200)
    status = models.CharField(_("status"), max_length=20, choices=CallStatus.choices, default=CallStatus.DRAFT)
    shape = models.CharField(_("shape"), max_length=20, choices=CallShape.choices)
    budget_amount = MoneyField(_("budget"))
    opens_on = models.DateField(_("opens on"))
    deadline_on = models.DateField(_("application deadline"))
    eligible_kinds = models.JSONField(_("eligible applicants"), default=list)
    categories = models.ManyToManyField(MeasureCategory, verbose_name=_("eligible measure categories"))
    financing_type = models.CharField(_("financing type"), max_length=20, choices=FinancingType.choices)
    funding_rate = RateField(
        _("funding rate"),
        null=True,
        blank=True,
        help_text=_("Share of eligible costs (proportional financing)."),
    )
    min_own_share_rate = RateField(_("minimum own share"), default=0)
    min_grant_amount = MoneyField(_("smallest grant"), default=0)
    max_grant_amount = MoneyField(_("largest grant"), null=True, blank=True)
    max_duration_months = models.PositiveSmallIntegerField(_("longest duration in months"), null=True, blank=True)
    drawdown_window_days = models.PositiveSmallIntegerField(
        _("drawdown window in days"), default=60, help_text=_("Drawn funds must be spent within this time.")
    )
    proof_of_use_due_on = models.DateField(_("proof of use due on"))
    # Formula allocation
    floor_amount = MoneyField(_("floor per commune"), default=0)
    population_weight = RateField(_("weight of population"), default=1)
    capacity_weight = RateField(_("weight of financial capacity"), default=0)
    district_share_rate = RateField(
        _("share of the districts"),
        null=True,
        blank=True,
        help_text=_("Empty: districts and municipalities share one pot."),
    )
    envelopes_published_at = models.DateTimeField(_("envelopes published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-opens_on", "name"]
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        constraints = [
            models.CheckConstraint(condition=Q(budget_amount__gte=0), name="call_budget_not_negative"),
            models.CheckConstraint(condition=Q(opens_on__lte=F("deadline_on")), name="call_dates_in_order"),
            models.CheckConstraint(
                condition=Q(funding_rate__isnull=True) | Q(funding_rate__gt=0, funding_rate__lte=1),
                name="call_funding_rate_is_a_share",
            ),
            models.CheckConstraint(
                condition=Q(min_own_share_rate__gte=0, min_own_share_rate__lt=1), name="call_own_share_is_a_share"
            ),
            models.CheckConstraint(
                condition=Q(district_share_rate__isnull=True)
                | Q(district_share_rate__gte=0, district_share_rate__lte=1),
                name="call_district_share_is_a_share",
            ),
            models.CheckConstraint(
                condition=Q(floor_amount__gte=0, min_grant_amount__gte=0), name="call_amounts_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(max_grant_amount__isnull=True) | Q(max_grant_amount__gte=F("min_grant_amount")),
                name="call_grant_range_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class FinancialCapacity(models.Model):
    """A commune's figure for the capacity part of the allocation key, imported per call."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="capacities")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    figure = models.DecimalField(_("figure"), max_digits=16, decimal_places=2)

    class Meta:
        verbose_name = _("financial capacity figure")
        verbose_name_plural = _("financial capacity figures")
        constraints = [
            models.UniqueConstraint(fields=["call", "organisation"], name="one_capacity_per_commune_and_call"),
            models.CheckConstraint(condition=Q(figure__gte=0), name="capacity_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.figure}"


class Envelope(models.Model):
    """The amount of a call reserved for one commune (Kontingent): the ceiling of its grant."""

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="envelopes")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="envelopes")
    amount = MoneyField(_("amount"))
    key = models.DecimalField(_("allocation key"), max_digits=20, decimal_places=18)

    class Meta:
        ordering = ["call", "organisation__short_name"]
        verbose_name = _("envelope")
        verbose_name_plural = _("envelopes")
        constraints = [
            models.UniqueConstraint(fields=["call", "organisation"], name="one_envelope_per_commune_and_call"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="envelope_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.call} – {self.organisation}"


class Application(models.Model):
    """A commune's application in a call: measures, a cost and financing plan, and its status."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(_("reference"), max_length=30, unique=True)
    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="applications")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="grant_applications"
    )
    status = models.CharField(
        _("status"), max_length=30, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT, db_index=True
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    own_share_amount = MoneyField(_("own share"), default=0)
    third_party_amount = MoneyField(_("third-party funds"), default=0)
    requested_amount = MoneyField(_("requested grant"), default=0)
    has_not_begun = models.BooleanField(
        _("the measure has not yet begun"),
        default=False,
        help_text=_("Grants may only fund measures that have not begun before the approval (VV § 44 LHO)."),
    )
    version = models.PositiveIntegerField(_("version"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    review_message = models.TextField(_("message of the review"), blank=True)

    class Meta:
        ordering = ["reference"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.CheckConstraint(
                condition=Q(own_share_amount__gte=0, third_party_amount__gte=0, requested_amount__gte=0),
                name="application_amounts_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def total_costs_amount(self) -> Decimal:
        return self.own_share_amount + self.third_party_amount + self.requested_amount


class Measure(models.Model):
    """One thing the commune wants to do, with its category, planned costs and schedule."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="measures")
    category = models.ForeignKey(MeasureCategory, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    planned_costs_amount = MoneyField(_("planned costs"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    approved_amount = MoneyField(_("approved grant"), null=True, blank=True)

    class Meta:
        ordering = ["application", "pk"]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        constraints = [
            models.CheckConstraint(condition=Q(planned_costs_amount__gt=0), name="measure_costs_positive"),
            models.CheckConstraint(condition=Q(starts_on__lte=F("ends_on")), name="measure_period_in_order"),
            models.CheckConstraint(
                condition=Q(approved_amount__isnull=True) | Q(approved_amount__gte=0),
                name="measure_approved_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ApplicationVersion(models.Model):
    """What the commune submitted, frozen: the content as JSON with its SHA-256."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    content = models.JSONField(_("content"))
    content_sha256 = models.CharField(_("SHA-256"), max_length=64)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"))
    receipt = models.ForeignKey(
        "documents.Document", on_delete=models.PROTECT, related_name="+", null=True, blank=True,
        verbose_name=_("receipt (PDF)"),
    )  # fmt: skip

    class Meta:
        ordering = ["application", "number"]
        verbose_name = _("submitted version")
        verbose_name_plural = _("submitted versions")
        constraints = [models.UniqueConstraint(fields=["application", "number"], name="one_version_number")]

    def __str__(self) -> str:
        return f"{self.application.reference} v{self.number}"


class ApplicationStatusChange(models.Model):
    """The status history of an application (written by core.workflow.move_to)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(_("from"), max_length=30, choices=ApplicationStatus.choices)
    to_status = models.CharField(_("to"), max_length=30, choices=ApplicationStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    note = models.TextField(_("note"), blank=True)
    changed_at = models.DateTimeField(_("changed at"), default=clock.now, editable=False)

    class Meta:
        ordering = ["changed_at", "pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class DecisionKind(models.TextChoices):
    APPROVAL = "approval", _("Approval")
    PARTIAL_APPROVAL = "partial_approval", _("Partial approval")
    REJECTION = "rejection", _("Rejection")
    AMENDMENT = "amendment", _("Amendment")


class GrantDecision(models.Model):
    """A decision on an application: prepared by one person, released by another (four eyes)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField(_("kind"), max_length=30, choices=DecisionKind.choices)
    number = models.CharField(_("number"), max_length=30, unique=True, null=True, blank=True)
    approved_amount = MoneyField(_("approved grant"), default=0)
    reason = models.TextField(_("reason"), blank=True)
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    prepared_at = models.DateTimeField(_("prepared at"))
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    is_withdrawn = models.BooleanField(_("sent back before release"), default=False)
    document = models.ForeignKey(
        "documents.Document", on_delete=models.PROTECT, related_name="+", null=True, blank=True,
        verbose_name=_("decision document (PDF)"),
    )  # fmt: skip

    class Meta:
        ordering = ["application", "prepared_at"]
        verbose_name = _("grant decision")
        verbose_name_plural = _("grant decisions")
        constraints = [
            # The four-eyes rule, held by the database too.
            models.CheckConstraint(
                condition=Q(released_by__isnull=True) | ~Q(released_by=F("prepared_by")),
                name="decision_released_by_a_second_person",
            ),
            models.CheckConstraint(condition=Q(approved_amount__gte=0), name="decision_amount_not_negative"),
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(released_at__isnull=True, is_withdrawn=False),
                name="one_pending_decision_per_application",
            ),
        ]

    def __str__(self) -> str:
        return self.number or f"{self.application.reference} ({self.get_kind_display()})"


class ReviewNoteKind(models.TextChoices):
    FACTUAL = "factual", _("Factual review")
    ARITHMETIC = "arithmetic", _("Arithmetic review")


class ReviewNote(models.Model):
    """A Prüfvermerk: who reviewed what, with the automatic checks as they stood then."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="review_notes")
    kind = models.CharField(_("kind"), max_length=20, choices=ReviewNoteKind.choices)
    text = models.TextField(_("note"))
    checks = models.JSONField(_("automatic checks"), default=list)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["application", "created_at"]
        verbose_name = _("review note")
        verbose_name_plural = _("review notes")

    def __str__(self) -> str:
        return f"{self.application.reference}: {self.get_kind_display()}"


def _attachment_path(instance: "Attachment", filename: str) -> str:
    return f"attachments/{instance.application.public_id}/{uuid.uuid4()}.pdf"


class Attachment(models.Model):
    """A PDF the commune adds to its application (offers, plans); checked by its content, not its name."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=_attachment_path)
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["application", "uploaded_at"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class ApplicationPartner(models.Model):
    """A partner commune in a joint project; the lead is the applying commune and bears the rest."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="partners")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    share_rate = RateField(_("share of the costs"))

    class Meta:
        ordering = ["application", "organisation__short_name"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        constraints = [
            models.UniqueConstraint(fields=["application", "organisation"], name="one_partnership_per_commune"),
            models.CheckConstraint(condition=Q(share_rate__gt=0, share_rate__lt=1), name="partner_share_is_a_share"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.share_rate})"


class JuryCriterion(models.Model):
    """A criterion by which the jury of a competitive call scores (0 to 10), with its weight."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("criterion"), max_length=200)
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["call", "position", "pk"]
        verbose_name = _("jury criterion")
        verbose_name_plural = _("jury criteria")
        constraints = [models.CheckConstraint(condition=Q(weight__gt=0), name="criterion_weight_positive")]

    def __str__(self) -> str:
        return self.name


class JuryScore(models.Model):
    """One juror's score of one application on one criterion."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(JuryCriterion, on_delete=models.CASCADE, related_name="scores")
    juror = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("score"))
    scored_at = models.DateTimeField(_("scored at"), auto_now=True)

    class Meta:
        verbose_name = _("jury score")
        verbose_name_plural = _("jury scores")
        constraints = [
            models.UniqueConstraint(fields=["application", "criterion", "juror"], name="one_score_per_juror"),
            models.CheckConstraint(condition=Q(score__lte=10), name="score_at_most_ten"),
        ]

    def __str__(self) -> str:
        return f"{self.application_id}/{self.criterion_id}: {self.score}"


class AmendmentRequest(models.Model):
    """An Änderungsantrag: after the Bescheid, the commune asks to change the grant, with its reasons."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="amendments")
    requested_amount = MoneyField(_("requested grant"))
    reason = models.TextField(_("reason"))
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    granted_status = models.CharField(_("status before the request"), max_length=30, choices=ApplicationStatus.choices)
    outcome = models.CharField(_("outcome"), max_length=200, blank=True)

    class Meta:
        ordering = ["application", "filed_at"]
        verbose_name = _("amendment request")
        verbose_name_plural = _("amendment requests")
        constraints = [models.CheckConstraint(condition=Q(requested_amount__gte=0), name="amendment_not_negative")]

    def __str__(self) -> str:
        return f"{self.application.reference}: {self.requested_amount}"


# The money after the Bescheid, in its own module (its models refer to the ones above by label).
from .funds import (  # noqa: E402
    BaseRateEntry,
    Drawdown,
    DrawdownStatus,
    DrawdownStatusChange,
    PayeeAccount,
    PaymentItem,
    PaymentOutcome,
    PaymentRun,
    PaymentRunStatus,
    ProofLine,
    ProofOfUse,
    ProofStatus,
    Recovery,
    RecoveryKind,
    RecoveryStatus,
    Reminder,
)

__all__ = [
    "BaseRateEntry",
    "Drawdown",
    "DrawdownStatus",
    "DrawdownStatusChange",
    "PayeeAccount",
    "PaymentItem",
    "PaymentOutcome",
    "PaymentRun",
    "PaymentRunStatus",
    "ProofLine",
    "ProofOfUse",
    "ProofStatus",
    "Recovery",
    "RecoveryKind",
    "RecoveryStatus",
    "Reminder",
]  # fmt: skip
