"""The digitalisation index: the public page and the communes' self-assessment."""

from django.urls import URLPattern, URLResolver, path

from . import index_views as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index_overview, name="index"),
    path("fragebogen/", views.questionnaire_list, name="questionnaires"),
    path("fragebogen/<int:year>/", views.questionnaire_year, name="questionnaire"),
    path("fragebogen/<int:year>/<str:key>/", views.response_detail, name="response"),
]
