from django.urls import path

from . import views

app_name = "organisations"

urlpatterns = [
    path("", views.commune_list, name="list"),
    path("<str:key>/", views.commune_detail, name="detail"),
]
