from django.urls import path

from . import views

urlpatterns = [
    path("opinion-maps/", views.conversation_list_view, name="conversation_list"),
    path("opinion-maps/new/", views.conversation_new, name="conversation_new"),
    path(
        "opinion-maps/<int:conversation_id>/", views.conversation_detail, name="conversation_detail"
    ),
    path("opinion-maps/<int:conversation_id>/vote/", views.vote_view, name="conversation_vote"),
    path(
        "opinion-maps/<int:conversation_id>/statements/",
        views.statement_add_view,
        name="conversation_statement_add",
    ),
    path(
        "opinion-maps/<int:conversation_id>/results/",
        views.conversation_results,
        name="conversation_results",
    ),
    path(
        "opinion-maps/<int:conversation_id>/export.zip",
        views.conversation_export,
        name="conversation_export",
    ),
    path(
        "opinion-maps/<int:conversation_id>/moderation/",
        views.moderation_view,
        name="conversation_moderation",
    ),
]
