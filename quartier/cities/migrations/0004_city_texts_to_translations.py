"""A city's texts per language, step 2 of 3: existing texts were written in the city's
language, the site's default language (settings.LANGUAGE_CODE, "de" in every installation so
far): they become that language's text."""

from django.db import migrations

# (model, old text field, new translations field)
TEXTS = [
    ("City", "data_attribution", "data_attribution_i18n"),
    ("City", "districts_note", "districts_note_i18n"),
    ("District", "geometry_quality", "geometry_quality_i18n"),
    ("Hotspot", "description", "description_i18n"),
    ("Hotspot", "source", "source_i18n"),
]


def _language(row, model_name):
    return row.language if model_name == "City" else row.city.language


def texts_to_translations(apps, schema_editor):
    for model_name, old, new in TEXTS:
        model = apps.get_model("cities", model_name)
        rows = model.objects.all() if model_name == "City" else model.objects.select_related("city")
        for row in rows:
            text = (getattr(row, old) or "").strip()
            setattr(row, new, {_language(row, model_name): text} if text else {})
            row.save(update_fields=[new])


def translations_to_texts(apps, schema_editor):
    # Back to one text: the city's own language, else any translation there is.
    for model_name, old, new in TEXTS:
        model = apps.get_model("cities", model_name)
        rows = model.objects.all() if model_name == "City" else model.objects.select_related("city")
        for row in rows:
            values = getattr(row, new) or {}
            text = values.get(_language(row, model_name)) or next(iter(values.values()), "")
            setattr(row, old, text[:300] if model_name == "District" else text)
            row.save(update_fields=[old])


class Migration(migrations.Migration):
    dependencies = [
        ("cities", "0003_city_texts_per_language"),
    ]

    operations = [
        migrations.RunPython(texts_to_translations, translations_to_texts),
    ]
