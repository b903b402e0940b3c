"""The self-assessment behind the digitalisation index: a questionnaire per year, its questions (data that
programme managers maintain), and each commune's response with its answers."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class IndicatorArea(models.TextChoices):
    """The fields of digitalisation the index looks at; the same seven as the grants' measure categories."""

    WORKPLACES = "it-infrastructure", _("IT infrastructure and workplaces")
    SPECIALIST_APPLICATIONS = "specialist-applications", _("Specialist applications")
    E_FILE = "e-file", _("Digital records (e-file)")
    ONLINE_SERVICES = "online-services", _("Online services (OZG)")
    WEBSITE = "website", _("Website")
    STRATEGY = "strategy", _("Digitalisation strategy")
    SKILLS = "skills", _("Staff digital skills")


class QuestionKind(models.TextChoices):
    YES_NO = "yes_no", _("Yes or no")
    SCALE = "scale", _("Scale from 0 to 4")
    NUMBER = "number", _("Number within bounds")


# The steps of a scale question, the same for every one of them.
SCALE_STEPS: tuple[tuple[int, str | Promise], ...] = (
    (0, _("0 – not started")),
    (1, _("1 – planned")),
    (2, _("2 – begun (pilot)")),
    (3, _("3 – largely in place")),
    (4, _("4 – fully in place")),
)
SCALE_MAX = 4


class Questionnaire(models.Model):
    """The self-assessment of one year: communes answer it between its opening and its closing day."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    introduction = models.TextField(_("introduction"), blank=True)
    opens_on = models.DateField(_("open from"))
    closes_on = models.DateField(_("open until"))
    is_published = models.BooleanField(
        _("published"), default=False, help_text=_("Communes see a questionnaire only once it is published.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        constraints = [
            models.CheckConstraint(condition=Q(opens_on__lte=F("closes_on")), name="questionnaire_dates_in_order"),
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100), name="questionnaire_year_plausible"),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.year}"


class Question(models.Model):
    """One question of a questionnaire: what it asks, how it is answered, which area it feeds, how much it weighs."""

    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name=_("questionnaire"), on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    code = models.SlugField(_("code"), max_length=50, help_text=_("Stable within a questionnaire, e.g. e-file."))
    text = models.CharField(_("question (German)"), max_length=300)
    text_en = models.CharField(_("question (English)"), max_length=300, blank=True)
    help_text = models.TextField(_("help text (German)"), blank=True)
    help_text_en = models.TextField(_("help text (English)"), blank=True)
    kind = models.CharField(_("kind of answer"), max_length=10, choices=QuestionKind.choices)
    area = models.CharField(_("indicator area"), max_length=50, choices=IndicatorArea.choices)
    weight = models.DecimalField(
        _("weight"), max_digits=5, decimal_places=2, default=Decimal("1.00"),
        help_text=_("Relative weight of the question in the self-assessment score."),
    )  # fmt: skip
    min_value = models.DecimalField(_("smallest value"), max_digits=12, decimal_places=2, null=True, blank=True)
    max_value = models.DecimalField(_("largest value"), max_digits=12, decimal_places=2, null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=20, blank=True, help_text=_("For numbers, e.g. %."))

    class Meta:
        ordering = ["questionnaire_id", "position", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "code"], name="question_code_unique_per_questionnaire"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="question_weight_positive"),
            models.CheckConstraint(
                condition=~Q(kind="number")
                | Q(min_value__isnull=False, max_value__isnull=False, min_value__lt=F("max_value")),
                name="number_question_has_bounds",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.label}"

    @property
    def label(self) -> str:
        """The question in the language of the page."""
        return self.text_en if get_language() == "en" and self.text_en else self.text

    @property
    def hint(self) -> str:
        return self.help_text_en if get_language() == "en" and self.help_text_en else self.help_text

    def clean(self) -> None:
        if self.kind == QuestionKind.NUMBER:
            if self.min_value is None or self.max_value is None:
                raise ValidationError(_("A number question needs a smallest and a largest value."))
            if self.min_value >= self.max_value:
                raise ValidationError({"max_value": _("The largest value must be greater than the smallest.")})


class ResponseStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class Response(models.Model):
    """A commune's answers to one questionnaire: a draft it may change, then submitted and frozen."""

    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name=_("questionnaire"), on_delete=models.PROTECT, related_name="responses"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", verbose_name=_("commune"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ResponseStatus.choices, default=ResponseStatus.DRAFT, db_index=True
    )
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("last saved at"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("last saved by"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["questionnaire_id", "organisation_id"]
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "organisation"], name="one_response_per_commune_and_year"),
            models.CheckConstraint(
                condition=Q(status="draft", submitted_at__isnull=True, submitted_by__isnull=True)
                | Q(status="submitted", submitted_at__isnull=False, submitted_by__isnull=False),
                name="response_submitted_with_time_and_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.questionnaire}"

    @property
    def is_submitted(self) -> bool:
        return self.status == ResponseStatus.SUBMITTED


class Answer(models.Model):
    """The value given to one question: 1 or 0 for yes/no, 0 to 4 for a scale, the number itself otherwise."""

    response = models.ForeignKey(Response, verbose_name=_("response"), on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, verbose_name=_("question"), on_delete=models.PROTECT, related_name="answers")
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["response_id", "question_id"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="one_answer_per_question"),
        ]

    def __str__(self) -> str:
        return f"{self.question.code} = {self.value}"
