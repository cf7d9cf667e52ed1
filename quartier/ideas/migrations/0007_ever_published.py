from django.db import migrations, models
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

VISIBILITY_ACTIONS = ["hide", "unhide", "approve", "reject"]


def never_published_mark(apps, schema_editor):
    """What waits for review, and what was rejected there and not shown since, was never public.

    A rejection is told apart from a later hiding by the audit log: the last visibility decision
    on hidden content is "reject". Then each idea's comment count is what its thread shows."""
    AuditEntry = apps.get_model("participation", "AuditEntry")
    Idea = apps.get_model("ideas", "Idea")
    Comment = apps.get_model("ideas", "Comment")
    for model, label in ((Idea, "ideas.idea"), (Comment, "ideas.comment")):
        model.objects.filter(awaiting_review=True).update(ever_published=False)
        last_decision = (
            AuditEntry.objects.filter(
                target_type=label, target_id=OuterRef("pk"), action__in=VISIBILITY_ACTIONS
            )
            .order_by("-at", "-id")
            .values("action")[:1]
        )
        rejected = (
            model.objects.filter(hidden_at__isnull=False, awaiting_review=False)
            .annotate(last_decision=Subquery(last_decision))
            .filter(last_decision="reject")
            .values_list("pk", flat=True)
        )
        ids = list(rejected)
        for start in range(0, len(ids), 1000):
            model.objects.filter(pk__in=ids[start : start + 1000]).update(ever_published=False)
    shown = (
        Comment.objects.filter(idea=OuterRef("pk"), ever_published=True)
        .order_by()
        .values("idea")
        .annotate(count=Count("pk"))
        .values("count")
    )
    Idea.objects.update(comment_count=Coalesce(Subquery(shown), 0))


class Migration(migrations.Migration):
    dependencies = [
        ("ideas", "0006_first_revision_of_existing_ideas"),
        ("participation", "0004_audit_action_legal_edit"),
    ]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="ever_published",
            field=models.BooleanField(default=True, verbose_name="published once"),
        ),
        migrations.AddField(
            model_name="idea",
            name="ever_published",
            field=models.BooleanField(default=True, verbose_name="published once"),
        ),
        migrations.RunPython(never_published_mark, migrations.RunPython.noop),
    ]
