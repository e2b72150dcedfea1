"""Benchmark: the spend and compliance reports, open data and exports over a large spend ledger.

    createdb -h 127.0.0.1 -U postgres pasar_bench_spend
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pasar_bench_spend DEBUG=true \
        .venv/bin/python bench/spend_reports.py [--rows 50000] [--repeat 3] [--no-exports] \
        [--candidates]

Creates the database's tables if needed and fills one fiscal year (once; a later run with more
--rows adds to it) with 30 departments of unequal size, 2,000 vendors of mixed scale, district
and flags, 50 categories, and purchase orders over its 12 months: their lines, invoices,
payments and the spend ledger entries they made (commitment, release, realisation, refund),
written by INSERT ... SELECT from generate_series. Then it times, as a finance officer sees
them: quota_position (the checkout's ledger sum), compliance_by_department, spend_by for each
grouping for the organisation and for its largest department, public_figures, a first and a
middle page of the OCDS package, the nightly compliance snapshots, and exports through
export_run (the Celery task's code; CSV and XLSX), a second time under tracemalloc to show
that rows stream. The slowest SQL of each is printed with EXPLAIN (ANALYZE, BUFFERS); a table
of timings and the plans in short end the output. --candidates then creates each index or
statistics object of CANDIDATES by raw SQL, measures the reads it concerns again, and drops it.

The quick run (50,000 ledger rows) takes about half a minute. The bigger run, a busy year of a
large regency (1,000,000 ledger rows, 239,000 orders, 597,000 order lines; seeding 80 s once,
measuring 4.5 minutes with --candidates):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pasar_bench_spend DEBUG=true \
        .venv/bin/python bench/spend_reports.py --rows 1000000 --candidates \
        > /tmp/spend_reports_1m.txt

Measured 2026-11 on this 2-core machine (work_mem 4MB) at 1,000,000 rows, after the covering
ledger index (procurement 0008): one department's reports 83-155 ms (index-only scans; 185-253
ms before), the checkout's quota sum 66 ms (108 before), organisation-wide reports 0.44-0.9 s
(parallel sequential scans of the whole year: no index helps a sum of everything; by vendor
0.92 -> 0.52 s with the statistics of 0009), public_figures 1.0 s (cached for the public
pages), 50 OCDS releases 28 ms wherever they start (277-365 ms by OFFSET before), snapshots
4.6 s nightly, the 580,000-line orders CSV 16 s with a 5.4 MB tracemalloc peak (it streams).

The database's name must contain "bench": the script writes a million rows and VACUUMs.
"""

import argparse
import json
import math
import os
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "market.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from rest_framework.renderers import JSONRenderer  # noqa: E402

from catalog.models import Category, Product  # noqa: E402
from catalog.selectors import category_paths  # noqa: E402
from market.models import (  # noqa: E402
    Department,
    Organisation,
    OrganisationMembership,
    OrganisationRole,
    User,
    Village,
)
from market.permissions import departments_visible_to  # noqa: E402
from orders import ocds  # noqa: E402
from orders.models import Export, OrderLine, PurchaseOrder  # noqa: E402
from orders.selectors import order_lines_table  # noqa: E402
from orders.services.exports import export_run  # noqa: E402
from procurement.evaluation import quota_position  # noqa: E402
from procurement.models import (  # noqa: E402
    BudgetLine,
    DepartmentTarget,
    FiscalYear,
    Policy,
    SpendEntry,
)
from procurement.reports import GROUPS, compliance_by_department, public_figures, spend_by  # noqa: E402
from procurement.services import compliance_snapshots_refresh  # noqa: E402
from vendors.models import Scale, Vendor, VendorStatus  # noqa: E402

DEPARTMENTS = 30
LINES_PER_DEPARTMENT = 8
VENDORS = 2_000
PRODUCTS_PER_VENDOR = 5
CATEGORIES = 50
ENTRIES_PER_ORDER = 4.3  # what the status mix below gives, on average: to size a batch
NIB_BASE = 9_100_000_000_000  # the bench's vendors: NIB 91...
SCALES = [(Scale.MICRO, 45), (Scale.SMALL, 30), (Scale.MEDIUM, 15), (Scale.LARGE, 10)]
# An order's status from a uniform draw: (upper bound, status). Past approval: see APPROVED.
STATUSES = [
    (0.03, "draft"),
    (0.08, "submitted"),
    (0.10, "rejected"),
    (0.12, "cancelled"),
    (0.14, "declined"),
    (0.15, "expired"),
    (0.19, "approved"),
    (0.23, "accepted"),
    (0.26, "shipped"),
    (0.29, "received"),
    (0.34, "invoiced"),
    (0.84, "paid"),
    (1.01, "closed"),
]
APPROVED = (
    "('approved','accepted','declined','expired','shipped','received','invoiced','paid','closed')"
)
SHIPPED = "('shipped','received','invoiced','paid','closed')"
RECEIVED = "('received','invoiced','paid','closed')"
INVOICED = "('invoiced','paid','closed')"
PAID = "('paid','closed')"
RELEASED = "('rejected','cancelled','declined','expired')"


def sql(statement: str, params=None) -> list:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else []


# --- seeding -------------------------------------------------------------------------------


def reference_data(year: int) -> FiscalYear:
    """The organisation, departments, people, budget lines, categories, vendors and products."""
    fiscal_year = FiscalYear.objects.filter(year=year).first()
    if fiscal_year is not None:
        return fiscal_year
    rng = random.Random(year)
    with transaction.atomic():
        organisation = Organisation.objects.create(
            name="Pemerintah Kabupaten Bench", short_name="Pemkab Bench", regency="Bench"
        )
        departments = Department.objects.bulk_create(
            Department(organisation=organisation, code=f"OPD{n:02d}", name=f"Dinas Bench {n:02d}")
            for n in range(1, DEPARTMENTS + 1)
        )
        User.objects.bulk_create(
            User(username=f"bench-{department.code.lower()}-{role}", password="!")
            for department in departments
            for role in ("requester", "approver")
        )
        finance = User.objects.create(username="bench-finance", password="!")
        OrganisationMembership.objects.create(
            user=finance, organisation=organisation, role=OrganisationRole.FINANCE
        )
        fiscal_year = FiscalYear.objects.create(year=year)
        Policy.objects.create(fiscal_year=fiscal_year)
        DepartmentTarget.objects.bulk_create(
            DepartmentTarget(
                fiscal_year=fiscal_year, department=department, small_business_target=50
            )
            for department in departments[::6]
        )
        BudgetLine.objects.bulk_create(
            BudgetLine(
                department=department,
                fiscal_year=fiscal_year,
                account_code=f"5.1.02.01.{k:04d}",
                name=f"Belanja barang {k}",
                allocated=1_000_000_000,
            )
            for department in departments
            for k in range(1, LINES_PER_DEPARTMENT + 1)
        )
        tops = list(Category.objects.filter(parent=None).order_by("pk"))
        have = Category.objects.count()
        Category.objects.bulk_create(
            Category(
                parent=tops[n % len(tops)],
                slug=f"{tops[n % len(tops)].slug}-bench-{n}",
                name=f"Bench {n}",
            )
            for n in range(max(0, CATEGORIES - have))
        )
        parents = set(Category.objects.exclude(parent=None).values_list("parent_id", flat=True))
        leaves = list(Category.objects.exclude(pk__in=parents).order_by("pk"))
        villages = list(Village.objects.order_by("pk"))
        vendors = Vendor.objects.bulk_create(
            Vendor(
                legal_name=f"CV Bench {n:04d}",
                trading_name=f"Toko Bench {n:04d}" if n % 3 == 0 else "",
                nib=f"{NIB_BASE + n}",
                npwp=f"{9_100_000_000_000_000 + n}",
                contact_person="x",
                phone="+6281200000000",
                email="bench@x.example",
                address="Jl. Bench",
                village=rng.choice(villages) if rng.random() < 0.85 else None,
                scale=rng.choices([s for s, _w in SCALES], [w for _s, w in SCALES])[0],
                is_cooperative=rng.random() < 0.08,
                is_women_led=rng.random() < 0.25,
                bank_name="Bank Kalbar",
                bank_account_number="1",
                status=VendorStatus.VERIFIED,
            )
            for n in range(VENDORS)
        )
        Product.objects.bulk_create(
            (
                Product(
                    vendor=vendor,
                    category=rng.choice(leaves),
                    name=f"Barang {vendor.pk}-{k}",
                    unit="pcs",
                    unit_price=rng.randrange(5_000, 2_000_000, 500)
                    * (3 if vendor.scale == Scale.LARGE else 1),
                    stock=1000,
                    search_document=f"Barang {vendor.pk}-{k}",
                )
                for vendor in vendors
                for k in range(PRODUCTS_PER_VENDOR)
            ),
            batch_size=5000,
        )
    return fiscal_year


def _maps(fiscal_year: FiscalYear) -> None:
    """Temporary tables numbering the bench's departments, lines, vendors and products 0..n-1."""
    departments = list(
        Department.objects.filter(code__startswith="OPD").order_by("pk").values_list("pk", "code")
    )
    users = dict(User.objects.filter(username__startswith="bench-").values_list("username", "pk"))
    sql(
        "CREATE TEMP TABLE bench_dept AS SELECT * FROM unnest("
        "%s::int[], %s::bigint[], %s::text[], %s::bigint[], %s::bigint[]) "
        "AS t(idx, id, code, requester_id, approver_id)",
        [
            list(range(len(departments))),
            [pk for pk, _code in departments],
            [code for _pk, code in departments],
            [users[f"bench-{code.lower()}-requester"] for _pk, code in departments],
            [users[f"bench-{code.lower()}-approver"] for _pk, code in departments],
        ],
    )
    sql(
        "CREATE TEMP TABLE bench_line AS SELECT d.idx, (row_number() OVER "
        "(PARTITION BY b.department_id ORDER BY b.id) - 1)::int AS k, b.id "
        "FROM procurement_budgetline b JOIN bench_dept d ON d.id = b.department_id "
        "WHERE b.fiscal_year_id = %s",
        [fiscal_year.pk],
    )
    sql(
        "CREATE TEMP TABLE bench_vendor AS SELECT (row_number() OVER (ORDER BY id) - 1)::int "
        "AS idx, id FROM vendors_vendor WHERE nib LIKE %s",
        [f"{str(NIB_BASE)[:2]}%"],
    )
    paths = category_paths()
    sql(
        "CREATE TEMP TABLE bench_path AS SELECT * FROM unnest(%s::bigint[], %s::text[]) "
        "AS t(category_id, path)",
        [list(paths), list(paths.values())],
    )
    sql(
        "CREATE TEMP TABLE bench_product AS SELECT v.idx AS vidx, (row_number() OVER "
        "(PARTITION BY p.vendor_id ORDER BY p.id) - 1)::int AS k, p.id, p.name, p.unit, "
        "p.unit_price, c.slug, bp.path FROM catalog_product p "
        "JOIN bench_vendor v ON v.id = p.vendor_id JOIN catalog_category c ON c.id = p.category_id "
        "JOIN bench_path bp ON bp.category_id = p.category_id"
    )
    sql("CREATE INDEX ON bench_product (vidx, k)")
    for table in ("bench_dept", "bench_line", "bench_vendor", "bench_product"):
        sql(f"ANALYZE {table}")


def _orders_batch(fiscal_year: FiscalYear, count: int, seed: float) -> None:
    """`count` more orders of the year, their lines, invoices, payments and ledger entries."""
    year, fy = fiscal_year.year, fiscal_year.pk
    start = f"make_timestamptz({year}, 1, 1, 7, 0, 0, '{settings.TIME_ZONE}')"
    end = f"make_timestamptz({year}, 12, 31, 22, 0, 0, '{settings.TIME_ZONE}')"
    base = sql("SELECT coalesce(max(id), 0) FROM orders_purchaseorder")[0][0]
    first_line = sql("SELECT coalesce(max(id), 0) FROM orders_orderline")[0][0]
    status = " ".join(f"WHEN r_status < {bound} THEN '{name}'" for bound, name in STATUSES)
    sql("SELECT setseed(%s)", [seed])
    # One row per order, numbered in time order like a real table's ids.
    sql(
        f"""
        CREATE TEMP TABLE bench_o AS
        SELECT {base} + row_number() OVER (ORDER BY t.submitted_at) AS id, t.*
        FROM (
            SELECT d.idx AS didx, d.id AS department_id, d.code, d.requester_id, d.approver_id,
                bl.id AS budget_line_id, v.idx AS vidx, v.id AS vendor_id,
                1 + floor(r_lines * 4)::int AS nlines, floor(r_product * 5)::int AS poff,
                {start} + r_time * interval '364 days' AS submitted_at,
                CASE {status} END AS status
            FROM (
                SELECT random() r_dept, random() r_line, random() r_vendor, random() r_time,
                    random() r_status, random() r_lines, random() r_product
                FROM generate_series(1, {count})
            ) r
            JOIN bench_dept d ON d.idx = floor({DEPARTMENTS} * power(r_dept, 1.6))::int
            JOIN bench_line bl ON bl.idx = d.idx
                AND bl.k = floor(r_line * {LINES_PER_DEPARTMENT})::int
            JOIN bench_vendor v ON v.idx = floor({VENDORS} * power(r_vendor, 2))::int
        ) t
        """
    )
    sql(
        f"""
        CREATE TEMP TABLE bench_l AS
        SELECT o.id AS order_id, o.status, g.k, p.id AS product_id, p.name, p.unit, p.slug,
            p.path, p.unit_price, (1 + floor(random() * 50))::numeric(12, 3) AS quantity
        FROM bench_o o CROSS JOIN LATERAL generate_series(0, o.nlines - 1) g(k)
        JOIN bench_product p ON p.vidx = o.vidx AND p.k = (o.poff + g.k) % {PRODUCTS_PER_VENDOR}
        """
    )
    sql(
        f"""
        INSERT INTO orders_purchaseorder (id, number, status, delivery_address, delivery_date,
            notes, total, reason, checkout, created_at, submitted_at, approved_at, updated_at,
            approver_id, budget_line_id, department_id, requester_id, vendor_id)
        SELECT o.id, 'SP/' || o.code || '/{year}/' || lpad(o.id::text, 7, '0'), o.status,
            'Jl. Bench', (o.submitted_at + interval '7 days')::date, '', t.total, '',
            gen_random_uuid(), o.submitted_at - interval '10 minutes',
            CASE WHEN o.status <> 'draft' THEN o.submitted_at END,
            CASE WHEN o.status IN {APPROVED} OR (o.status = 'cancelled' AND o.id % 2 = 0)
                THEN o.submitted_at + interval '1 day' END,
            least(o.submitted_at + CASE WHEN o.status IN {PAID} THEN interval '20 days'
                ELSE interval '3 days' END, {end}),
            o.approver_id, o.budget_line_id, o.department_id, o.requester_id, o.vendor_id
        FROM bench_o o JOIN (
            SELECT order_id, sum(quantity * unit_price)::bigint AS total
            FROM bench_l GROUP BY order_id
        ) t ON t.order_id = o.id
        ORDER BY o.id
        """
    )
    sql(
        f"""
        INSERT INTO orders_orderline (product_name, unit, category, unit_price, quantity, total,
            shipped_quantity, received_quantity, product_id, order_id, stock_held, category_path)
        SELECT name, unit, slug, unit_price, quantity, (quantity * unit_price)::bigint,
            CASE WHEN status IN {SHIPPED} THEN quantity ELSE 0 END,
            CASE WHEN status IN {RECEIVED} THEN quantity ELSE 0 END,
            product_id, order_id, true, path
        FROM bench_l ORDER BY order_id, k
        """
    )
    sql(
        f"""
        INSERT INTO orders_invoice (id, number, amount, issued_at, issued_by_id, order_id,
            bank_name, bank_account_number, bank_account_holder)
        SELECT id, 'INV/' || substr(number, 4), total,
            least(submitted_at + interval '15 days', {end}), requester_id, id,
            'Bank Kalbar', '1', 'CV Bench'
        FROM orders_purchaseorder WHERE id > {base} AND status IN {INVOICED}
        """
    )
    organisation = Organisation.objects.get(short_name="Pemkab Bench").pk
    sql(
        f"""
        INSERT INTO orders_payment (id, method, amount, sp2d_number, sp2d_date, created_at,
            invoice_id, paid_by_id, order_id, organisation_id)
        SELECT id, 'transfer', total, 'SP2D/' || id, (submitted_at + interval '20 days')::date,
            least(submitted_at + interval '20 days', {end}), id, requester_id, id, {organisation}
        FROM orders_purchaseorder WHERE id > {base} AND status IN {PAID}
        """
    )
    # The ledger, as procurement.services writes it: per order and category path, a
    # commitment at submission, then a release or a realisation, and now and then a refund;
    # each entry with the vendor's snapshot. Inserted in time order, like the real table.
    sql(
        f"""
        INSERT INTO procurement_spendentry (kind, amount, occurred_at, order_number, order_id,
            vendor_id, vendor_name, vendor_scale, vendor_is_local, vendor_in_priority_area,
            vendor_is_women_led, vendor_is_cooperative, vendor_district, category,
            budget_line_id, department_id, fiscal_year_id, category_path)
        SELECT e.kind, e.amount, e.at, o.number, o.id, v.id,
            coalesce(nullif(v.trading_name, ''), v.legal_name), v.scale,
            v.village_id IS NOT NULL, coalesce(vi.is_priority, false), v.is_women_led,
            v.is_cooperative, coalesce(di.code, ''), x.category, o.budget_line_id,
            o.department_id, {fy}, '/' || x.path || '/'
        FROM (
            SELECT order_id, category, category_path AS path, sum(total) AS amount
            FROM orders_orderline WHERE id > {first_line} GROUP BY 1, 2, 3
        ) x
        JOIN orders_purchaseorder o ON o.id = x.order_id
        JOIN vendors_vendor v ON v.id = o.vendor_id
        LEFT JOIN market_village vi ON vi.id = v.village_id
        LEFT JOIN market_district di ON di.id = vi.district_id
        CROSS JOIN LATERAL (VALUES
            ('commit', x.amount, o.submitted_at, true),
            ('release', x.amount, least(o.submitted_at + interval '3 days', {end}),
                o.status IN {RELEASED}),
            ('realise', x.amount, least(o.submitted_at + interval '20 days', {end}),
                o.status IN {PAID}),
            ('refund', greatest(1, x.amount / 10),
                least(o.submitted_at + interval '35 days', {end}),
                o.status IN {PAID} AND o.id % 31 = 0)
        ) e(kind, amount, at, happens)
        WHERE o.status <> 'draft' AND e.happens
        ORDER BY e.at
        """
    )
    sql("DROP TABLE bench_o, bench_l")


def fill(rows: int, year: int) -> FiscalYear:
    """At least `rows` ledger entries in the fiscal year (kept between runs: only adds)."""
    fiscal_year = reference_data(year)
    have = SpendEntry.objects.filter(fiscal_year=fiscal_year).count()
    if have >= rows:
        return fiscal_year
    started = time.perf_counter()
    with transaction.atomic():
        _maps(fiscal_year)
        batch = 0
        while have < rows:
            batch += 1
            _orders_batch(fiscal_year, math.ceil((rows - have) / ENTRIES_PER_ORDER), batch / 100)
            have = SpendEntry.objects.filter(fiscal_year=fiscal_year).count()
        for table, column in (
            ("orders_purchaseorder", "id"),
            ("orders_invoice", "id"),
            ("orders_payment", "id"),
        ):
            sql(
                f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
                f"(SELECT max({column}) FROM {table}))"
            )
        # The lines' counters from the ledger, and allocations above them (20-70 % unspent).
        sql(
            """
            UPDATE procurement_budgetline b
            SET committed = s.committed, realised = s.realised,
                allocated = ceil((s.committed + s.realised) * (1.2 + 0.5 * random()))
            FROM (
                SELECT budget_line_id,
                    sum(CASE kind WHEN 'commit' THEN amount WHEN 'release' THEN -amount
                        WHEN 'realise' THEN -amount ELSE 0 END) AS committed,
                    sum(CASE kind WHEN 'realise' THEN amount WHEN 'refund' THEN -amount
                        ELSE 0 END) AS realised
                FROM procurement_spendentry WHERE fiscal_year_id = %s GROUP BY 1
            ) s
            WHERE s.budget_line_id = b.id
            """,
            [fiscal_year.pk],
        )
        sql("DROP TABLE bench_dept, bench_line, bench_vendor, bench_path, bench_product")
    seeded = time.perf_counter() - started
    for table in (
        "procurement_spendentry",
        "orders_purchaseorder",
        "orders_orderline",
        "orders_invoice",
        "orders_payment",
        "procurement_budgetline",
    ):
        sql(f"VACUUM (ANALYZE) {table}")
    print(
        f"seeded in {seeded:.0f} s, vacuumed and analysed in "
        f"{time.perf_counter() - started - seeded:.0f} s"
    )
    return fiscal_year


# --- measuring -----------------------------------------------------------------------------

Result = dict  # name, ms (list), sql_ms, queries, rows, note


def readable(query: str) -> str | None:
    """The SELECT of a captured query (a server-side cursor's too), or None for one that
    writes or ends a transaction: EXPLAIN ANALYZE runs what it explains."""
    text = query.strip()
    if text.upper().startswith("DECLARE"):
        text = text[text.upper().index(" FOR ") + 5 :]
    return text if text.upper().startswith(("SELECT", "WITH")) else None


def explain(query: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query)
        return "\n".join(row[0] for row in cursor.fetchall())


def plan_summary(plan: str) -> str:
    """The plan's nodes in short, with how its sorts and hashes ran."""
    parts: list[str] = []
    for line in plan.splitlines():
        text = line.strip().removeprefix("->").strip()
        if "(cost=" in text:
            head = text.split("  (cost=")[0]
            if head not in parts:
                parts.append(head)
        elif text.startswith("Sort Method:") or "Disk Usage" in text:
            parts.append(f"[{text}]")
    return "; ".join(parts)


def statements(queries: list[dict]) -> str:
    """How many queries of each statement (SELECT, UPDATE, SAVEPOINT...) and their time."""
    kinds: dict[str, list[float]] = {}
    for query in queries:
        kinds.setdefault(query["sql"].split(None, 1)[0].upper(), []).append(float(query["time"]))
    return ", ".join(
        f"{len(times)} {kind} {1000 * sum(times):.0f} ms"
        for kind, times in sorted(kinds.items(), key=lambda item: -sum(item[1]))
    )


def measure(
    results: list,
    name: str,
    function: Callable,
    *,
    repeat: int,
    explain_top: int = 1,
    count: Callable = len,
) -> object:
    """Run `function` once capturing its SQL, then `repeat` times for the timings; print the
    EXPLAIN (ANALYZE, BUFFERS) of its `explain_top` slowest queries."""
    reset_queries()  # the log keeps 9,000 queries: a full one captures nothing
    with CaptureQueriesContext(connection) as captured:
        result = function()
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        timings.append((time.perf_counter() - started) * 1000)
    queries = captured.captured_queries
    sql_ms = sum(float(query["time"]) for query in queries) * 1000
    row = {
        "name": name,
        "ms": timings,
        "sql_ms": sql_ms,
        "queries": len(queries),
        "rows": count(result),
        "plans": [],
    }
    print(
        f"\n=== {name}: {len(queries)} queries, {row['rows']} rows, "
        f"median {statistics.median(timings):.0f} ms (SQL {sql_ms:.0f} ms on the first run)"
    )
    if len(queries) > 10:
        print(f"    queries by statement: {statements(queries)}")
    slowest = sorted(queries, key=lambda query: -float(query["time"]))
    shown = set()
    for query in slowest:
        if len(shown) >= explain_top or query["sql"] in shown or not readable(query["sql"]):
            continue
        shown.add(query["sql"])
        plan = explain(readable(query["sql"]))
        row["plans"].append(plan_summary(plan))
        print(
            f"--- {float(query['time']) * 1000:.0f} ms: {query['sql'][:600]}"
            f"{' ...' if len(query['sql']) > 600 else ''}"
        )
        print(plan)
    results.append(row)
    return result


def measure_export(results: list, name: str, owner: User, **fields) -> None:
    """export_run as the Celery task calls it: once for the time, once more under tracemalloc
    for its peak of Python memory (and the process's largest resident size before and after)."""
    export = Export.objects.create(owner=owner, language="id", **fields)
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        export_run(export_id=export.pk)
        elapsed = (time.perf_counter() - started) * 1000
    export.refresh_from_db()
    if export.status != Export.Status.DONE:
        sys.exit(f"{name}: export {export.status}: {export.error}")
    size = export.file.size
    export.file.delete(save=False)

    again = Export.objects.create(owner=owner, language="id", **fields)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    export_run(export_id=again.pk)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    again.refresh_from_db()
    again.file.delete(save=False)

    queries = captured.captured_queries
    sql_ms = sum(float(query["time"]) for query in queries) * 1000
    note = (
        f"{size / 1e6:.1f} MB file; tracemalloc peak {peak / 1e6:.1f} MB; "
        f"max RSS {rss_before / 1024:.0f} -> {rss_after / 1024:.0f} MB"
    )
    print(
        f"\n=== {name}: {export.rows_written} rows, {len(queries)} queries, {elapsed:.0f} ms "
        f"(SQL {sql_ms:.0f} ms), {note}"
    )
    print(f"    queries by statement: {statements(queries)}")
    main = [query for query in queries if readable(query["sql"])]
    main = sorted(main, key=lambda query: -float(query["time"]))[:2]
    plans = []
    for query in main:
        text = readable(query["sql"])
        plan = explain(text)
        plans.append(plan_summary(plan))
        print(
            f"--- {float(query['time']) * 1000:.0f} ms: {text[:600]}"
            f"{' ...' if len(text) > 600 else ''}"
        )
        print(plan)
    results.append(
        {
            "name": name,
            "ms": [elapsed],
            "sql_ms": sql_ms,
            "queries": len(queries),
            "rows": export.rows_written,
            "plans": plans,
            "note": note,
        }
    )


def first_row(results: list, fiscal_year, departments) -> None:
    """How long the orders export waits for its first row: the count, then the stream's
    first chunk (a server-side cursor: WITH HOLD in autocommit, so the whole result is
    materialised on the server before anything is fetched)."""
    reset_queries()
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as captured:
        _header, rows, count = order_lines_table(fiscal_year=fiscal_year, departments=departments)
        counted = time.perf_counter()
        next(rows)
        first = time.perf_counter()
    rows.close()
    note = (
        f"count() {1000 * (counted - started):.0f} ms, first row after "
        f"{1000 * (first - counted):.0f} ms more"
    )
    print(f"\n=== orders export, time to first row ({count} rows): {note}")
    for query in captured.captured_queries:
        print(f"    {float(query['time']) * 1000:7.0f} ms  {query['sql'][:120]}")
    results.append(
        {
            "name": "orders export: count + first row",
            "ms": [1000 * (first - started)],
            "sql_ms": sum(float(q["time"]) for q in captured.captured_queries) * 1000,
            "queries": len(captured.captured_queries),
            "rows": 1,
            "plans": [],
            "note": note,
        }
    )


def ocds_page(fiscal_year, after: int | None, size: int = 50) -> bytes:
    """The public OCDS endpoint's work for one page: the query, the releases, the JSON."""
    orders = list(ocds.orders_for_open_data(fiscal_year, after=after)[: size + 1])
    orders = orders[:size]
    package = ocds.release_package(
        orders=orders,
        uri="http://bench/api/v1/open-data/ocds/",
        publisher=str(orders[0].department.organisation),
    )
    return JSONRenderer().render(package)


def table_sizes() -> None:
    rows = sql(
        """
        SELECT relname, n_live_tup, pg_size_pretty(pg_table_size(relid)),
            pg_size_pretty(pg_indexes_size(relid))
        FROM pg_stat_user_tables
        WHERE relname IN ('procurement_spendentry', 'orders_purchaseorder', 'orders_orderline',
            'orders_payment', 'vendors_vendor', 'catalog_product')
        ORDER BY n_live_tup DESC
        """
    )
    print(f"{'table':26} {'rows':>10} {'heap':>9} {'indexes':>9}")
    for name, live, heap, indexes in rows:
        print(f"{name:26} {live:>10} {heap:>9} {indexes:>9}")


# Indexes and statistics the application might add, tried one at a time in the scratch database
# only (raw SQL, dropped afterwards): (name, create, drop, the cases to measure again).
MONTH = f"date_trunc('month', occurred_at AT TIME ZONE '{settings.TIME_ZONE}')"
CANDIDATES = [
    (
        # Not in the schema: the expression has to match TIME_ZONE exactly.
        "ledger: statistics on the month expression",
        f"CREATE STATISTICS bench_spend_month ON ({MONTH}) FROM procurement_spendentry",
        "DROP STATISTICS bench_spend_month",
        ("spend_by month",),
    ),
]


def try_candidates(cases: list, before: list, repeat: int) -> None:
    """Each candidate: create it, ANALYZE, measure its cases again (with their plans), drop it."""
    medians = {row["name"]: statistics.median(row["ms"]) for row in before}
    compared = []
    for title, create, drop, prefixes in CANDIDATES:
        print(f"\n##### candidate: {title}\n{create}")
        sql(create)
        sql("ANALYZE procurement_spendentry")
        sql("ANALYZE orders_purchaseorder")
        try:
            after: list = []
            for name, function, options in cases:
                if name.startswith(prefixes):
                    measure(after, name, function, repeat=repeat, **options)
            compared += [(title, row) for row in after]
        finally:
            for statement in drop.split("; "):
                sql(statement)
            sql("ANALYZE procurement_spendentry")
            sql("ANALYZE orders_purchaseorder")
    print("\n=== candidates: median ms before -> after")
    for title, row in compared:
        print(
            f"{row['name']:38} {medians[row['name']]:>7.0f} -> "
            f"{statistics.median(row['ms']):>7.0f}  ({title})"
        )
        print(f"{'':40}{row['plans'][0] if row['plans'] else ''}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50_000, help="ledger entries to have")
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-exports", action="store_true", help="skip the (slow) exports")
    parser.add_argument(
        "--candidates",
        action="store_true",
        help="then create each candidate index (raw SQL), measure again, and drop it",
    )
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database.")
    if "bench" not in connection.settings_dict["NAME"]:
        sys.exit("Use a scratch database whose name contains 'bench' (it is filled and vacuumed).")
    call_command("migrate", verbosity=0)
    fiscal_year = fill(args.rows, args.year)
    entries = SpendEntry.objects.filter(fiscal_year=fiscal_year).count()
    print(
        f"fiscal year {fiscal_year.year}: {entries} ledger entries, "
        f"{PurchaseOrder.objects.count()} orders, {OrderLine.objects.count()} order lines, "
        f"{Vendor.objects.count()} vendors, {Category.objects.count()} categories, "
        f"{Department.objects.count()} departments; PostgreSQL work_mem "
        f"{sql('SHOW work_mem')[0][0]}, shared_buffers {sql('SHOW shared_buffers')[0][0]}"
    )
    table_sizes()

    finance = User.objects.get(username="bench-finance")
    everyone = departments_visible_to(finance).filter(is_active=True)
    largest = (
        SpendEntry.objects.filter(fiscal_year=fiscal_year)
        .values("department__code")
        .annotate(entries=Count("id"))
        .order_by("-entries")
        .values_list("department__code", flat=True)
        .first()
    )
    one = everyone.filter(code__iexact=largest)
    share = SpendEntry.objects.filter(fiscal_year=fiscal_year, department__code=largest).count()
    print(f"one department: {largest}, {share} ledger entries ({100 * share / entries:.0f} %)")

    results: list = []
    repeat = args.repeat
    department = Department.objects.get(code=largest)
    approved = PurchaseOrder.objects.filter(
        budget_line__fiscal_year=fiscal_year, approved_at__isnull=False
    )
    # Where the middle page of the open data starts (its Link header's `after`).
    middle = approved.order_by("pk").values_list("pk", flat=True)[approved.count() // 2]
    # (name, function, options of measure): the reads, as their pages and API call them.
    cases = [
        # Not a report, but the same ledger sum on every checkout preview and submission.
        (
            f"quota_position ({largest}, checkout)",
            lambda: quota_position(department=department, fiscal_year=fiscal_year),
            {"count": lambda position: 1},
        ),
        (
            "compliance_by_department",
            lambda: compliance_by_department(fiscal_year=fiscal_year, departments=everyone)[0],
            {},
        ),
        *(
            (
                f"spend_by {group_by} ({scope})",
                lambda d=departments, g=group_by: spend_by(
                    fiscal_year=fiscal_year, departments=d, group_by=g
                ),
                {},
            )
            for scope, departments in (("all", everyone), (largest, one))
            for group_by in GROUPS
        ),
        (
            "public_figures",
            lambda: public_figures(fiscal_year=fiscal_year),
            {"explain_top": 3, "count": lambda figures: len(figures.departments)},
        ),
        *(
            (
                f"OCDS 50 releases {where}",
                lambda a=after: ocds_page(fiscal_year, a),
                {"explain_top": 2, "count": lambda body: len(json.loads(body)["releases"])},
            )
            for where, after in (("first", None), ("from the middle", middle))
        ),
    ]
    for name, function, options in cases:
        measure(results, name, function, repeat=repeat, **options)
    measure(
        results,
        "compliance snapshots (nightly)",
        lambda: compliance_snapshots_refresh(fiscal_year=fiscal_year),
        repeat=1,
        count=lambda written: written,
    )
    if not args.no_exports:
        settings.PRIVATE_MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="bench-exports-"))
        try:
            first_row(results, fiscal_year, everyone)
            year = {"fiscal_year": fiscal_year.year}
            for name, fields in (
                (
                    "export spend by vendor, CSV",
                    {
                        "kind": "spend",
                        "file_format": "csv",
                        "filters": {**year, "group_by": "vendor"},
                    },
                ),
                (
                    "export orders, CSV (all)",
                    {"kind": "orders", "file_format": "csv", "filters": year},
                ),
                (
                    f"export orders, XLSX ({largest})",
                    {
                        "kind": "orders",
                        "file_format": "xlsx",
                        "filters": {**year, "department": largest},
                    },
                ),
            ):
                measure_export(results, name, finance, **fields)
        finally:
            shutil.rmtree(settings.PRIVATE_MEDIA_ROOT, ignore_errors=True)

    print(
        f"\n=== timings ({entries} ledger entries; median of {repeat} runs after a first "
        f"with the SQL captured; exports once)"
    )
    print(f"{'what':38} {'rows':>7} {'queries':>7} {'median ms':>9} {'min ms':>7} {'SQL ms':>7}")
    for row in results:
        print(
            f"{row['name']:38} {row['rows']:>7} {row['queries']:>7} "
            f"{statistics.median(row['ms']):>9.0f} {min(row['ms']):>7.0f} {row['sql_ms']:>7.0f}"
        )
        if row.get("note"):
            print(f"{'':40}{row['note']}")
    print("\n=== plans of the slowest queries, in short")
    for row in results:
        for plan in row["plans"]:
            print(f"{row['name']}: {plan}")
    if args.candidates:
        try_candidates(cases, results, repeat)


if __name__ == "__main__":
    main()
