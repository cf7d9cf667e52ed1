from django.urls import include, path

# Every page of a vote lives under /<city>/prize-money/; each area's module lists its URLs.
urlpatterns = [
    path("prize-money/", include("quartier.budgeting.views.setup")),
    path("prize-money/", include("quartier.budgeting.views.proposals")),
    path("prize-money/", include("quartier.budgeting.views.voting")),
    path("prize-money/", include("quartier.budgeting.views.results")),
]
