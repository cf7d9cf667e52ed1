"""Django's Sites framework starts as "example.com"; mails name the Site, so it never may.

Creates the Site before Django's post_migrate handler would create "example.com", or renames
that untouched default (safe to rerun; a domain set by the installation stays)."""

from django.conf import settings
from django.core.management.color import no_style
from django.db import migrations


def site_rename(apps, schema_editor):
    Site = apps.get_model("sites", "Site")
    if not Site.objects.filter(pk=settings.SITE_ID).exists():
        Site.objects.create(pk=settings.SITE_ID, domain="localhost:8000", name="Quartier")
        # An explicit primary key leaves PostgreSQL's sequence behind (as Django's own
        # create_default_site does, reset it so the next Site gets a free id).
        connection = schema_editor.connection
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Site]):
                cursor.execute(sql)
        return
    Site.objects.filter(pk=settings.SITE_ID, domain="example.com").update(
        domain="localhost:8000", name="Quartier"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("legal", "0001_legal_pages"),
        ("sites", "0002_alter_domain_unique"),
    ]

    operations = [migrations.RunPython(site_rename, migrations.RunPython.noop)]
