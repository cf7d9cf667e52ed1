"""Every online idea's initiator leads its team from the start (paper cards have no initiator
online: their author is the staff member who typed them in)."""

from django.db import migrations


def initiators_lead(apps, schema_editor):
    Idea = apps.get_model("ideas", "Idea")
    TeamMember = apps.get_model("ideas", "TeamMember")
    ideas = Idea.objects.filter(source="online", author__isnull=False).values_list("pk", "author_id")
    TeamMember.objects.bulk_create(
        [TeamMember(idea_id=idea, user_id=author, is_lead=True) for idea, author in ideas.iterator()],
        batch_size=1000,
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("ideas", "0010_teams")]

    operations = [migrations.RunPython(initiators_lead, migrations.RunPython.noop)]
