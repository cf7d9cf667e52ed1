from django.db import migrations
from django.utils import timezone


def staff_to_moderators(apps, schema_editor):
    """Before city roles, ``is_staff`` moderated every city. Keep what those people could do:
    each becomes a moderator of each existing city (a city administrator can narrow it), and
    the log says so. New staff accounts get nothing from ``is_staff``. Safe to rerun."""
    User = apps.get_model("accounts", "User")
    City = apps.get_model("cities", "City")
    CityRole = apps.get_model("participation", "CityRole")
    AuditEntry = apps.get_model("participation", "AuditEntry")
    cities = list(City.objects.all())
    for user in User.objects.filter(is_staff=True, is_superuser=False, is_active=True):
        for city in cities:
            _role, created = CityRole.objects.get_or_create(
                city=city, user=user, role="moderator", defaults={"granted_at": timezone.now()}
            )
            if created:
                AuditEntry.objects.create(
                    city=city,
                    action="role_grant",
                    subject_id=user.pk,
                    reason="staff account before city roles",
                    detail={"role": "moderator"},
                )


class Migration(migrations.Migration):
    dependencies = [
        ("participation", "0002_audit_log_append_only"),
        ("accounts", "0001_initial"),
        ("cities", "0002_city_premoderation"),
    ]

    operations = [migrations.RunPython(staff_to_moderators, migrations.RunPython.noop)]
