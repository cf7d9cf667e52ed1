from django.contrib import admin

from .models import City, District, Hotspot


@admin.register(City)
class CityAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "country_code"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "population", "population_year"]
    list_filter = ["city"]
    search_fields = ["name"]


@admin.register(Hotspot)
class HotspotAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "kind", "district", "lat", "lon"]
    list_filter = ["city", "kind"]
    search_fields = ["name", "address"]
