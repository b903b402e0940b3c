"""Demo self-assessments: every commune answers the questionnaires of the given years, submitted through the
services on a day within each questionnaire's window (the services' clock replays it).

The answers follow a simple, reproducible model (fixed seed): a commune's starting level grows with its size
(larger communes tend to be further along), and every year each commune closes a sixth of its remaining gap,
so the small ones catch up and the index becomes more equal from year to year (the Gini coefficient falls).
Each commune keeps its own strengths and weaknesses per question. Running it again changes nothing.

    from kommunalportal.monitor.demo import seed_demo_responses
    seed_demo_responses(range(2020, 2025))
"""

import math
import random
from collections.abc import Iterable
from datetime import datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone

from kommunalportal.core import audit, clock
from kommunalportal.core.errors import DomainError
from kommunalportal.demo.round import signatory_for
from kommunalportal.organisations.selectors import communes

from .models import SCALE_MAX, Question, QuestionKind, Questionnaire, Response, ResponseStatus
from .questionnaire import questions_of, submit_response

SEED = 2020
FIRST_YEAR = 2020
# Each year a commune closes this share of the gap between its level and full digitalisation.
CATCH_UP_RATE = 0.2
# Questions that are harder (positive) or easier (negative) than the commune's overall level.
DIFFICULTY = {
    "e-akte": 0.15, "ozg-online": 0.12, "fachverfahren": 0.05, "strategie": 0.08, "zustaendigkeit": -0.10,
    "mobiles-arbeiten": -0.05, "arbeitsplaetze": -0.05, "schulung": 0.02, "barrierefreiheit": 0.0,
    "serviceportal": 0.0,
}  # fmt: skip
SMALLEST, LARGEST = 1_000, 800_000  # the bounds of the size scale (inhabitants)


def starting_level(population: int | None, noise: float) -> float:
    """Where a commune stood in 2020, from 0 to 1: higher for larger communes, with its own deviation."""
    size = (math.log10(max(population or SMALLEST, SMALLEST)) - math.log10(SMALLEST)) / (
        math.log10(LARGEST) - math.log10(SMALLEST)
    )
    return min(0.9, max(0.03, 0.2 + 0.5 * min(size, 1.0) + noise))


def level_in(year: int, start: float) -> float:
    """The level after closing `CATCH_UP_RATE` of the remaining gap each year since 2020."""
    return 1 - (1 - start) * (1 - CATCH_UP_RATE) ** max(year - FIRST_YEAR, 0)


def answer_for(question: Question, level: float) -> Decimal:
    """The value a commune at this level gives to the question."""
    share = min(1.0, max(0.0, level - DIFFICULTY.get(question.code, 0.0)))
    if question.kind == QuestionKind.YES_NO:
        return Decimal(1 if share >= 0.5 else 0)
    if question.kind == QuestionKind.SCALE:
        return Decimal(str(share * SCALE_MAX)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    low, high = question.min_value or Decimal(0), question.max_value or Decimal(0)
    value = low + (high - low) * Decimal(str(share))
    return min(high, max(low, value.quantize(Decimal(1), rounding=ROUND_HALF_UP)))


def seed_demo_responses(year_range: Iterable[int] = range(2020, 2025), *, seed: int = SEED) -> int:
    """Submit every commune's self-assessment for each year (skipping those already submitted); returns how
    many were submitted."""
    years = sorted(set(year_range))
    questionnaires = {q.year: q for q in Questionnaire.objects.filter(year__in=years, is_published=True)}
    missing = [year for year in years if year not in questionnaires]
    if missing:
        raise DomainError(f"There is no published questionnaire for {', '.join(map(str, missing))}.")
    organisations = list(communes().order_by("key"))
    done = set(
        Response.objects.filter(questionnaire__year__in=years, status=ResponseStatus.SUBMITTED).values_list(
            "questionnaire__year", "organisation_id"
        )
    )
    signatories = {}
    submitted = 0
    for year in years:
        questionnaire = questionnaires[year]
        questions = questions_of(questionnaire)
        window = (questionnaire.closes_on - questionnaire.opens_on).days
        with transaction.atomic(), audit.batched():
            for organisation in organisations:
                if (year, organisation.pk) in done:
                    continue
                # One generator per commune, seeded by its key: the same answers whichever communes or years run.
                rng = random.Random(f"{seed}-{organisation.key}")  # noqa: S311  (reproducible demo data)
                start = starting_level(organisation.population, rng.gauss(0, 0.07))
                strengths = {question.code: rng.gauss(0, 0.12) for question in questions}
                day = questionnaire.opens_on + timedelta(days=min(window, rng.randint(3, 60) + (year - FIRST_YEAR)))
                level = level_in(year, start)
                values: dict[str, Decimal | None] = {
                    question.code: answer_for(question, level + strengths[question.code]) for question in questions
                }
                if organisation.pk not in signatories:
                    signatories[organisation.pk] = signatory_for(organisation)
                moment = timezone.make_aware(datetime.combine(day, time(10, 0)))
                with clock.replaying(moment):
                    submit_response(
                        questionnaire=questionnaire, organisation=organisation,
                        actor=signatories[organisation.pk], values=values,
                    )  # fmt: skip
                submitted += 1
    return submitted
