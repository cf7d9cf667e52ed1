"""Cities, districts and hotspots in the admin: every write goes through cities.services, and
a refusal of the service is a form error, never a server error."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from quartier.core.admin_guards import NoAddInAdmin, NoDeleteInAdmin

from .errors import InvalidGeoData
from .models import City, District, Hotspot
from .services import (
    city_upsert,
    district_delete,
    district_update,
    district_validate,
    hotspot_save,
    hotspot_validate,
    polygon_validated,
)

CITY_SETTINGS = [
    "name", "country_code", "centre_lat", "centre_lon", "default_zoom",
    "boundary", "data_attribution", "districts_note",
]  # fmt: skip


class CityAdminForm(forms.ModelForm):
    class Meta:
        model = City
        fields = ["slug", *CITY_SETTINGS]

    def clean_boundary(self):
        boundary = self.cleaned_data.get("boundary")
        if boundary in (None, "", {}):
            return None
        try:
            return polygon_validated(boundary, label=self.cleaned_data.get("name") or "boundary")
        except InvalidGeoData as error:
            raise ValidationError(error.message) from error


@admin.register(City)
class CityAdmin(NoDeleteInAdmin, admin.ModelAdmin):
    """A city's other fields are plain settings, saved as they are. Pre-moderation is switched
    on the city's moderation page (it writes the audit log); the versions are kept by the
    services; a city is never deleted here (its ideas, processes and audit log hang on it)."""

    form = CityAdminForm
    list_display = ["name", "slug", "country_code", "premoderation"]
    readonly_fields = ["premoderation", "districts_version", "ideas_changed_at"]
    prepopulated_fields = {"slug": ["name"]}

    def get_readonly_fields(self, request, obj=None):
        # The slug is in every URL of the city: chosen once.
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "slug"] if obj is not None else fields

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj is not None else super().get_prepopulated_fields(request, obj)

    def save_model(self, request, obj, form, change) -> None:
        # Through the service, which writes only these settings: a plain save would write back
        # the versions loaded with the form over the bumps other writes made meanwhile.
        city = city_upsert(
            slug=obj.slug, **{field: form.cleaned_data[field] for field in CITY_SETTINGS}
        )
        obj.pk, obj._state.adding = city.pk, False


class DistrictAdminForm(forms.ModelForm):
    class Meta:
        model = District
        fields = ["name", "population", "population_year", "geometry", "geometry_quality"]

    def clean(self):
        cleaned = super().clean()
        if "name" in cleaned and "geometry" in cleaned:
            try:
                district_validate(
                    district=self.instance, name=cleaned["name"], geometry=cleaned["geometry"]
                )
            except InvalidGeoData as error:
                raise ValidationError(error.message) from error
        return cleaned


@admin.register(District)
class DistrictAdmin(NoAddInAdmin, admin.ModelAdmin):
    """Districts come from the import (``import_districts``); here one is corrected or, when no
    idea lies in it, deleted. Both bump ``City.districts_version`` through the services."""

    form = DistrictAdminForm
    list_display = ["name", "city", "population", "population_year"]
    list_filter = ["city"]
    search_fields = ["name"]
    fields = [
        "city", "name", "slug", "population", "population_year", "geometry", "geometry_quality",
    ]  # fmt: skip
    readonly_fields = ["city", "slug"]

    def save_model(self, request, obj, form, change) -> None:
        data = form.cleaned_data
        district_update(
            district=obj,
            name=data["name"],
            geometry=data["geometry"],
            population=data["population"],
            population_year=data["population_year"],
            geometry_quality=data["geometry_quality"],
        )

    def delete_model(self, request, obj) -> None:
        # The admin asks first: a district with ideas gets its "cannot delete" page (PROTECT).
        district_delete(district=obj)

    def delete_queryset(self, request, queryset) -> None:
        for district in queryset.select_related("city"):
            district_delete(district=district)


class HotspotAdminForm(forms.ModelForm):
    class Meta:
        model = Hotspot
        fields = ["city", "name", "kind", "address", "lat", "lon", "description", "source"]

    def clean(self):
        cleaned = super().clean()
        city = cleaned.get("city") or getattr(self.instance, "city", None)
        if "name" in cleaned and "lat" in cleaned and "lon" in cleaned and city is not None:
            probe = self.instance if self.instance.pk else Hotspot(city=city)
            try:
                hotspot_validate(
                    hotspot=probe, name=cleaned["name"], lat=cleaned["lat"], lon=cleaned["lon"]
                )
            except InvalidGeoData as error:
                raise ValidationError(error.message) from error
        return cleaned


@admin.register(Hotspot)
class HotspotAdmin(admin.ModelAdmin):
    form = HotspotAdminForm
    list_display = ["name", "city", "kind", "district", "lat", "lon"]
    list_filter = ["city", "kind"]
    search_fields = ["name", "address"]
    readonly_fields = ["district"]

    def get_readonly_fields(self, request, obj=None):
        # A hotspot stays in its city; the district always follows from the point.
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "city"] if obj is not None else fields

    def save_model(self, request, obj, form, change) -> None:
        data = form.cleaned_data
        hotspot_save(
            hotspot=obj,
            name=data["name"],
            kind=data["kind"],
            lat=data["lat"],
            lon=data["lon"],
            address=data["address"],
            description=data["description"],
            source=data["source"],
        )
