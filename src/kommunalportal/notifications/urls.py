from django.urls import path

from . import announcement_views, views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/", views.open_message, name="open"),
    path("mitteilungen/", announcement_views.announcement_list, name="announcements"),
    path("mitteilungen/neu/", announcement_views.announcement_create, name="announcement_create"),
    path("mitteilungen/<uuid:public_id>/", announcement_views.announcement_detail, name="announcement"),
]
