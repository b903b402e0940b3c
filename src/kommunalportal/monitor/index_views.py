"""Pages of the digitalisation index: the public index with its distribution and equality, and the
self-assessment that communes fill in (ministry staff read every response)."""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kommunalportal.accounts.policies import is_ministry_user
from kommunalportal.core import clock
from kommunalportal.core.errors import DomainError
from kommunalportal.organisations.models import Organisation
from kommunalportal.organisations.rules import SIZE_CLASSES
from kommunalportal.organisations.selectors import communes, organisation_by_key

from . import index_charts
from .forms import IndexFilterForm, ResponseForm, initial_values
from .index import (
    DISTRICT_GROUP,
    WEIGHTS,
    Equality,
    IndexValue,
    equality,
    histogram,
    index_table,
    index_years,
    size_group,
)
from .models import Questionnaire, ResponseStatus
from .questionnaire import (
    answers_of,
    can_fill_in,
    can_read_responses_of,
    communes_of,
    display_value,
    questionnaire_accepts_answers,
    questionnaires_visible_to,
    questions_of,
    response_counts,
    response_of,
    response_rows,
    save_draft,
    submit_response,
)

GROUPS: list[tuple[str, Any]] = [(size.code, size.label) for size in SIZE_CLASSES] + [
    (DISTRICT_GROUP, gettext_lazy("Districts"))
]
GROUP_LABELS = dict(GROUPS)


# The public index


@dataclass(frozen=True)
class CommuneRow:
    position: int  # in the order of names, as the registry sorts them everywhere
    organisation: Organisation
    group_label: str
    index: IndexValue
    carried_forward: bool


@dataclass(frozen=True)
class SortHeader:
    label: str
    numeric: bool
    query: str  # the address's query that sorts by this column (empty: the column does not sort)
    sort: str  # aria-sort of the column now: ascending, descending or empty


# The sortable columns of the table of communes: (field, label, numeric); names sort A–Z first, numbers highest first.
COLUMNS: list[tuple[str, Any, bool]] = [
    ("name", gettext_lazy("Commune"), False),
    ("", gettext_lazy("Size class"), False),
    ("index", gettext_lazy("Index"), True),
    ("funding", gettext_lazy("What the funding bought"), True),
    ("assessment", gettext_lazy("Self-assessment"), True),
]


def _headers(year: int, order: str) -> list[SortHeader]:
    headers = []
    for field, label, numeric in COLUMNS:
        if not field:
            headers.append(SortHeader(str(label), numeric, "", ""))
            continue
        current = order.lstrip("-") == field
        descending = order.startswith("-")
        first = f"-{field}" if numeric else field
        target = (field if descending else f"-{field}") if current else first
        sort = ("descending" if descending else "ascending") if current else ""
        headers.append(SortHeader(str(label), numeric, urlencode({"jahr": str(year), "sortierung": target}), sort))
    return headers


def _sort_key(order: str) -> tuple[Callable[[CommuneRow], Any], bool]:
    field = order.lstrip("-")
    descending = order.startswith("-")
    keys: dict[str, Callable[[CommuneRow], Any]] = {
        # Ties in order of names, whichever the direction.
        "name": lambda row: row.position,
        "index": lambda row: (row.index.value, -row.position if descending else row.position),
        "funding": lambda row: (row.index.funding, -row.position if descending else row.position),
        # Communes without a self-assessment come last either way.
        "assessment": lambda row: (
            (row.index.self_assessment is not None) == descending,
            row.index.self_assessment or Decimal(0),
            -row.position if descending else row.position,
        ),
    }
    return keys[field], descending


def index_overview(request: HttpRequest) -> HttpResponse:
    """The index for everybody: its distribution and equality year by year, and each commune in one year."""
    years = index_years(clock.today())
    table = index_table(years)
    organisations = list(communes().only("pk", "key", "short_name", "kind", "population").order_by("short_name", "key"))
    groups = {org.pk: size_group(org.kind, org.population) for org in organisations}
    values = {year: {pk: table[year][pk].value for pk in groups if pk in table[year]} for year in years}
    equalities: list[Equality] = [equality(year, values[year], groups) for year in years]
    answered = {year: sum(1 for pk in values[year] if table[year][pk].assessed_in == year) for year in years}

    form = IndexFilterForm(request.GET or None, years=years)
    year = years[-1] if years else None
    order = "name"
    if form.is_bound and form.is_valid():
        year = form.cleaned_data["jahr"] or year
        order = form.cleaned_data["sortierung"] or order
    elif not form.is_bound and years:
        form = IndexFilterForm(initial={"jahr": year, "sortierung": order}, years=years)

    rows: list[CommuneRow] = []
    chosen: Equality | None = None
    histogram_svg = ""
    if year is not None:
        chosen = next(e for e in equalities if e.year == year)
        rows = [
            CommuneRow(
                position=position,
                organisation=org,
                group_label=str(GROUP_LABELS.get(groups[org.pk] or "", "")),
                index=table[year][org.pk],
                carried_forward=table[year][org.pk].carried_forward(year),
            )
            for position, org in enumerate(organisations)
            if org.pk in values[year]
        ]
        key, descending = _sort_key(order)
        rows.sort(key=key, reverse=descending)
        histogram_svg = index_charts.histogram_chart(
            "kp-index-histogram", histogram(values[year].values()),
            title=_("Communes by index in %(year)s") % {"year": year},
            description=_("Number of communes in bands of ten index points; "
                          "the table of communes below lists every value."),
        )  # fmt: skip
    distribution_rows = [(e, answered[e.year]) for e in equalities]
    # The mean of each group, a row per group and a column per year.
    group_rows = [(label, [e.group_means.get(code) for e in equalities]) for code, label in GROUPS]
    context = {
        "years": years, "year": year, "order": order, "form": form, "rows": rows, "chosen": chosen,
        "distribution_rows": distribution_rows, "equalities": equalities, "group_rows": group_rows,
        "headers": _headers(year, order) if year is not None else [], "weights": WEIGHTS,
        "communes_total": len(organisations), "histogram_svg": histogram_svg,
        "box_plot_svg": index_charts.box_plot(
            "kp-index-boxes", [(str(e.year), e.distribution) for e in equalities],
            title=_("Distribution of the index per year"),
            description=_("Box plot per year: the line spans the lowest to the highest value, the box the middle "
                          "half of the communes, the thick line marks the median. The table below gives the figures."),
        ),
        "gini_svg": index_charts.line_chart(
            "kp-index-gini", [(str(e.year), e.gini) for e in equalities], places=3,
            title=_("Gini coefficient of the index per year"),
            description=_("0 means every commune has the same index; the higher, the more unequal. "
                          "The table below gives the figures."),
        ),
        "spread_svg": index_charts.line_chart(
            "kp-index-spread", [(str(e.year), e.spread) for e in equalities], places=1,
            title=_("Gap between the size classes per year"),
            description=_("Difference in index points between the size class with the highest and the one with the "
                          "lowest mean. The table below gives the figures."),
        ),
    }  # fmt: skip
    return render(request, "monitor/index.html", context)


# The self-assessment


@login_required
def questionnaire_list(request: HttpRequest) -> HttpResponse:
    """A commune's questionnaires with the state of its responses; for the ministry, every questionnaire."""
    user: Any = request.user
    questionnaires = list(questionnaires_visible_to(user).order_by("-year"))
    if is_ministry_user(user):
        counts = response_counts()
        summary = [
            (q, counts.get((q.pk, ResponseStatus.SUBMITTED), 0), counts.get((q.pk, ResponseStatus.DRAFT), 0))
            for q in questionnaires
        ]
        return render(
            request, "monitor/questionnaire_overview.html", {"summary": summary, "communes_total": communes().count()}
        )
    organisations = communes_of(user)
    if not organisations:
        raise HttpForbidden(_("Only communes fill in the self-assessment."))
    return _commune_list(request, questionnaires, organisations)


def _commune_list(
    request: HttpRequest, questionnaires: list[Questionnaire], organisations: list[Organisation]
) -> HttpResponse:
    user: Any = request.user
    today = clock.today()
    rows = [
        (row, bool(questionnaire_accepts_answers(row.questionnaire, today)), bool(can_fill_in(user, row.organisation)))
        for row in response_rows(questionnaires, organisations)
    ]
    return render(request, "monitor/questionnaire_list.html", {"rows": rows, "several": len(organisations) > 1})


@login_required
def questionnaire_year(request: HttpRequest, year: int) -> HttpResponse:
    """The commune's response of the year (a choice first for people of several communes); for the ministry,
    every commune's response of the year."""
    user: Any = request.user
    questionnaire = get_object_or_404(questionnaires_visible_to(user), year=year)
    if is_ministry_user(user):
        organisations = list(communes().order_by("short_name", "key"))
        rows = response_rows([questionnaire], organisations)
        submitted = sum(1 for row in rows if row.response is not None and row.response.is_submitted)
        return render(
            request, "monitor/questionnaire_responses.html",
            {"questionnaire": questionnaire, "rows": rows, "submitted": submitted},
        )  # fmt: skip
    organisations = communes_of(user)
    if not organisations:
        raise HttpForbidden(_("Only communes fill in the self-assessment."))
    if len(organisations) > 1:
        return _commune_list(request, [questionnaire], organisations)
    return _response_page(request, questionnaire, organisations[0])


@login_required
def response_detail(request: HttpRequest, year: int, key: str) -> HttpResponse:
    """One commune's response: the form while it may still answer, the answers otherwise."""
    user: Any = request.user
    questionnaire = get_object_or_404(questionnaires_visible_to(user), year=year)
    organisation = organisation_by_key(key)
    if organisation is None or not organisation.is_commune or not can_read_responses_of(user, organisation):
        raise Http404
    return _response_page(request, questionnaire, organisation)


SUBMIT = "einreichen"


def _response_page(request: HttpRequest, questionnaire: Questionnaire, organisation: Organisation) -> HttpResponse:
    user: Any = request.user
    response = response_of(questionnaire, organisation)
    questions = questions_of(questionnaire)
    answers = answers_of(response)
    accepts = questionnaire_accepts_answers(questionnaire, clock.today())
    allowed = can_fill_in(user, organisation)
    editable = bool(allowed and accepts) and not (response is not None and response.is_submitted)
    form: ResponseForm | None = None
    if request.method == "POST":
        if not allowed:
            raise HttpForbidden(allowed.reason)
        if not editable:
            frozen = _("The self-assessment was submitted and can no longer be changed.")
            messages.error(request, str(accepts.reason or frozen))
            return redirect("monitor:response", year=questionnaire.year, key=organisation.key)
        submitting = request.POST.get("aktion") == SUBMIT
        form = ResponseForm(request.POST, questions=questions, complete=submitting)
        if form.is_valid():
            act = submit_response if submitting else save_draft
            try:
                act(questionnaire=questionnaire, organisation=organisation, actor=user, values=form.values())
            except DomainError as error:
                form.add_error(None, str(error.message))
            else:
                done = _("The self-assessment is submitted. Thank you!") if submitting else _("The answers are saved.")
                messages.success(request, done)
                return redirect("monitor:response", year=questionnaire.year, key=organisation.key)
    elif editable:
        form = ResponseForm(initial=initial_values(questions, answers), questions=questions)
    context = {
        "questionnaire": questionnaire, "organisation": organisation, "response": response, "form": form,
        "answers": [(question, display_value(question, answers.get(question.code))) for question in questions],
        "accepts": accepts, "allowed": allowed, "submit_action": SUBMIT,
        "is_ministry": is_ministry_user(user),
    }  # fmt: skip
    return render(request, "monitor/questionnaire_form.html", context)
