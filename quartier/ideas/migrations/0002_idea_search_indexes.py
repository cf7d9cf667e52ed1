"""Indexes for the idea search on PostgreSQL (SQLite searches with LIKE and has no use for them).

The full-text index is on exactly the expression that `selectors._search` builds with
SearchVector(title, summary, description, config="german"): PostgreSQL uses an expression index
only for an identical expression (a test on PostgreSQL checks the plan). The trigram index serves
the title substring match (German compounds: "werkstatt" in "Fahrradwerkstatt"); pg_trgm is a
trusted extension, but where it cannot be created the search still works, only without that index.
"""

from django.db import migrations

SEARCH_VECTOR = (
    "to_tsvector('german'::regconfig, COALESCE(title, '') || ' ' || COALESCE(summary, '') "
    "|| ' ' || COALESCE(description, ''))"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS idea_search_vector ON ideas_idea USING gin ({SEARCH_VECTOR})"
    )
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SAVEPOINT trigram")
        try:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except Exception:  # no right to create it: keep the full-text index, skip this one
            cursor.execute("ROLLBACK TO SAVEPOINT trigram")
            return
        cursor.execute("RELEASE SAVEPOINT trigram")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS idea_title_trigram ON ideas_idea "
        "USING gin (UPPER(title::text) gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS idea_title_trigram")
    schema_editor.execute("DROP INDEX IF EXISTS idea_search_vector")


class Migration(migrations.Migration):
    dependencies = [("ideas", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
