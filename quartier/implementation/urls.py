from django.urls import path

from . import views

# Under /<city>/prize-money/<process_id>/implementation/.
urlpatterns = [
    path("", views.overview, name="implementation_overview"),
    path("<int:proposal_id>/", views.project, name="implementation_project"),
    path("<int:proposal_id>/updates/", views.update_add, name="implementation_update_add"),
    path("<int:proposal_id>/milestones/", views.milestone_add, name="implementation_milestone_add"),
    path(
        "<int:proposal_id>/milestones/<int:milestone_id>/reached/",
        views.milestone_reached,
        name="implementation_milestone_reached",
    ),
    path("<int:proposal_id>/ledger/", views.ledger_add, name="implementation_ledger_add"),
]
