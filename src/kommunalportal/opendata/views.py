"""The open data pages: public, without sign-in. Every page and file reads in a constant number of queries."""

from decimal import Decimal
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from kommunalportal.organisations.selectors import land

from . import exports, selectors, threesixty
from .forms import AwardFilterForm

PAGE_SIZE = 50
FORMATS = ("csv", "xlsx", "json", "360giving")


def _context() -> dict[str, Any]:
    return {
        "licence": exports.DATA_LICENCE,
        "attribution": exports.ATTRIBUTION,
        "standard_version": threesixty.STANDARD_VERSION,
        "formats": FORMATS,
    }


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """The programmes, their published calls and what was awarded in them, and the downloads."""
    return render(request, "opendata/index.html", {**_context(), "overview": selectors.overview()})


@require_safe
def award_list(request: HttpRequest) -> HttpResponse:
    """Every award of a published call, filtered, sorted and paginated; with ?format= one of FORMATS, the
    same awards (all pages) as a file."""
    form = AwardFilterForm(request.GET or None)
    export = request.GET.get("format", "")
    valid = form.is_valid() if form.is_bound else True
    if export and export not in FORMATS:
        form.add_error(None, _("Please choose one of the formats offered for download."))
        valid = False
    if not valid:
        return _page(request, form, None, status=400)
    awards = selectors.public_awards(form.filters(), sort=form.ordering(), with_dates=export == "360giving")
    if export:
        return _download(request, form, awards, export)
    return _page(request, form, awards)


def _page(
    request: HttpRequest, form: AwardFilterForm, awards: list[selectors.PublicAward] | None, *, status: int = 200
) -> HttpResponse:
    query = request.GET.copy()
    query.pop("seite", None)
    query.pop("format", None)
    context = {
        **_context(),
        "form": form,
        "page": Paginator(awards, PAGE_SIZE).get_page(request.GET.get("seite")) if awards is not None else None,
        "count": len(awards or []),
        "total": sum((a.amount for a in awards or []), Decimal("0.00")),
        "query": query.urlencode(),
        "sort": form.cleaned_data.get("sort") if form.is_bound and hasattr(form, "cleaned_data") else "",
    }
    return render(request, "opendata/awards.html", context, status=status)


def _download(
    request: HttpRequest, form: AwardFilterForm, awards: list[selectors.PublicAward], export: str
) -> HttpResponse:
    stamp = timezone.localdate().isoformat()
    if export == "csv":
        return exports.attachment(exports.as_csv(awards), "csv", f"foerderungen-{stamp}.csv")
    if export == "xlsx":
        return exports.attachment(exports.as_xlsx(awards), "xlsx", f"foerderungen-{stamp}.xlsx")
    if export == "json":
        return exports.attachment(exports.as_json(awards), "json", f"foerderungen-{stamp}.json")
    funder = land()
    if funder is None:
        # The registry is not loaded: without the state there is no funder to name.
        form.add_error(None, _("The 360Giving file cannot be made before the municipal directory is loaded."))
        return _page(request, form, None, status=503)
    if not awards:
        # A 360Giving package holds at least one grant (the schema's minItems).
        form.add_error(None, _("No award matches these filters, so there is no 360Giving file to download."))
        return _page(request, form, awards, status=404)
    data = threesixty.package(
        awards,
        funder=funder,
        access_url=request.build_absolute_uri(reverse("opendata:index")),
        download_url=request.build_absolute_uri(),
        website=request.build_absolute_uri("/"),
    )
    return exports.attachment(threesixty.as_json(data), "json", f"foerderungen-360giving-{stamp}.json")
