from django.urls import path

from . import views

urlpatterns = [
    path("legal/consent/", views.legal_consent, name="legal_consent"),
    path("legal/<slug:kind>/", views.legal_page, name="legal_page"),
    path("legal/<slug:kind>/edit/", views.legal_page_edit, name="legal_page_edit"),
]
