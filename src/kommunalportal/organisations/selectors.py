"""Reads of the registry. The registry is public data: every visitor may see it."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum

from .models import COMMUNE_KINDS, MUNICIPAL_KINDS, Organisation, OrganisationKind
from .rules import SizeClass


def communes() -> QuerySet[Organisation]:
    """The active communes: the 443 that can apply (Gemeinden and Landkreise)."""
    return Organisation.objects.filter(kind__in=COMMUNE_KINDS, is_active=True)


def search_communes(
    *, text: str = "", district: Organisation | None = None, kind: str = "", size: SizeClass | None = None
) -> QuerySet[Organisation]:
    queryset = communes().select_related("district")
    if text:
        queryset = queryset.filter(Q(short_name__icontains=text) | Q(name__icontains=text) | Q(key__startswith=text))
    if district is not None:
        queryset = queryset.filter(Q(district=district) | Q(pk=district.pk))
    if kind:
        queryset = queryset.filter(kind=kind)
    if size is not None:
        queryset = queryset.filter(kind__in=MUNICIPAL_KINDS, population__gte=size.min_population)
        if size.max_population is not None:
            queryset = queryset.filter(population__lt=size.max_population)
    return queryset.order_by("short_name", "key")


def districts() -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind=OrganisationKind.DISTRICT, is_active=True).order_by("short_name")


def organisation_by_key(key: str) -> Organisation | None:
    return Organisation.objects.select_related("district").filter(key=key).first()


def members_of_district(district: Organisation) -> QuerySet[Organisation]:
    return Organisation.objects.filter(district=district, is_active=True).order_by("short_name")


def land() -> Organisation | None:
    return Organisation.objects.filter(kind=OrganisationKind.LAND).first()


@dataclass(frozen=True)
class RegistrySummary:
    municipalities: int
    district_free_cities: int
    districts: int
    communes: int
    population: int


def registry_summary() -> RegistrySummary:
    counts = communes().aggregate(
        municipalities=Count("pk", filter=Q(kind__in=MUNICIPAL_KINDS)),
        district_free_cities=Count("pk", filter=Q(kind=OrganisationKind.DISTRICT_FREE_CITY)),
        districts=Count("pk", filter=Q(kind=OrganisationKind.DISTRICT)),
        population=Sum("population", filter=Q(kind__in=MUNICIPAL_KINDS)),
    )
    return RegistrySummary(
        municipalities=counts["municipalities"],
        district_free_cities=counts["district_free_cities"],
        districts=counts["districts"],
        communes=counts["municipalities"] + counts["districts"],
        population=counts["population"] or 0,
    )
