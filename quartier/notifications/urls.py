from django.urls import path

from . import views

urlpatterns = [
    path("", views.notifications_view, name="notifications"),
    path("read/", views.notifications_read_view, name="notifications_read"),
    path("settings/", views.notifications_settings_view, name="notifications_settings"),
    path(
        "unsubscribe/<str:token>/",
        views.notifications_unsubscribe_view,
        name="notifications_unsubscribe",
    ),
]
