from django.db import migrations
from django.db.models import OuterRef, Subquery


def first_revisions_create(apps, schema_editor):
    """Revision 1 of every idea that has none yet: its current texts, kind and place.

    Safe to rerun: ideas with a revision are skipped."""
    Idea = apps.get_model("ideas", "Idea")
    IdeaRevision = apps.get_model("ideas", "IdeaRevision")
    missing = Idea.objects.filter(revisions__isnull=True).order_by("id")
    created_ids = list(missing.values_list("id", flat=True))
    batch = []
    for idea in missing.iterator(chunk_size=1000):
        batch.append(
            IdeaRevision(
                idea_id=idea.pk,
                number=1,
                author_id=idea.author_id,
                title=idea.title,
                summary=idea.summary,
                description=idea.description,
                kind=idea.kind,
                lat=idea.lat,
                lon=idea.lon,
            )
        )
        if len(batch) >= 1000:
            IdeaRevision.objects.bulk_create(batch)
            batch = []
    IdeaRevision.objects.bulk_create(batch)
    # auto_now_add sets "now": the first revision is as old as the idea.
    for start in range(0, len(created_ids), 1000):
        IdeaRevision.objects.filter(number=1, idea_id__in=created_ids[start : start + 1000]).update(
            created_at=Subquery(
                Idea.objects.filter(pk=OuterRef("idea_id")).values("created_at")[:1]
            )
        )


class Migration(migrations.Migration):
    dependencies = [("ideas", "0005_revisions_withdrawal_paper_author")]

    operations = [migrations.RunPython(first_revisions_create, migrations.RunPython.noop)]
