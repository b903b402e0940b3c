from django.urls import path

from . import views

app_name = "grants"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("programme/neu/", views.programme_create, name="programme_create"),
    path("programme/<uuid:public_id>/", views.programme_detail, name="programme"),
    path("programme/<uuid:public_id>/jahr/<int:year>/", views.year_budget_update, name="year_budget"),
    path("programme/<uuid:public_id>/aufruf/neu/", views.call_create, name="call_create"),
    path("aufrufe/<uuid:public_id>/", views.call_detail, name="call"),
    path("aufrufe/<uuid:public_id>/kontingente.csv", views.call_envelopes_csv, name="call_envelopes_csv"),
    path("aufrufe/<uuid:public_id>/finanzkraft/", views.call_import_capacity, name="call_import_capacity"),
    path("aufrufe/<uuid:public_id>/kontingente/", views.call_publish_envelopes, name="call_publish_envelopes"),
    path("aufrufe/<uuid:public_id>/veroeffentlichen/", views.call_publish, name="call_publish"),
]
