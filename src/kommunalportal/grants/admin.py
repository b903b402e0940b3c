from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kommunalportal.core.audit import record_event, snapshot

from .models import MeasureCategory

CATEGORY_FIELDS = ("code", "name", "name_en", "description", "position", "is_active")


@admin.register(MeasureCategory)
class MeasureCategoryAdmin(admin.ModelAdmin):
    """The list of eligible uses is data: operators add, rename or retire categories (never delete them)."""

    list_display = ["position", "code", "name", "name_en", "is_active"]
    list_display_links = ["code"]
    list_editable = ["position", "is_active"]
    ordering = ["position", "code"]

    def save_model(self, request: HttpRequest, obj: MeasureCategory, form: Any, change: bool) -> None:
        before = snapshot(MeasureCategory.objects.get(pk=obj.pk), CATEGORY_FIELDS) if change else None
        super().save_model(request, obj, form, change)
        action = "grants.measure_category.changed" if change else "grants.measure_category.created"
        record_event(actor=request.user, action=action, obj=obj, before=before, after=snapshot(obj, CATEGORY_FIELDS))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Applications refer to categories; a retired one is set inactive instead.
        return False
