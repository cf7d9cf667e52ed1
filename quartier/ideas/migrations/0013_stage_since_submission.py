"""An idea that never changed stage has been in it since it was submitted."""

from django.db import migrations
from django.db.models import F


def since_submission(apps, schema_editor):
    Idea = apps.get_model("ideas", "Idea")
    Idea.objects.filter(stage_changed_at__isnull=True).update(stage_changed_at=F("created_at"))


class Migration(migrations.Migration):
    dependencies = [("ideas", "0012_lifecycle")]

    operations = [migrations.RunPython(since_submission, migrations.RunPython.noop)]
