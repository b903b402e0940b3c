from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from .forms import CommuneFilterForm
from .models import OrganisationKind
from .rules import size_class_for
from .selectors import communes, members_of_district, organisation_by_key, search_communes

PAGE_SIZE = 50


def commune_list(request: HttpRequest) -> HttpResponse:
    """The searchable, filterable list of communes; htmx swaps only the results on each change."""
    form = CommuneFilterForm(request.GET or None)
    if form.is_bound and form.is_valid():
        queryset = search_communes(
            text=form.cleaned_data["q"].strip(),
            district=form.cleaned_data["district"],
            kind=form.cleaned_data["kind"],
            size=form.size_class(),
        )
    elif form.is_bound:
        queryset = communes().none()
    else:
        queryset = search_communes()
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("seite"))
    query = request.GET.copy()
    query.pop("seite", None)
    partial = bool(request.headers.get("HX-Request"))
    context = {"form": form, "page": page, "query": query.urlencode(), "htmx_partial": partial}
    template = "organisations/_results.html" if partial else "organisations/list.html"
    return render(request, template, context)


def commune_detail(request: HttpRequest, key: str) -> HttpResponse:
    organisation = organisation_by_key(key)
    if organisation is None or organisation.kind == OrganisationKind.LAND:
        raise Http404
    context = {
        "organisation": organisation,
        "size_class": size_class_for(organisation.population)
        if organisation.population is not None and organisation.kind != OrganisationKind.DISTRICT
        else None,
        "density": round(organisation.population / organisation.area_km2)
        if organisation.population and organisation.area_km2
        else None,
        "members": members_of_district(organisation) if organisation.kind == OrganisationKind.DISTRICT else None,
    }
    return render(request, "organisations/detail.html", context)
