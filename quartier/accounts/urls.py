from django.urls import path

from . import views

urlpatterns = [
    path("", views.profile, name="profile"),
    path("export/", views.profile_export, name="profile_export"),
    path("delete/", views.profile_delete, name="profile_delete"),
]
