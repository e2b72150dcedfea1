"""The trigram GIN index behind typo-forgiving search on PostgreSQL (SQLite has none).

pg_trgm is created by a superuser once, before the first migration (README, *Audit trail*): the
schema's owner, who runs the migrations, need not be one. It once also set the cost of pg_trgm's
`%>>` operator, which only the extension's owner may; no query has used `%>>` since this index
went (0007), so a migration no longer asks for a superuser's rights.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

FORWARD = [
    "CREATE INDEX IF NOT EXISTS catalog_product_search_trgm ON catalog_product "
    "USING gin (search_document gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS catalog_product_search_trgm",
]


def postgres_only(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_categories")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(postgres_only(FORWARD), postgres_only(BACKWARD)),
    ]
