"""The read API: /api/<version>/… (only the versions in REST_FRAMEWORK["ALLOWED_VERSIONS"]), and a 404 problem
for every other address under /api/ (an unknown version included)."""

import re

from django.urls import URLPattern, URLResolver, include, path, re_path
from rest_framework.settings import api_settings

from . import grant_views, meta_views, public_views, token_views
from .problems import not_found

app_name = "api"

VERSIONS = "|".join(re.escape(version) for version in api_settings.ALLOWED_VERSIONS or ())

endpoints: list[URLPattern | URLResolver] = [
    path("", meta_views.ApiRoot.as_view(), name="root"),
    path("schema/", meta_views.SchemaView.as_view(), name="schema"),
    path("docs/", meta_views.DocsView.as_view(), name="docs"),
    path("token/", token_views.TokenEndpoint.as_view(), name="token"),
    path("programmes/", public_views.ProgrammeList.as_view(), name="programmes"),
    path("programmes/<uuid:public_id>/", public_views.ProgrammeDetail.as_view(), name="programme"),
    path("calls/", public_views.CallList.as_view(), name="calls"),
    path("calls/<uuid:public_id>/", public_views.CallDetail.as_view(), name="call"),
    path("communes/", public_views.CommuneList.as_view(), name="communes"),
    path("communes/<str:key>/", public_views.CommuneDetail.as_view(), name="commune"),
    path("awards/", public_views.AwardList.as_view(), name="awards"),
    path("indicators/", public_views.IndicatorList.as_view(), name="indicators"),
    path("indicators/<str:code>/", public_views.IndicatorDetail.as_view(), name="indicator"),
    path("applications/", grant_views.ApplicationList.as_view(), name="applications"),
    path("applications/<uuid:public_id>/", grant_views.ApplicationDetail.as_view(), name="application"),
    path("money/", grant_views.MoneyList.as_view(), name="money"),
    path("drawdowns/", grant_views.DrawdownList.as_view(), name="drawdowns"),
    path("drawdowns/<uuid:public_id>/", grant_views.DrawdownDetail.as_view(), name="drawdown"),
]

urlpatterns: list[URLPattern | URLResolver] = [
    re_path(rf"^(?P<version>{VERSIONS})/", include(endpoints)),
    # Only addresses that end in a slash, so that Django still adds a forgotten one (APPEND_SLASH) first.
    re_path(r"^(?P<rest>(?:.*/)?)$", not_found, name="not_found"),
]
