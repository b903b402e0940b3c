"""The roles a person can hold in an organisation; the codes are stable and used in code and data."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PROGRAMME_MANAGER = "programme_manager", _("Programme manager")
    REVIEWER = "reviewer", _("Reviewer")
    PAYMENT_OFFICER = "payment_officer", _("Payment officer")
    AUDITOR = "auditor", _("Auditor")
    MUNICIPAL_APPLICANT = "municipal_applicant", _("Municipal applicant")
    MUNICIPAL_SIGNATORY = "municipal_signatory", _("Authorised signatory")
    CLERK = "clerk", _("Clerk")
    SERVICE_DESIGNER = "service_designer", _("Service designer")


# Held in the state's organisation (the ministry); every one of them must use two-factor login.
MINISTRY_ROLES = frozenset({Role.PROGRAMME_MANAGER, Role.REVIEWER, Role.PAYMENT_OFFICER, Role.AUDITOR})
# Held in a commune (municipality, town, district-free city or district).
COMMUNE_ROLES = frozenset({Role.MUNICIPAL_APPLICANT, Role.MUNICIPAL_SIGNATORY, Role.CLERK, Role.SERVICE_DESIGNER})
