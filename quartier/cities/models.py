from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from quartier.core.translated import LocalText, localized


def default_language() -> str:
    return settings.LANGUAGE_CODE


def _translations_field(verbose_name, **kwargs) -> models.JSONField:
    # {"de": "…", "en": "…"}: see quartier.core.translated. Read through the properties below.
    return models.JSONField(verbose_name, default=dict, blank=True, **kwargs)


class City(models.Model):
    """The tenant: every domain row belongs to one city, and every URL carries its slug."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)
    country_code = models.CharField(_("country code"), max_length=2, default="DE")
    centre_lat = models.FloatField(_("centre latitude"))
    centre_lon = models.FloatField(_("centre longitude"))
    default_zoom = models.PositiveSmallIntegerField(_("default map zoom"), default=11)
    boundary = models.JSONField(_("boundary (GeoJSON geometry)"), null=True, blank=True)
    # The language the city's own texts are written in: shown when a text has no translation
    # into the page's language. One of settings.LANGUAGES (checked by the service and the admin).
    language = models.CharField(
        _("language of the city's texts"), max_length=10, default=default_language
    )
    data_attribution_i18n = _translations_field(_("attribution of map data"))
    districts_note_i18n = _translations_field(
        _("note on district boundaries"),
        help_text=_("Shown on the map, e.g. when the boundaries are an approximation."),
    )
    premoderation = models.BooleanField(
        _("pre-moderation"),
        default=False,
        help_text=_("New ideas, comments and statements wait for a moderator before they appear."),
    )
    # Bumped by every district write so every process rebuilds its point-in-polygon index.
    districts_version = models.PositiveIntegerField(default=0, editable=False)
    # Bumped by every write that changes the public idea layer; keys the GeoJSON cache.
    ideas_changed_at = models.DateTimeField(_("ideas last changed"), auto_now_add=True)

    class Meta:
        verbose_name = _("city")
        verbose_name_plural = _("cities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def data_attribution(self) -> LocalText:
        return localized(self.data_attribution_i18n, default=self.language)

    @property
    def districts_note(self) -> LocalText:
        return localized(self.districts_note_i18n, default=self.language)


class District(models.Model):
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="districts")
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    population_year = models.PositiveSmallIntegerField(_("population year"), null=True, blank=True)
    geometry = models.JSONField(_("boundary (GeoJSON geometry, WGS84)"))
    # At most GEOMETRY_QUALITY_MAX_LENGTH characters per language.
    geometry_quality_i18n = _translations_field(_("geometry quality"))

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["city", "slug"], name="district_unique_slug_per_city"),
            models.UniqueConstraint(fields=["city", "name"], name="district_unique_name_per_city"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def geometry_quality(self) -> LocalText:
        return localized(self.geometry_quality_i18n, default=self.city.language)


GEOMETRY_QUALITY_MAX_LENGTH = 300


class Hotspot(models.Model):
    """An innovation place: makerspace, lab, cultural venue, technology centre, ..."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="hotspots")
    name = models.CharField(_("name"), max_length=200)
    kind = models.SlugField(_("kind"), max_length=60)
    address = models.CharField(_("address"), max_length=300, blank=True)
    # Both empty when no citable coordinate exists: such places are listed, never guessed.
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    district = models.ForeignKey(
        District, on_delete=models.SET_NULL, null=True, blank=True, related_name="hotspots"
    )
    description_i18n = _translations_field(_("description"))
    source_i18n = _translations_field(_("source"))

    class Meta:
        verbose_name = _("innovation hotspot")
        verbose_name_plural = _("innovation hotspots")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["city", "name"], name="hotspot_unique_name_per_city"),
            models.CheckConstraint(
                condition=(models.Q(lat__isnull=True) & models.Q(lon__isnull=True))
                | (models.Q(lat__isnull=False) & models.Q(lon__isnull=False)),
                name="hotspot_coordinates_both_or_neither",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def has_location(self) -> bool:
        return self.lat is not None and self.lon is not None

    @property
    def description(self) -> LocalText:
        return localized(self.description_i18n, default=self.city.language)

    @property
    def source(self) -> LocalText:
        return localized(self.source_i18n, default=self.city.language)

    @property
    def kind_label(self) -> str:
        return hotspot_kind_label(self.kind)


# Labels for the kinds of place the demo data uses; unknown kinds fall back to their slug.
HOTSPOT_KIND_LABELS = {
    "culture-creative-centre": _("Centre for culture and creative industries"),
    "makerspace": _("Makerspace"),
    "cooperative-workspace": _("Cooperative workspace"),
    "university-lab": _("University lab"),
    "arts-tech-academy": _("Academy for arts and technology"),
    "technology-centre": _("Technology centre"),
    "youth-stem-lab": _("Science lab for young people"),
    "university-startup-centre": _("University start-up centre"),
    "development-quarter": _("Development quarter"),
    "development-site": _("Development site"),
    "neighbourhood-square": _("Neighbourhood square"),
    "landmark-building": _("Landmark building"),
}


def hotspot_kind_label(kind: str) -> str:
    return str(HOTSPOT_KIND_LABELS.get(kind, kind.replace("-", " ").capitalize()))
