from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    LAND = "land", _("State")
    DISTRICT = "district", _("District")
    DISTRICT_FREE_CITY = "district_free_city", _("District-free city")
    TOWN = "town", _("Town")
    MUNICIPALITY = "municipality", _("Municipality")
    UNINCORPORATED_AREA = "unincorporated_area", _("Unincorporated area")


# Communes that can apply for grants and run online services: the Gemeinden (towns, municipalities and
# district-free cities) and the Landkreise. Unincorporated areas have no council and no inhabitants.
COMMUNE_KINDS = (
    OrganisationKind.DISTRICT_FREE_CITY,
    OrganisationKind.TOWN,
    OrganisationKind.MUNICIPALITY,
    OrganisationKind.DISTRICT,
)
MUNICIPAL_KINDS = (OrganisationKind.DISTRICT_FREE_CITY, OrganisationKind.TOWN, OrganisationKind.MUNICIPALITY)


class AdministrativeRegion(models.TextChoices):
    DARMSTADT = "Darmstadt", "Darmstadt"
    GIESSEN = "Gießen", "Gießen"
    KASSEL = "Kassel", "Kassel"


class Organisation(models.Model):
    """The state (the ministry), a district, or a municipality, identified by its official key."""

    # AGS (8 digits) for municipalities, the district key (5 digits) for districts, "06" for the state.
    key = models.CharField(_("official key"), max_length=8, unique=True)
    ars = models.CharField(_("official regional key (ARS)"), max_length=12, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices, db_index=True)
    name = models.CharField(_("official name"), max_length=200)
    short_name = models.CharField(_("name"), max_length=200, db_index=True)
    district = models.ForeignKey(
        "self",
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        limit_choices_to={"kind": OrganisationKind.DISTRICT},
    )
    administrative_region = models.CharField(
        _("administrative region"), max_length=20, choices=AdministrativeRegion.choices, blank=True
    )
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    population_on = models.DateField(_("population as of"), null=True, blank=True)
    area_km2 = models.DecimalField(_("area in km²"), max_digits=9, decimal_places=2, null=True, blank=True)
    postcode = models.CharField(_("postcode"), max_length=5, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    settlement_density = models.CharField(_("degree of urbanisation"), max_length=50, blank=True)
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Cleared when the organisation no longer appears in the official data.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["short_name", "key"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(key__regex=r"^[0-9]{2}([0-9]{3}([0-9]{3})?)?$"),
                name="organisation_key_is_official",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_commune(self) -> bool:
        return self.kind in COMMUNE_KINDS

    @property
    def is_land(self) -> bool:
        return self.kind == OrganisationKind.LAND
