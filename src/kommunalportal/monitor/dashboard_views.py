"""The dashboards: the ministry's figures of the programmes (with CSV export of its tables), and a commune's own
figures beside the averages of the communes like it."""

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kommunalportal.accounts.policies import is_ministry_user
from kommunalportal.accounts.roles import COMMUNE_ROLES
from kommunalportal.accounts.selectors import organisations_of
from kommunalportal.core.forms import KernFormMixin
from kommunalportal.core.money import format_amount, round_commercial
from kommunalportal.core.spreadsheet import csv_response
from kommunalportal.grants.models import Call, Programme, ProgrammeYear
from kommunalportal.grants.selectors import calls_visible_to, programmes_visible_to
from kommunalportal.organisations.models import Organisation

from .charts import Bar, Series, bar_chart, line_chart
from .dashboards import CommuneDashboard, Group, MinistryDashboard, commune_dashboard, ministry_dashboard
from .figures import Money, Scope

FILTER_FIELDS = ("programm", "jahr", "aufruf")


class CallChoiceField(forms.ModelChoiceField[Call]):
    def to_python(self, value: Any) -> Call | None:
        # A value that is no UUID fails in the lookup with the UUID field's own message; ours names the list.
        try:
            return super().to_python(value)
        except ValidationError as error:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice") from error

    def label_from_instance(self, obj: Call) -> str:
        return f"{obj.programme.code} {obj.year.year}: {obj.name}"


class ScopeForm(KernFormMixin, forms.Form):
    """Which grants the figures cover: a programme, a budget year, a call, or all of them (GET parameters)."""

    programm = forms.ModelChoiceField(
        label=gettext_lazy("Programme"),
        queryset=Programme.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=gettext_lazy("All programmes"),
        error_messages={"invalid_choice": gettext_lazy("Please choose a programme from the list.")},
    )
    jahr = forms.TypedChoiceField(
        label=gettext_lazy("Budget year"),
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": gettext_lazy("Please choose a budget year from the list.")},
    )
    aufruf = CallChoiceField(
        label=gettext_lazy("Call"),
        queryset=Call.objects.none(),
        to_field_name="public_id",
        required=False,
        empty_label=gettext_lazy("All calls"),
        error_messages={"invalid_choice": gettext_lazy("Please choose a call from the list.")},
    )

    def __init__(self, *args: Any, programmes: QuerySet[Programme], calls: QuerySet[Call], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programm"].queryset = programmes.order_by("code")  # type: ignore[attr-defined]  # ModelChoiceField
        self.fields["aufruf"].queryset = calls.order_by("programme__code", "year__year", "opens_on", "name")  # type: ignore[attr-defined]  # ModelChoiceField
        years = ProgrammeYear.objects.filter(programme__in=programmes).order_by("year").values_list("year", flat=True)
        self.fields["jahr"].choices = [("", gettext_lazy("All years")), *((y, y) for y in sorted(set(years)))]  # type: ignore[attr-defined]  # ChoiceField

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        call: Call | None = data.get("aufruf")
        programme: Programme | None = data.get("programm")
        if call is not None and programme is not None and call.programme_id != programme.pk:
            self.add_error("aufruf", _("The call does not belong to the chosen programme."))
        elif call is not None and data.get("jahr") is not None and call.year.year != data["jahr"]:
            self.add_error("aufruf", _("The call does not belong to the chosen budget year."))
        return data

    def scope(self) -> Scope:
        """The scope of a valid form; an unbound form covers everything."""
        if not self.is_bound:
            return Scope()
        data = self.cleaned_data
        return Scope(
            programme=data["programm"].pk if data.get("programm") else None,
            year=data.get("jahr"),
            call=data["aufruf"].pk if data.get("aufruf") else None,
        )

    def describe(self) -> str:
        """The scope in words, for headings and chart descriptions."""
        if not self.is_bound or not self.is_valid():
            return _("all programmes")
        data = self.cleaned_data
        if data.get("aufruf"):
            return self.fields["aufruf"].label_from_instance(data["aufruf"])  # type: ignore[attr-defined]  # CallChoiceField
        parts = []
        if data.get("programm"):
            parts.append(data["programm"].name)
        if data.get("jahr"):
            parts.append(_("budget year %(year)s") % {"year": data["jahr"]})
        return ", ".join(parts) or _("all programmes")

    def query(self) -> str:
        """The filters as a query string, for the links to the exports."""
        if not self.is_bound:
            return ""
        query = self.data.copy()  # type: ignore[attr-defined]  # a QueryDict
        for key in list(query):
            if key not in FILTER_FIELDS or not query.get(key):
                del query[key]
        return str(query.urlencode())


class CommuneScopeForm(ScopeForm):
    kommune = forms.ChoiceField(
        label=gettext_lazy("Commune"),
        required=False,
        error_messages={"invalid_choice": gettext_lazy("Please choose one of your communes.")},
    )
    field_order = ["kommune", *FILTER_FIELDS]

    def __init__(self, *args: Any, communes: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.communes = {c.key: c for c in communes}
        self.fields["kommune"].choices = [(c.key, c.short_name) for c in communes]  # type: ignore[attr-defined]  # ChoiceField
        if len(communes) < 2:
            # Nothing to choose; the field stays, so that asking for another commune is still refused.
            self.fields["kommune"].widget = forms.HiddenInput()

    def commune(self) -> Organisation:
        """The chosen commune of a valid form; the first one of the user's otherwise."""
        key = self.cleaned_data.get("kommune") if self.is_bound else None
        return self.communes[key] if key else next(iter(self.communes.values()))


# The ministry's dashboard


def _ministry_only(user: Any) -> None:
    if not is_ministry_user(user):
        raise HttpForbidden(_("Only ministry staff see the dashboard of the programmes."))


def _ministry_form(request: HttpRequest, user: Any) -> ScopeForm:
    return ScopeForm(request.GET or None, programmes=programmes_visible_to(user), calls=calls_visible_to(user))


def _month(day: Any) -> str:
    return date_format(day, "M Y")


def _progress_chart(dashboard: MinistryDashboard, scope_text: str) -> SafeString:
    months = dashboard.progress.months
    description = (
        _(
            "Amounts added up month by month for %(scope)s, from %(first)s to %(last)s: "
            "approved %(approved)s, paid %(paid)s by the end."
        )
        % {
            "scope": scope_text,
            "first": date_format(months[0].month, "YEAR_MONTH_FORMAT"),
            "last": date_format(months[-1].month, "YEAR_MONTH_FORMAT"),
            "approved": format_amount(months[-1].approved_total),
            "paid": format_amount(months[-1].paid_total),
        }
        if months
        else _("No grant has been approved or paid for %(scope)s yet.") % {"scope": scope_text}
    )
    return line_chart(
        chart_id="verlauf-diagramm",
        title=_("Approved and paid over time"),
        description=description,
        labels=[_month(m.month) for m in months],
        series=[
            Series(_("Approved"), tuple(m.approved_total for m in months)),
            Series(_("Paid"), tuple(m.paid_total for m in months)),
        ],
        empty_message=_("No figures yet."),
    )


def _category_chart(dashboard: MinistryDashboard, scope_text: str) -> SafeString:
    largest = max(dashboard.categories, key=lambda c: c.approved, default=None)
    if largest is not None and largest.approved:
        description = _("Approved amounts of the measures by category for %(scope)s; the most in %(category)s.") % {
            "scope": scope_text,
            "category": largest.label,
        }
    else:
        description = _("Approved amounts of the measures by category for %(scope)s; nothing approved yet.") % {
            "scope": scope_text
        }
    return bar_chart(
        chart_id="kategorien-diagramm",
        title=_("Approved by measure category"),
        description=description,
        bars=[Bar(c.label, c.approved) for c in dashboard.categories],
        empty_message=_("No figures yet."),
    )


def _size_chart(groups: Iterable[Group], scope_text: str, chart_id: str) -> SafeString:
    bars = [Bar(str(g.label), g.approved_per_inhabitant) for g in groups if g.approved_per_inhabitant is not None]
    return bar_chart(
        chart_id=chart_id,
        title=_("Approved per inhabitant"),
        description=_("Euros granted per inhabitant for %(scope)s, by group of communes.") % {"scope": scope_text},
        bars=bars,
        unit="€",
        empty_message=_("No figures yet."),
    )


@login_required
def ministry(request: HttpRequest) -> HttpResponse:
    """The ministry's figures of all programmes, or of one programme, budget year or call."""
    user: Any = request.user
    _ministry_only(user)
    form = _ministry_form(request, user)
    if form.is_bound and not form.is_valid():
        return render(request, "monitor/dashboard.html", {"form": form}, status=400)
    dashboard = ministry_dashboard(form.scope())
    scope_text = form.describe()
    context = {
        "form": form,
        "dashboard": dashboard,
        "scope_text": scope_text,
        "query": form.query(),
        "progress_chart": _progress_chart(dashboard, scope_text),
        "category_chart": _category_chart(dashboard, scope_text),
        "size_chart": _size_chart(dashboard.size_classes, scope_text, "groessen-diagramm"),
    }
    return render(request, "monitor/dashboard.html", context)


# The exports of the ministry's tables: machine-readable, amounts with a decimal point, codes rather than labels
# where there are codes.

MONEY_COLUMNS = ["envelope", "approved", "drawn", "paid", "proven", "recovered", "interest"]


def _money(money: Money) -> list[Any]:
    return [getattr(money, name) for name in MONEY_COLUMNS]


def _summary(d: MinistryDashboard) -> tuple[list[str], list[list[Any]]]:
    figures: list[tuple[str, Decimal | int]] = [
        ("year_budget", d.budget.years),
        ("call_budget", d.budget.calls),
        *((name, getattr(d.total, name)) for name in MONEY_COLUMNS),
        ("awards", d.total.awards),
    ]
    return ["figure", "value"], [[name, value] for name, value in figures]


def _categories(d: MinistryDashboard) -> tuple[list[str], list[list[Any]]]:
    return ["code", "category", "measures", "approved"], [
        [c.category.code, c.label, c.measures, c.approved] for c in d.categories
    ]


def _groups(groups: list[Group], *, with_kind: bool) -> tuple[list[str], list[list[Any]]]:
    head = ["code", "name", *(["kind"] if with_kind else []), "communes", "population", *MONEY_COLUMNS, "awards"]
    rows = [
        [g.code, str(g.label), *([g.kind] if with_kind else []), g.communes, g.population, *_money(g.money),
         g.money.awards]
        for g in groups
    ]  # fmt: skip
    return head, rows


def _progress(d: MinistryDashboard) -> tuple[list[str], list[list[Any]]]:
    return ["month", "approved", "approved_cumulative", "paid", "paid_cumulative"], [
        [m.month.strftime("%Y-%m"), m.approved, m.approved_total, m.paid, m.paid_total] for m in d.progress.months
    ]


EXPORTS: dict[str, Callable[[MinistryDashboard], tuple[list[str], list[list[Any]]]]] = {
    "kennzahlen": _summary,
    "verlauf": _progress,
    "kategorien": _categories,
    "landkreise": lambda d: _groups(d.districts, with_kind=True),
    "groessenklassen": lambda d: _groups(d.size_classes, with_kind=False),
}


@login_required
def ministry_export(request: HttpRequest, table: str) -> HttpResponse:
    """One table of the ministry's dashboard as CSV (`core.spreadsheet`), for the filters of the page."""
    user: Any = request.user
    _ministry_only(user)
    if table not in EXPORTS:
        raise Http404
    form = _ministry_form(request, user)
    if form.is_bound and not form.is_valid():
        errors = " ".join(str(error) for errors in form.errors.values() for error in errors)
        return HttpResponseBadRequest(errors, content_type="text/plain; charset=utf-8")
    head, rows = EXPORTS[table](ministry_dashboard(form.scope()))
    return csv_response(
        f"monitor-{table}-{timezone.localdate().isoformat()}.csv",
        head,
        [[_cell(value) for value in row] for row in rows],
    )


def _cell(value: Any) -> Any:
    # Sums come back from some databases with trailing zeros (16000000.0000000000): written as the cents they are.
    return round_commercial(value) if isinstance(value, Decimal) else value


# The commune's dashboard


def _comparison_chart(dashboard: CommuneDashboard, scope_text: str) -> SafeString:
    bars = [Bar(dashboard.organisation.short_name, dashboard.approved_per_inhabitant or Decimal(0))]
    for group, label in (
        (dashboard.size_class, _("Average: %(group)s") % {"group": dashboard.size_class.label}),
        (dashboard.all_communes, _("Average: all communes")),
    ):
        if group.is_disclosable and group.approved_per_inhabitant is not None:
            bars.append(Bar(label, group.approved_per_inhabitant))
    return bar_chart(
        chart_id="vergleich-diagramm",
        title=_("Approved per inhabitant compared"),
        description=_("Euros granted per inhabitant for %(scope)s: %(commune)s and the averages.")
        % {"scope": scope_text, "commune": dashboard.organisation.short_name},
        bars=bars,
        empty_message=_("No figures yet."),
    )


@login_required
def commune(request: HttpRequest) -> HttpResponse:
    """A commune's own figures and awards beside the averages of its size class and of all communes."""
    user: Any = request.user
    communes = list(organisations_of(user, roles=COMMUNE_ROLES).order_by("short_name", "key"))
    if not communes:
        raise HttpForbidden(_("Only the staff of a commune see its dashboard."))
    form = CommuneScopeForm(
        request.GET or None, communes=communes, programmes=programmes_visible_to(user), calls=calls_visible_to(user)
    )
    if form.is_bound and not form.is_valid():
        return render(request, "monitor/dashboard_commune.html", {"form": form}, status=400)
    organisation = form.commune()
    dashboard = commune_dashboard(form.scope(), organisation)
    scope_text = form.describe()
    context = {
        "form": form,
        "dashboard": dashboard,
        "scope_text": scope_text,
        "comparison_chart": _comparison_chart(dashboard, scope_text),
    }
    return render(request, "monitor/dashboard_commune.html", context)
