import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quartier.cities.errors import InvalidGeoData
from quartier.cities.models import City
from quartier.cities.services import districts_import_geojson


class Command(BaseCommand):
    help = "Import a city's districts from a GeoJSON FeatureCollection (e.g. official boundaries)."

    def add_arguments(self, parser):
        parser.add_argument("city", help="slug of an existing city")
        parser.add_argument("file", type=Path)
        parser.add_argument("--name-property", default="name")
        parser.add_argument("--population-property", default="population")
        parser.add_argument("--population-year-property", default="population_year")
        parser.add_argument(
            "--quality-property",
            default="geometry_quality",
            help="the quality note; geometry_quality_en etc. hold it in other languages",
        )
        parser.add_argument(
            "--language",
            default=None,
            help="language of the file's plain quality note (default: the city's language)",
        )

    def handle(self, *args, **options):
        try:
            city = City.objects.get(slug=options["city"])
        except City.DoesNotExist as error:
            raise CommandError(f"No city with slug {options['city']!r}.") from error
        try:
            collection = json.loads(options["file"].read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CommandError(f"Cannot read {options['file']}: {error}") from error
        try:
            districts = districts_import_geojson(
                city=city,
                collection=collection,
                name_property=options["name_property"],
                population_property=options["population_property"] or None,
                population_year_property=options["population_year_property"] or None,
                quality_property=options["quality_property"] or None,
                language=options["language"] or None,
            )
        except InvalidGeoData as error:
            raise CommandError(error.message) from error
        self.stdout.write(self.style.SUCCESS(f"Imported {len(districts)} districts into {city}."))
