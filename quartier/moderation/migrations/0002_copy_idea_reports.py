from django.db import migrations


def copy_reports(apps, schema_editor):
    """Copy the ideas app's reports (idea or comment) into the generic reports; safe to rerun."""
    OldReport = apps.get_model("ideas", "Report")
    Report = apps.get_model("moderation", "Report")
    ContentType = apps.get_model("contenttypes", "ContentType")
    idea_type, _ = ContentType.objects.get_or_create(app_label="ideas", model="idea")
    comment_type, _ = ContentType.objects.get_or_create(app_label="ideas", model="comment")
    for old in OldReport.objects.order_by("id").iterator():
        content_type, object_id = (
            (idea_type, old.idea_id) if old.idea_id is not None else (comment_type, old.comment_id)
        )
        duplicate = Report.objects.filter(
            content_type=content_type,
            object_id=object_id,
            reporter_id=old.reporter_id,
            created_at=old.created_at,
        ).exists()
        open_twice = (
            old.resolved_at is None
            and old.reporter_id is not None
            and Report.objects.filter(
                content_type=content_type,
                object_id=object_id,
                reporter_id=old.reporter_id,
                resolved_at__isnull=True,
            ).exists()
        )
        if duplicate or open_twice:
            continue
        report = Report.objects.create(
            city_id=old.city_id,
            content_type=content_type,
            object_id=object_id,
            reporter_id=old.reporter_id,
            reason=old.reason,
            details=old.details,
            resolved_at=old.resolved_at,
            resolved_by_id=old.resolved_by_id,
            resolution=old.resolution,
        )
        # auto_now_add set today's date; keep when it was reported.
        Report.objects.filter(pk=report.pk).update(created_at=old.created_at)


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0001_reports_of_any_content"),
        ("ideas", "0003_awaiting_review"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(copy_reports, migrations.RunPython.noop),
    ]
