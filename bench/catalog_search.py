"""Benchmark: catalogue search on PostgreSQL over many products.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pasar_bench DEBUG=true \
        .venv/bin/python bench/catalog_search.py [--products 20000]

Creates the database's tables if needed, fills it with products (once), then times the
buyers' search for exact words and for typos, and shows the plan's GIN index use.
Target: every query under 150 ms at 20,000 products on this 2-core machine (measured
2026-11: exact words 45-75 ms, typos 74-100 ms, nothing found 21 ms).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "market.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from catalog.models import Category, Product  # noqa: E402
from catalog.selectors import product_filter, products_for_buyers  # noqa: E402
from catalog.services import refresh_search_vectors  # noqa: E402
from market.models import Village  # noqa: E402
from vendors.models import Vendor  # noqa: E402

WORDS = [
    "beras",
    "besek",
    "seragam",
    "keripik",
    "tenun",
    "jagung",
    "ikan",
    "madu",
    "kopi",
    "amplang",
    "masker",
    "batik",
]
QUERIES = ["beras", "seragam sekolah", "bras", "seragm", "kripik pisang", "xyzzy"]


def fill(count: int) -> None:
    have = Product.objects.count()
    if have >= count:
        return
    villages, categories = list(Village.objects.all()), list(Category.objects.all())
    vendors = Vendor.objects.bulk_create(
        Vendor(
            legal_name=f"UD Bench {n}",
            nib=f"{8_000_000_000_000 + n}",
            npwp=f"{800_000_000_000_000 + n}",
            contact_person="x",
            phone="+6281200000000",
            email="b@x.example",
            address="x",
            village=villages[n % len(villages)],
            scale="micro",
            bank_name="b",
            bank_account_number="1",
            status="verified",
        )
        for n in range(200)
    )
    products = []
    for n in range(have, count):
        word, other = WORDS[n % len(WORDS)], WORDS[(n * 7) % len(WORDS)]
        name = f"{word.title()} {other} nomor {n}"
        products.append(
            Product(
                vendor=vendors[n % len(vendors)],
                category=categories[n % len(categories)],
                name=name,
                unit="kg",
                unit_price=1000 + n,
                stock=10,
                search_document=f"{name} produk lokal Kubu Raya UD Bench {n % 200}",
            )
        )
    created = Product.objects.bulk_create(products, batch_size=2000)
    refresh_search_vectors(product_ids=[product.pk for product in created])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--products", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database.")
    call_command("migrate", verbosity=0)
    fill(args.products)
    print(f"{Product.objects.count()} products")
    for query in QUERIES:
        timings = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            found = list(product_filter(products_for_buyers(), search=query)[:24])
            timings.append((time.perf_counter() - start) * 1000)
        print(
            f"{query!r:18} {len(found):3} shown  median {statistics.median(timings):6.1f} ms  "
            f"max {max(timings):6.1f} ms"
        )
    with connection.cursor() as cursor:
        sql, params = product_filter(products_for_buyers(), search="bras").query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    print("trigram index used:", "catalog_product_search_trgm" in plan)


if __name__ == "__main__":
    main()
