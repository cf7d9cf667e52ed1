from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import City, District, Hotspot


def city_get(*, slug: str) -> City:
    return get_object_or_404(City, slug=slug)


def city_list() -> QuerySet[City]:
    return City.objects.all()


def district_list(*, city: City) -> QuerySet[District]:
    return District.objects.filter(city=city).order_by("name")


def hotspot_list(*, city: City) -> QuerySet[Hotspot]:
    return Hotspot.objects.filter(city=city).select_related("district").order_by("name")
