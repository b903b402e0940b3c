"""After the Bescheid: the commune's bank account, drawdowns (Mittelabruf), payment runs, proofs of use
(Verwendungsnachweis), recoveries (Rückforderung) with interest, the base-rate table and reminders."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kommunalportal.core import clock
from kommunalportal.core.money import MoneyField

from ..workflow import DrawdownStatus, PaymentRunStatus, ProofStatus, RecoveryStatus

USER = settings.AUTH_USER_MODEL


class PayeeAccount(models.Model):
    """The account a commune's grants are paid to. A change is proposed by one person and takes effect
    only when a second person confirms it; the account it replaces stays on record."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    holder = models.CharField(_("account holder"), max_length=70)
    iban = models.CharField(_("IBAN"), max_length=34)
    bic = models.CharField(_("BIC"), max_length=11)
    bank_name = models.CharField(_("bank"), max_length=200, blank=True)
    proposed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(_("proposed at"))
    confirmed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    is_rejected = models.BooleanField(_("rejected"), default=False)
    replaced_at = models.DateTimeField(_("replaced at"), null=True, blank=True)

    class Meta:
        ordering = ["organisation", "-proposed_at"]
        verbose_name = _("payee account")
        verbose_name_plural = _("payee accounts")
        constraints = [
            models.CheckConstraint(
                condition=Q(confirmed_by__isnull=True) | ~Q(confirmed_by=F("proposed_by")),
                name="payee_account_confirmed_by_a_second_person",
            ),
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(confirmed_at__isnull=False, replaced_at__isnull=True),
                name="one_payee_account_in_force",
            ),
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(confirmed_at__isnull=True, is_rejected=False),
                name="one_pending_payee_account",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.holder} ({self.masked_iban})"

    @property
    def masked_iban(self) -> str:
        """Country, check digits and the last four digits: enough to recognise the account in a message."""
        return f"{self.iban[:4]} … {self.iban[-4:]}"


class Drawdown(models.Model):
    """A Mittelabruf: the commune asks for part of its grant for expenses due within the drawdown window."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(_("reference"), max_length=30, unique=True)
    application = models.ForeignKey("grants.Application", on_delete=models.PROTECT, related_name="drawdowns")
    status = models.CharField(
        _("status"), max_length=20, choices=DrawdownStatus.choices, default=DrawdownStatus.REQUESTED
    )
    expenses_amount = MoneyField(_("expenses due"))
    amount = MoneyField(_("amount"))
    purpose = models.TextField(_("purpose"))
    spend_by = models.DateField(_("to be spent by"))
    requested_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested at"))
    decided_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("note on the decision"), blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("drawdown")
        verbose_name_plural = _("drawdowns")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="drawdown_amount_positive"),
            models.CheckConstraint(condition=Q(expenses_amount__gte=F("amount")), name="drawdown_within_expenses"),
        ]

    def __str__(self) -> str:
        return self.reference


class DrawdownStatusChange(models.Model):
    drawdown = models.ForeignKey(Drawdown, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(_("from"), max_length=20, choices=DrawdownStatus.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=DrawdownStatus.choices)
    actor = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", null=True)
    note = models.TextField(_("note"), blank=True)
    changed_at = models.DateTimeField(_("changed at"), default=clock.now, editable=False)

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class PaymentRun(models.Model):
    """Approved drawdowns gathered by one payment officer and released by a second one; the release
    produces the SEPA credit-transfer file (pain.001) for the state treasury."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(_("reference"), max_length=30, unique=True)
    status = models.CharField(
        _("status"), max_length=20, choices=PaymentRunStatus.choices, default=PaymentRunStatus.DRAFT
    )
    execution_on = models.DateField(_("execution date"))
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"))
    released_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    message_id = models.CharField(_("message id"), max_length=35, unique=True, null=True, blank=True)
    control_sum = MoneyField(_("control sum"), default=0)
    file = models.ForeignKey(
        "documents.Document", on_delete=models.PROTECT, related_name="+", null=True, blank=True,
        verbose_name=_("SEPA file"),
    )  # fmt: skip
    settled_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("payment run")
        verbose_name_plural = _("payment runs")
        constraints = [
            models.CheckConstraint(
                condition=Q(released_by__isnull=True) | ~Q(released_by=F("created_by")),
                name="payment_run_released_by_a_second_person",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class PaymentOutcome(models.TextChoices):
    PENDING = "pending", _("Pending")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Failed")
    REMOVED = "removed", _("Removed before release")


class PaymentItem(models.Model):
    """One drawdown in a payment run, with the account it is paid to as it stood at release."""

    run = models.ForeignKey(PaymentRun, on_delete=models.PROTECT, related_name="items")
    drawdown = models.ForeignKey(Drawdown, on_delete=models.PROTECT, related_name="payments")
    amount = MoneyField(_("amount"))
    end_to_end_id = models.CharField(_("end-to-end id"), max_length=35, unique=True)
    holder = models.CharField(_("account holder"), max_length=70, blank=True)
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=PaymentOutcome.choices, default=PaymentOutcome.PENDING
    )
    failure_reason = models.CharField(_("reason of failure"), max_length=200, blank=True)

    class Meta:
        ordering = ["run", "pk"]
        constraints = [
            # A drawdown is paid once: at most one item of it that is pending or paid, in any run.
            models.UniqueConstraint(
                fields=["drawdown"],
                condition=Q(outcome__in=["pending", "paid"]),
                name="drawdown_paid_at_most_once",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
        ]

    def __str__(self) -> str:
        return self.end_to_end_id


class ProofOfUse(models.Model):
    """The Verwendungsnachweis: a Sachbericht and the actual figures per measure, reviewed by the ministry,
    which either accepts it or finds the shortfall the financing type leaves."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    application = models.ForeignKey("grants.Application", on_delete=models.PROTECT, related_name="proofs")
    status = models.CharField(_("status"), max_length=20, choices=ProofStatus.choices, default=ProofStatus.SUBMITTED)
    report = models.TextField(_("factual report (Sachbericht)"))
    own_share_amount = MoneyField(_("own share spent"))
    third_party_amount = MoneyField(_("third-party funds received"), default=0)
    receipts = models.TextField(_("list of receipts"), blank=True)
    submitted_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"))
    reviewed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.TextField(_("note of the review"), blank=True)
    eligible_amount = MoneyField(_("grant justified"), null=True, blank=True)
    shortfall_amount = MoneyField(_("shortfall"), null=True, blank=True)
    settlement_reason = models.TextField(_("computation"), blank=True)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("proof of use")
        verbose_name_plural = _("proofs of use")
        constraints = [
            models.UniqueConstraint(
                fields=["application"], condition=~Q(status="returned"), name="one_live_proof_per_application"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application.reference} ({self.get_status_display()})"


class ProofLine(models.Model):
    proof = models.ForeignKey(ProofOfUse, on_delete=models.CASCADE, related_name="lines")
    measure = models.ForeignKey("grants.Measure", on_delete=models.PROTECT, related_name="+")
    actual_costs_amount = MoneyField(_("actual costs"))

    class Meta:
        ordering = ["proof", "measure"]
        constraints = [
            models.UniqueConstraint(fields=["proof", "measure"], name="one_line_per_measure"),
            models.CheckConstraint(condition=Q(actual_costs_amount__gte=0), name="actual_costs_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.measure_id}: {self.actual_costs_amount}"


class RecoveryKind(models.TextChoices):
    SHORTFALL = "shortfall", _("Shortfall found in the proof of use")
    UNSPENT = "unspent", _("Drawn funds not spent in time")
    # § 49a (4) VwVfG: the money stays with the commune, but it was used late; interest only is claimed.
    INTERIM_INTEREST = "interim_interest", _("Funds used late: interest only (Zwischenzinsen)")


class Recovery(models.Model):
    """A Rückforderung: first a hearing of the commune, then the recovery decision with interest under
    § 49a VwVfG from the day of payment; settled when the commune has repaid. Zwischenzinsen (§ 49a (4)):
    the principal is the amount used late and stays with the commune; only its interest from the payment
    up to `interest_until`, the day of its use, is claimed."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(_("reference"), max_length=30, unique=True)
    number = models.CharField(_("number"), max_length=30, unique=True, null=True, blank=True)
    application = models.ForeignKey("grants.Application", on_delete=models.PROTECT, related_name="recoveries")
    kind = models.CharField(_("kind"), max_length=20, choices=RecoveryKind.choices)
    status = models.CharField(_("status"), max_length=20, choices=RecoveryStatus.choices)
    principal_amount = MoneyField(_("amount to repay"))
    interest_from = models.DateField(_("interest from"))
    interest_until = models.DateField(_("funds used on (Zwischenzinsen)"), null=True, blank=True)
    reason = models.TextField(_("reasons"))
    proof = models.ForeignKey(ProofOfUse, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    drawdown = models.ForeignKey(Drawdown, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    prepared_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    hearing_sent_at = models.DateTimeField(_("hearing sent at"))
    hearing_until = models.DateField(_("statement due by"))
    hearing_document = models.ForeignKey(
        "documents.Document", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    statement = models.TextField(_("statement of the commune"), blank=True)
    issued_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    due_on = models.DateField(_("to be repaid by"), null=True, blank=True)
    document = models.ForeignKey(
        "documents.Document", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    repaid_on = models.DateField(_("repaid on"), null=True, blank=True)
    interest_amount = MoneyField(_("interest"), null=True, blank=True)

    class Meta:
        ordering = ["-hearing_sent_at"]
        verbose_name = _("recovery")
        verbose_name_plural = _("recoveries")
        constraints = [
            models.CheckConstraint(condition=Q(principal_amount__gt=0), name="recovery_amount_positive"),
            models.CheckConstraint(
                condition=Q(issued_by__isnull=True) | ~Q(issued_by=F("prepared_by")),
                name="recovery_issued_by_a_second_person",
            ),
            # Zwischenzinsen run up to the day the funds were used; every other recovery until the repayment.
            models.CheckConstraint(
                condition=Q(
                    kind="interim_interest", interest_until__isnull=False, interest_until__gt=F("interest_from")
                )
                | (~Q(kind="interim_interest") & Q(interest_until__isnull=True)),
                name="recovery_interest_until_for_interim_interest_only",
            ),
        ]

    def __str__(self) -> str:
        return self.number or self.reference


class BaseRateEntry(models.Model):
    """The base rate (Basiszinssatz, § 247 BGB) from a date on, as the Bundesbank publishes it; the ministry
    keeps the table, and interest is computed from it."""

    valid_from = models.DateField(_("valid from"), unique=True)
    rate = models.DecimalField(_("base rate"), max_digits=7, decimal_places=6, help_text=_("-0.0088 for -0.88 %"))
    entered_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    entered_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    class Meta:
        ordering = ["valid_from"]
        verbose_name = _("base rate")
        verbose_name_plural = _("base rates")

    def __str__(self) -> str:
        return f"{self.valid_from:%d.%m.%Y}: {self.rate * 100:.2f} %"


class Reminder(models.Model):
    """A reminder that was sent; its key (what, which object, which occasion) makes every one go out once."""

    key = models.CharField(_("key"), max_length=200, unique=True)
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    subject = models.CharField(_("subject"), max_length=200)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")

    def __str__(self) -> str:
        return self.key
