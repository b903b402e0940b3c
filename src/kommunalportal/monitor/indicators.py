"""Indicators per commune, for the map, its table and the API: each a code, a label, a unit and its values
for every commune, computed in a constant number of queries."""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kommunalportal.core import clock
from kommunalportal.organisations.models import COMMUNE_KINDS, Organisation

from .figures import Scope, ledger
from .models import Answer, Response, ResponseStatus


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str | Promise
    unit: str | Promise
    description: str | Promise
    # The value of every commune that has one, by organisation primary key.
    compute: Callable[[Scope], dict[int, Decimal]]


def communes() -> list[Organisation]:
    """The 443 communes the programme funds (districts and municipalities), active ones only."""
    return list(
        Organisation.objects.filter(kind__in=COMMUNE_KINDS, is_active=True)
        .select_related("district")
        .order_by("short_name", "key")
    )


def _funding_per_inhabitant(scope: Scope) -> dict[int, Decimal]:
    """Euros granted per inhabitant. A district's inhabitants are those of its municipalities."""
    money = ledger(scope)
    populations = dict(Organisation.objects.filter(kind__in=COMMUNE_KINDS).values_list("pk", "population"))
    values = {}
    for pk, entry in money.by_commune.items():
        population = populations.get(pk)
        if population:
            values[pk] = (entry.approved / population).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return values


def _share_paid(scope: Scope) -> dict[int, Decimal]:
    """Per cent of the grant in force that has been paid out."""
    money = ledger(scope)
    return {
        pk: (entry.paid * 100 / entry.approved).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        for pk, entry in money.by_commune.items()
        if entry.approved
    }


def _share_drawn(scope: Scope) -> dict[int, Decimal]:
    """Per cent of the grant in force that the commune has called: paid, or requested and not yet paid."""
    money = ledger(scope)
    return {
        pk: ((entry.paid + entry.drawn) * 100 / entry.approved).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        for pk, entry in money.by_commune.items()
        if entry.approved
    }


def _assessment_year(scope: Scope) -> int | None:
    """The scope's year if it has a self-assessment, else the latest year that has one (None: no year yet)."""
    from .index import index_years  # the index reads the figures: import it when used

    years = index_years(clock.today())
    return scope.year if scope.year in years else (years[-1] if years else None)


def _digitalisation_index(scope: Scope) -> dict[int, Decimal]:
    """The digitalisation index (0–100) of the scope's year, or of the latest year with a questionnaire;
    programmes and calls do not narrow it (see docs/digitalisation-index.md)."""
    from .index import index_by_commune

    year = _assessment_year(scope)
    return index_by_commune(year) if year is not None else {}


# The self-assessment's question on online services, by its code (stable from questionnaire to questionnaire).
ONLINE_SERVICES_QUESTION = "ozg-online"


def _online_services(scope: Scope) -> dict[int, Decimal]:
    """Per cent of its OZG services that a commune offers online, as it answered in its latest submitted
    self-assessment up to the year (as the index does, an older answer counts until a newer one is submitted;
    a latest self-assessment without the question gives no value)."""
    from .index import latest_assessments

    year = _assessment_year(scope)
    if year is None:
        return {}
    submitted = Response.objects.filter(
        status=ResponseStatus.SUBMITTED, questionnaire__is_published=True, questionnaire__year__lte=year
    )
    latest = latest_assessments(submitted.values_list("organisation_id", "questionnaire__year").order_by(), year)
    answers = Answer.objects.filter(response__in=submitted, question__code=ONLINE_SERVICES_QUESTION).values_list(
        "response__organisation_id", "response__questionnaire__year", "value"
    )
    return {
        commune: value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        for commune, answered_in, value in answers.order_by()
        if latest.get(commune) == answered_in
    }


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "funding_per_inhabitant", _("Funding per inhabitant"), "€",
        _("Grants in force divided by the inhabitants (31 December 2019)."), _funding_per_inhabitant,
    ),
    Indicator(
        "share_paid", _("Share paid out"), "%",
        _("The part of the grants in force that the treasury has paid out."), _share_paid,
    ),
    Indicator(
        "share_drawn", _("Share drawn down"), "%",
        _("The part of the grants in force that the commune has called: paid out, or requested and not yet paid."),
        _share_drawn,
    ),
    Indicator(
        "digitalisation_index", _("Digitalisation index"), _("points"),
        _("0 to 100: what the funding bought and the commune's yearly self-assessment, in the latest year."),
        _digitalisation_index,
    ),
    Indicator(
        "online_services", _("Online services"), "%",
        _(
            "The share of the services under the Online Access Act (OZG) that the commune offers online, "
            "as it stated in its latest self-assessment."
        ),
        _online_services,
    ),
)  # fmt: skip
INDICATORS_BY_CODE = {indicator.code: indicator for indicator in INDICATORS}
