"""The map of Hessen under /monitor/karte/: the page, its table, the values and the boundaries."""

from django.urls import URLPattern, URLResolver, path, re_path

from . import map_views
from .maps import LEVELS

urlpatterns: list[URLPattern | URLResolver] = [
    path("", map_views.map_page, name="map"),
    path("tabelle/", map_views.map_table, name="map_table"),
    path("werte.json", map_views.map_values, name="map_values"),
    re_path(
        r"^(?P<level>{})\.geojson$".format("|".join(level.code for level in LEVELS)),
        map_views.map_shapes,
        name="map_shapes",
    ),
]
