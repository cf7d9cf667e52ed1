"""Pages of the prize-money vote: results."""

from django.urls import path  # noqa: F401 - the area's own URLs are listed here

urlpatterns: list = []
