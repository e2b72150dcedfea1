"""PP 7/2021 art. 35 thresholds as the first scale criteria; administrators add newer ones."""

import datetime

from django.db import migrations

MILIAR = 1_000_000_000


def seed(apps, schema_editor):
    ScaleCriteria = apps.get_model("vendors", "ScaleCriteria")
    ScaleCriteria.objects.get_or_create(
        effective_from=datetime.date(2021, 2, 2),
        defaults={
            "regulation": "PP 7/2021 pasal 35",
            "micro_capital_max": 1 * MILIAR,
            "micro_sales_max": 2 * MILIAR,
            "small_capital_max": 5 * MILIAR,
            "small_sales_max": 15 * MILIAR,
            "medium_capital_max": 10 * MILIAR,
            "medium_sales_max": 50 * MILIAR,
        },
    )


class Migration(migrations.Migration):
    dependencies = [("vendors", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
