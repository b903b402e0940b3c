from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language
from django_otp.admin import OTPAdminSite

# Operators reach the admin only with the second factor verified (the middleware sends them there first).
admin.site.__class__ = OTPAdminSite
admin.site.site_header = "Kommunalportal"
admin.site.site_title = "Kommunalportal"

urlpatterns = [
    path("", include("kommunalportal.core.urls")),
    path("", include("kommunalportal.accounts.urls")),
    path("kommunen/", include("kommunalportal.organisations.urls")),
    path("foerderung/", include("kommunalportal.grants.urls")),
    path("dokumente/", include("kommunalportal.documents.urls")),
    path("postfach/", include("kommunalportal.notifications.urls")),
    path("monitor/", include("kommunalportal.monitor.urls")),
    path("daten/", include("kommunalportal.opendata.urls")),
    path("api/", include("kommunalportal.api.urls")),
    path("sprache/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
]

handler403 = "kommunalportal.core.errorviews.permission_denied"
handler404 = "kommunalportal.core.errorviews.page_not_found"
handler500 = "kommunalportal.api.problems.server_error"  # a problem under /api/, the error page elsewhere
