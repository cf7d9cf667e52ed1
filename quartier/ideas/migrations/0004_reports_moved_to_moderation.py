from django.db import migrations


class Migration(migrations.Migration):
    """Reports live in moderation now (any kind of content); their rows were copied first."""

    dependencies = [
        ("ideas", "0003_awaiting_review"),
        ("moderation", "0002_copy_idea_reports"),
    ]

    operations = [
        migrations.DeleteModel(name="Report"),
    ]
