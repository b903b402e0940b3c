"""The monitor's pages: the dashboards, the map with its table, the digitalisation index."""

from django.urls import include, path

app_name = "monitor"

urlpatterns = [
    path("", include("kommunalportal.monitor.urls_dashboard")),
    path("karte/", include("kommunalportal.monitor.urls_map")),
    path("index/", include("kommunalportal.monitor.urls_index")),
]
