from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Organisation


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    """Read-only: the registry comes from the official files (manage.py load_registry)."""

    list_display = ["key", "name", "kind", "district", "administrative_region", "population", "is_active"]
    list_filter = ["kind", "administrative_region", "is_active"]
    search_fields = ["key", "name", "short_name"]
    list_select_related = ["district"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
