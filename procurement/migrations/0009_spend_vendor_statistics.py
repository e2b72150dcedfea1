"""Tell PostgreSQL's planner that a vendor's id and name go together: without it, it expects
(vendor_id, vendor_name) to make millions of groups and sorts the ledger on disk for the spend
by vendor, where a hash of 2 000 vendors fits in memory (bench/spend_reports.py: 917 -> 518 ms
at a million entries)."""

from django.db import migrations

CREATE = (
    "CREATE STATISTICS IF NOT EXISTS spend_vendor_ndistinct (ndistinct) "
    "ON vendor_id, vendor_name FROM procurement_spendentry"
)
DROP = "DROP STATISTICS IF EXISTS spend_vendor_ndistinct"


def run(sql):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("procurement", "0008_spend_covering_index")]

    operations = [migrations.RunPython(run(CREATE), run(DROP))]
