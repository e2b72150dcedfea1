"""The database itself refuses to change audit events (and, on PostgreSQL, to delete them).

SQLite keeps only the update guard: Django's test flush empties tables with DELETE there.
"""

from django.db import migrations

POSTGRES_FORWARD = """
CREATE OR REPLACE FUNCTION market_auditevent_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER market_auditevent_append_only
    BEFORE UPDATE OR DELETE ON market_auditevent
    FOR EACH ROW EXECUTE FUNCTION market_auditevent_refuse_change();
"""
POSTGRES_BACKWARD = """
DROP TRIGGER IF EXISTS market_auditevent_append_only ON market_auditevent;
DROP FUNCTION IF EXISTS market_auditevent_refuse_change();
"""
SQLITE_FORWARD = """
CREATE TRIGGER market_auditevent_append_only BEFORE UPDATE ON market_auditevent
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;
"""
SQLITE_BACKWARD = "DROP TRIGGER IF EXISTS market_auditevent_append_only;"


def forward(apps, schema_editor):
    _run(schema_editor, POSTGRES_FORWARD, SQLITE_FORWARD)


def backward(apps, schema_editor):
    _run(schema_editor, POSTGRES_BACKWARD, SQLITE_BACKWARD)


def _run(schema_editor, postgres_sql, sqlite_sql):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(postgres_sql)
    elif vendor == "sqlite":
        schema_editor.execute(sqlite_sql)


class Migration(migrations.Migration):
    dependencies = [("market", "0002_regions")]

    operations = [migrations.RunPython(forward, backward)]
