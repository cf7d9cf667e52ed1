"""A city's texts per language, step 3 of 3: drop the single-language texts (copied in 0004)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cities", "0004_city_texts_to_translations"),
    ]

    operations = [
        migrations.RemoveField(model_name="city", name="data_attribution"),
        migrations.RemoveField(model_name="city", name="districts_note"),
        migrations.RemoveField(model_name="district", name="geometry_quality"),
        migrations.RemoveField(model_name="hotspot", name="description"),
        migrations.RemoveField(model_name="hotspot", name="source"),
    ]
