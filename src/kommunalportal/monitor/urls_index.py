"""The digitalisation index: the public page, the communes' self-assessment and the ministry's maintenance of
its questionnaires."""

from django.urls import URLPattern, URLResolver, include, path

from . import index_views as views
from . import questionnaire_admin_views as manage

# Under fragebogen/verwaltung/: the ministry's pages for the questionnaires and their questions.
management: list[URLPattern | URLResolver] = [
    path("", manage.questionnaire_list, name="manage_questionnaires"),
    path("neu/", manage.questionnaire_create, name="manage_questionnaire_create"),
    path("<int:year>/", manage.questionnaire_detail, name="manage_questionnaire"),
    path("<int:year>/bearbeiten/", manage.questionnaire_update, name="manage_questionnaire_update"),
    path("<int:year>/veroeffentlichen/", manage.questionnaire_publish, name="manage_questionnaire_publish"),
    path("<int:year>/zurueckziehen/", manage.questionnaire_unpublish, name="manage_questionnaire_unpublish"),
    path("<int:year>/fragen/neu/", manage.question_create, name="manage_question_create"),
    path("<int:year>/fragen/<slug:code>/", manage.question_update, name="manage_question_update"),
    path("<int:year>/fragen/<slug:code>/verschieben/", manage.question_move, name="manage_question_move"),
    path("<int:year>/fragen/<slug:code>/loeschen/", manage.question_delete, name="manage_question_delete"),
]

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index_overview, name="index"),
    path("fragebogen/", views.questionnaire_list, name="questionnaires"),
    path("fragebogen/verwaltung/", include(management)),
    path("fragebogen/<int:year>/", views.questionnaire_year, name="questionnaire"),
    path("fragebogen/<int:year>/<str:key>/", views.response_detail, name="response"),
]
