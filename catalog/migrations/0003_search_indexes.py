"""GIN indexes behind catalogue search on PostgreSQL: full-text and trigram (typos).

The full-text expression matches what catalog.selectors.product_search asks for, so the
planner can use it. SQLite has neither and searches without them.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

FORWARD = [
    "CREATE INDEX IF NOT EXISTS catalog_product_search_fts ON catalog_product "
    "USING gin (to_tsvector('simple'::regconfig, COALESCE(search_document, '')))",
    "CREATE INDEX IF NOT EXISTS catalog_product_search_trgm ON catalog_product "
    "USING gin (search_document gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS catalog_product_search_fts",
    "DROP INDEX IF EXISTS catalog_product_search_trgm",
]


def _postgres_only(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_categories")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(_postgres_only(FORWARD), _postgres_only(BACKWARD)),
    ]
