from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("deliberation", "0002_opinion_maps_as_processes"),
    ]

    operations = [
        migrations.AddField(
            model_name="conversation",
            name="recompute_due_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
    ]
