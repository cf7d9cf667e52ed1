from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ideas", "0002_idea_search_vector"),
    ]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="awaiting_review",
            field=models.BooleanField(default=False, verbose_name="awaiting review"),
        ),
        migrations.AddField(
            model_name="idea",
            name="awaiting_review",
            field=models.BooleanField(default=False, verbose_name="awaiting review"),
        ),
    ]
