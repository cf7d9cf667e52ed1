from django.urls import path

from . import views

urlpatterns = [
    path("moderation/", views.moderation_queue, name="moderation_queue"),
    path("moderation/pre-moderation/", views.premoderation_view, name="moderation_premoderation"),
    path(
        "moderation/<slug:kind>/<int:object_id>/<slug:action>/",
        views.moderation_act,
        name="moderation_act",
    ),
    path("report/<slug:kind>/<int:object_id>/", views.report_content, name="report_content"),
]
