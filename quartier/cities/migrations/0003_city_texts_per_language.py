"""A city's texts per language, step 1 of 3: the translations fields (JSON {language: text})
and the language a city's texts are written in. Steps: 0004 copies, 0005 drops the old texts.
(Three migrations: PostgreSQL refuses to alter a table with pending trigger events, which
updating rows and altering the table in one transaction can leave.)"""

from django.db import migrations, models

import quartier.cities.models


class Migration(migrations.Migration):
    dependencies = [
        ("cities", "0002_city_premoderation"),
    ]

    operations = [
        migrations.AddField(
            model_name="city",
            name="language",
            field=models.CharField(
                default=quartier.cities.models.default_language,
                max_length=10,
                verbose_name="language of the city's texts",
            ),
        ),
        migrations.AddField(
            model_name="city",
            name="data_attribution_i18n",
            field=models.JSONField(
                blank=True, default=dict, verbose_name="attribution of map data"
            ),
        ),
        migrations.AddField(
            model_name="city",
            name="districts_note_i18n",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text="Shown on the map, e.g. when the boundaries are an approximation.",
                verbose_name="note on district boundaries",
            ),
        ),
        migrations.AddField(
            model_name="district",
            name="geometry_quality_i18n",
            field=models.JSONField(blank=True, default=dict, verbose_name="geometry quality"),
        ),
        migrations.AddField(
            model_name="hotspot",
            name="description_i18n",
            field=models.JSONField(blank=True, default=dict, verbose_name="description"),
        ),
        migrations.AddField(
            model_name="hotspot",
            name="source_i18n",
            field=models.JSONField(blank=True, default=dict, verbose_name="source"),
        ),
    ]
