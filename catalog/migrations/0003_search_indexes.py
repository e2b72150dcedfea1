"""The trigram GIN index behind typo-forgiving search on PostgreSQL (SQLite has none)."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

FORWARD = [
    "CREATE INDEX IF NOT EXISTS catalog_product_search_trgm ON catalog_product "
    "USING gin (search_document gin_trgm_ops)",
    # pg_trgm costs its operators like an integer comparison, so the planner would rather
    # compute word similarity for every row than read the index; tell it what they cost.
    "ALTER FUNCTION word_similarity_commutator_op(text, text) COST 100",
]
BACKWARD = [
    "DROP INDEX IF EXISTS catalog_product_search_trgm",
    "ALTER FUNCTION word_similarity_commutator_op(text, text) COST 1",
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
