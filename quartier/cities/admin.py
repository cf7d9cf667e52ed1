"""Cities, districts and hotspots in the admin: every write goes through cities.services, and
a refusal of the service is a form error, never a server error."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from quartier.core.admin_guards import NoAddInAdmin, NoDeleteInAdmin
from quartier.core.translated import (
    TranslatedFieldsFormMixin,
    add_translated_fields,
    site_languages,
)

from .errors import InvalidGeoData
from .models import GEOMETRY_QUALITY_MAX_LENGTH, City, District, Hotspot
from .services import (
    city_slug_validate,
    city_upsert,
    district_delete,
    district_update,
    district_validate,
    hotspot_save,
    hotspot_validate,
    polygon_validated,
)

CITY_SETTINGS = [
    "name", "country_code", "language", "centre_lat", "centre_lon", "default_zoom", "boundary",
]  # fmt: skip
# Edited as one text field per language of the installation (quartier.core.translated).
CITY_TEXTS = ["data_attribution_i18n", "districts_note_i18n"]


@add_translated_fields
class CityAdminForm(TranslatedFieldsFormMixin, forms.ModelForm):
    translated_fields = {
        "data_attribution_i18n": (_("Attribution of map data"), None),
        "districts_note_i18n": (_("Note on district boundaries"), None),
    }
    # The installation's languages: a city's texts fall back to its own language.
    language = forms.ChoiceField(
        label=_("Language of the city's texts"),
        choices=site_languages,
        help_text=_("Shown where a text has no translation into the reader's language."),
    )

    class Meta:
        model = City
        fields = ["slug", *CITY_SETTINGS]

    def clean_slug(self):
        slug = self.cleaned_data.get("slug")
        try:
            city_slug_validate(slug or "")
        except InvalidGeoData as error:
            raise ValidationError(error.message) from error
        return slug

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
            slug=obj.slug,
            **{field: form.cleaned_data[field] for field in CITY_SETTINGS},
            data_attribution=form.translations("data_attribution_i18n"),
            districts_note=form.translations("districts_note_i18n"),
        )
        obj.pk, obj._state.adding = city.pk, False


@add_translated_fields
class DistrictAdminForm(TranslatedFieldsFormMixin, forms.ModelForm):
    translated_fields = {
        "geometry_quality_i18n": (_("Geometry quality"), GEOMETRY_QUALITY_MAX_LENGTH)
    }

    class Meta:
        model = District
        fields = ["name", "population", "population_year", "geometry"]

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
    readonly_fields = ["city", "slug"]

    def get_fields(self, request, obj=None):
        quality = [name for name in self.form.base_fields if name.startswith("geometry_quality_")]
        return ["city", "name", "slug", "population", "population_year", "geometry", *quality]

    def save_model(self, request, obj, form, change) -> None:
        data = form.cleaned_data
        district_update(
            district=obj,
            name=data["name"],
            geometry=data["geometry"],
            population=data["population"],
            population_year=data["population_year"],
            geometry_quality=form.translations("geometry_quality_i18n"),
        )

    def delete_model(self, request, obj) -> None:
        # The admin asks first: a district with ideas gets its "cannot delete" page (PROTECT).
        district_delete(district=obj)

    def delete_queryset(self, request, queryset) -> None:
        for district in queryset.select_related("city"):
            district_delete(district=district)


@add_translated_fields
class HotspotAdminForm(TranslatedFieldsFormMixin, forms.ModelForm):
    translated_fields = {
        "description_i18n": (_("Description"), None),
        "source_i18n": (_("Source"), None),
    }

    class Meta:
        model = Hotspot
        fields = ["city", "name", "kind", "address", "lat", "lon"]

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
            description=form.translations("description_i18n"),
            source=form.translations("source_i18n"),
        )
