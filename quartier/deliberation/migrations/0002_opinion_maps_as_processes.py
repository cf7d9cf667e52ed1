import django.db.models.deletion
from django.db import migrations, models


def dates_to_phases(apps, schema_editor):
    """Each opinion map becomes a process of kind opinion_map; its dates become phases."""
    Conversation = apps.get_model("deliberation", "Conversation")
    Process = apps.get_model("participation", "Process")
    Phase = apps.get_model("participation", "Phase")
    for conversation in Conversation.objects.filter(process__isnull=True).iterator():
        process = Process.objects.create(
            city_id=conversation.city_id,
            kind="opinion_map",
            title=conversation.question[:200],
            created_by_id=conversation.created_by_id,
        )
        Phase.objects.create(
            process=process,
            position=1,
            name="Beteiligung",
            starts_at=conversation.opens_at,
            ends_at=conversation.closes_at,
            allows=["vote", "propose", "show_results"],
        )
        if conversation.closes_at is not None:
            Phase.objects.create(
                process=process,
                position=2,
                name="Ergebnisse",
                starts_at=conversation.closes_at,
                ends_at=None,
                allows=["show_results"],
            )
        if conversation.participants.exists():
            process.settings_locked_at = conversation.created_at
            process.save(update_fields=["settings_locked_at"])
        conversation.process = process
        conversation.save(update_fields=["process"])


class Migration(migrations.Migration):
    dependencies = [
        ("deliberation", "0001_opinion_maps"),
        ("participation", "0001_processes_roles_audit"),
    ]

    operations = [
        migrations.AddField(
            model_name="conversation",
            name="process",
            field=models.OneToOneField(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="conversation",
                to="participation.process",
            ),
        ),
        migrations.RunPython(dates_to_phases, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name="conversation",
            name="conversation_closes_after_it_opens",
        ),
        migrations.RemoveField(model_name="conversation", name="closes_at"),
        migrations.RemoveField(model_name="conversation", name="opens_at"),
        migrations.AlterField(
            model_name="conversation",
            name="process",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="conversation",
                to="participation.process",
            ),
        ),
        migrations.AlterModelOptions(
            name="conversation",
            options={
                "ordering": ["-created_at", "-id"],
                "verbose_name": "opinion map",
                "verbose_name_plural": "opinion maps",
            },
        ),
    ]
