"""The dashboards: the ministry's figures of the programmes (with its tables as CSV) and a commune's own."""

from django.urls import path

from . import dashboard_views

urlpatterns = [
    path("", dashboard_views.ministry, name="dashboard"),
    path("tabelle/<slug:table>.csv", dashboard_views.ministry_export, name="dashboard_export"),
    path("kommune/", dashboard_views.commune, name="commune_dashboard"),
]
