from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from knox.models import AuthToken

# django-rest-knox's own admin issues and deletes tokens past the policies and the audit trail, and lists their
# digests; here operators only see who has a token and when it expires. Tokens are issued and revoked through
# `api.services` (the token endpoint, `manage.py api_token`).
admin.site.unregister(AuthToken)


@admin.register(AuthToken)
class AuthTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "created", "expiry"]
    list_display_links = None  # no detail page, whose address would carry the digest (the primary key)
    search_fields = ["user__username"]
    list_select_related = ["user"]
    ordering = ["-created"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
