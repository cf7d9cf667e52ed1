from django.db import migrations

# The database refuses to change audit entries, whoever asks (a view, the admin, a shell).
# PostgreSQL refuses deletions too; SQLite only updates, because Django's test flush and
# the demo reset empty tables with DELETE there (PostgreSQL truncates, which row triggers
# do not see). The model and its queryset refuse both everywhere.
POSTGRES_FORWARD = """
CREATE OR REPLACE FUNCTION participation_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER participation_audit_no_update BEFORE UPDATE ON participation_auditentry
    FOR EACH ROW EXECUTE FUNCTION participation_audit_append_only();
CREATE TRIGGER participation_audit_no_delete BEFORE DELETE ON participation_auditentry
    FOR EACH ROW EXECUTE FUNCTION participation_audit_append_only();
"""
POSTGRES_BACKWARD = """
DROP TRIGGER IF EXISTS participation_audit_no_update ON participation_auditentry;
DROP TRIGGER IF EXISTS participation_audit_no_delete ON participation_auditentry;
DROP FUNCTION IF EXISTS participation_audit_append_only();
"""
SQLITE_FORWARD = """
CREATE TRIGGER IF NOT EXISTS participation_audit_no_update
BEFORE UPDATE ON participation_auditentry
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
"""
SQLITE_BACKWARD = "DROP TRIGGER IF EXISTS participation_audit_no_update;"


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FORWARD)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_FORWARD)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_BACKWARD)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("participation", "0001_processes_roles_audit")]

    operations = [migrations.RunPython(forward, backward)]
