"""Benchmark: checkout under contention — 30 buyers ordering one product on one budget line.

    .venv/bin/python bench/checkout_load.py [--seconds 10] [--buyers 30]

On the regency's database (bench/regency.py), in a department and year of its own. Buyers in
four processes (the GIL would otherwise be what is measured) place orders through the checkout's
service (orders_place: stock reserved, budget committed, policy judged, order numbered, audited,
notified) for `--seconds`, then the stock, the budget line and the ledger are checked: nothing
oversold, nothing overcommitted. Beside it, the bare baseline: the same buyers doing only what
no checkout can skip, in raw SQL (lock the product, lock the budget line, take stock and
budget, insert one row). Goal: 50 orders/s, 0 oversell, 0 overcommit.
"""

import argparse
import datetime
import json
import multiprocessing
import os
import time
from decimal import Decimal

import regency

ROOT = regency.ROOT
PROCESSES = 4


def setup() -> None:
    # As in production: DEBUG would keep every query for the debug toolbar's sake.
    os.environ.update(
        DEBUG="false", SECRET_KEY="bench-" + "k" * 60, LOG_LEVEL="WARNING", HTTPS_ONLY="false"
    )
    os.environ.pop("REDIS_URL", None)
    regency.setup_django()


def world(buyers: int) -> dict:
    from catalog.models import Category, Product
    from market.models import Department, DepartmentRole, Membership, Organisation, User
    from procurement.models import BudgetLine, FiscalYear
    from vendors.models import Vendor

    organisation, _ = Organisation.objects.get_or_create(
        short_name="Pemkab Kubu Raya", defaults={"name": "Pemkab Kubu Raya", "regency": "Kubu Raya"}
    )
    department, _ = Department.objects.get_or_create(
        code="BENCHCO", defaults={"name": "Dinas Bench", "organisation": organisation}
    )
    fiscal_year, _ = FiscalYear.objects.get_or_create(year=datetime.date.today().year)
    line, _ = BudgetLine.objects.get_or_create(
        department=department,
        fiscal_year=fiscal_year,
        account_code="5.1.02.01.01.9999",
        defaults={"name": "Belanja Bench", "allocated": 900_000_000_000},
    )
    approver, _ = User.objects.get_or_create(username="bench-ppk")
    Membership.objects.get_or_create(
        user=approver, department=department, role=DepartmentRole.APPROVER
    )
    for n in range(buyers):
        user, _ = User.objects.get_or_create(username=f"bench-buyer-{n}")
        Membership.objects.get_or_create(
            user=user, department=department, role=DepartmentRole.REQUESTER
        )
    vendor = Vendor.objects.filter(nib="9999999999999").first() or Vendor.objects.create(
        legal_name="Koperasi Bench Beras",
        nib="9999999999999",
        npwp="999999999999999",
        contact_person="Ibu Sari",
        phone="+6281200000000",
        email="bench@koperasi.example",
        address="Jl. Desa",
        village_id=1,
        scale="micro",
        bank_name="Bank Kalbar",
        bank_account_number="1000200030",
        status="verified",
    )
    product = Product.objects.filter(vendor=vendor).first() or Product.objects.create(
        vendor=vendor,
        category=Category.objects.get(slug="beras"),
        name="Beras bench",
        unit="kg",
        unit_price=14_500,
        stock=Decimal(10_000_000),
    )
    return {"line": line.pk, "product": product.pk, "department": department.pk}


def ours(worker: int, buyers: list[int], ids: dict, until: tuple, counts) -> None:
    setup()
    import django.db

    from market.errors import DomainError
    from market.models import Department, User
    from orders.services.placing import Item, orders_place
    from procurement.models import BudgetLine

    department = Department.objects.get(pk=ids["department"])
    line = BudgetLine.objects.get(pk=ids["line"])
    approver = User.objects.get(username="bench-ppk")
    people = list(User.objects.filter(pk__in=buyers))
    placed = refused = 0
    n = 0
    time.sleep(max(0.0, until[0] - time.time()))
    while time.time() < until[1]:
        try:
            orders_place(
                requester=people[n % len(people)],
                department=department,
                budget_line=line,
                approver=approver,
                delivery_address="Gudang",
                delivery_date=datetime.date.today() + datetime.timedelta(days=7),
                items=[Item(ids["product"], Decimal(10))],
            )
            placed += 1
        except DomainError:
            refused += 1
        n += 1
    counts.put((placed, refused))
    django.db.connection.close()


def bare(worker: int, buyers: list[int], ids: dict, until: tuple, counts) -> None:
    setup()
    from django.db import connection, transaction

    placed = 0
    connection.ensure_connection()
    time.sleep(max(0.0, until[0] - time.time()))
    while time.time() < until[1]:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT stock, reserved FROM catalog_product WHERE id = %s FOR UPDATE",
                [ids["product"]],
            )
            cursor.execute(
                "SELECT allocated, committed FROM procurement_budgetline WHERE id = %s FOR UPDATE",
                [ids["line"]],
            )
            cursor.execute(
                "UPDATE catalog_product SET reserved = reserved + 10 WHERE id = %s",
                [ids["product"]],
            )
            cursor.execute(
                "UPDATE procurement_budgetline SET committed = committed + 145000 WHERE id = %s",
                [ids["line"]],
            )
            cursor.execute(
                "INSERT INTO bench_bare_order (buyer, product_id, total) VALUES (%s, %s, %s)",
                [buyers[placed % len(buyers)], ids["product"], 145_000],
            )
        placed += 1
    counts.put((placed, 0))
    connection.close()


def race(target, buyers: list[int], ids: dict, seconds: float) -> tuple[int, int]:
    # Fresh processes (spawned, not forked): none may share the parent's database connection.
    context = multiprocessing.get_context("spawn")
    counts = context.Queue()
    # Each process sets Django up, then all start together and stop together (wall clock).
    start = time.time() + 8
    until = (start, start + seconds)
    chunks = [buyers[i::PROCESSES] for i in range(PROCESSES)]
    processes = [
        context.Process(target=target, args=(i, chunks[i], ids, until, counts))
        for i in range(PROCESSES)
    ]
    for process in processes:
        process.start()
    results = [counts.get(timeout=seconds + 60) for _ in processes]
    for process in processes:
        process.join()
    return sum(r[0] for r in results), sum(r[1] for r in results)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--buyers", type=int, default=30)
    args = parser.parse_args()
    setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_bare_order "
            "(id bigserial PRIMARY KEY, buyer bigint, product_id bigint, total bigint)"
        )
    ids = world(args.buyers)
    from catalog.models import Product
    from market.models import User
    from orders.models import OrderLine, PurchaseOrder
    from procurement.models import BudgetLine
    from procurement.services import budget_line_counters_from_ledger

    buyers = list(
        User.objects.filter(username__startswith="bench-buyer-").values_list("pk", flat=True)
    )
    connection.close()
    results = {}
    for name, target in (("ours", ours), ("bare", bare)):
        before_orders = PurchaseOrder.objects.count()
        placed, refused = race(target, buyers, ids, args.seconds)
        results[name] = {
            "orders": placed,
            "refused": refused,
            "per_second": round(placed / args.seconds, 1),
        }
        print(
            f"{name:5} {placed} orders in {args.seconds:.0f} s: "
            f"{placed / args.seconds:.1f}/s ({refused} refused)",
            flush=True,
        )
        if name == "ours":
            assert PurchaseOrder.objects.count() - before_orders == placed
    product = Product.objects.get(pk=ids["product"])
    line = BudgetLine.objects.get(pk=ids["line"])
    held = sum(line.quantity for line in OrderLine.objects.filter(product=product))
    with connection.cursor() as cursor:  # every bare order of every run so far
        cursor.execute("SELECT count(*) FROM bench_bare_order")
        bare_orders = cursor.fetchone()[0]
    checks = {
        "oversold": product.reserved > product.stock,
        "reserved_matches_orders": product.reserved - 10 * bare_orders == held,
        "ledger_matches_counters": budget_line_counters_from_ledger(line=line)[0]
        == line.committed - 145_000 * bare_orders,
        "overcommitted": line.committed + line.realised > line.allocated,
    }
    print(checks)
    summary = {
        "date": datetime.date.today().isoformat(),
        "buyers": args.buyers,
        "ours_per_second": results["ours"]["per_second"],
        "bare_per_second": results["bare"]["per_second"],
        "ratio": round(results["ours"]["per_second"] / results["bare"]["per_second"], 2),
        "checks": checks,
    }
    out = ROOT / "bench" / "results" / f"{summary['date']}-checkout.json"
    out.write_text(json.dumps(summary, indent=2))
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
