"""A regency at full scale, in one scratch database that every benchmark reads.

    .venv/bin/python bench/regency.py [--products 100000] [--lines 1000000]

Fills `pasar_bench` on PostgreSQL (127.0.0.1:5432) once, by bulk inserts: 2,000 vendors across the
regency's districts (micro to large, some cooperatives and women-led, one in forty suspended),
100,000 products with Indonesian names and their search words, 30 departments of unequal size
with their budget lines, and 1,000,000 order lines over one fiscal year in every state, with the
invoices, payments and spend ledger entries they made. A later run with larger figures adds to
it. About four minutes on a 2-core machine.
"""

import argparse
import math
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATABASE = "pasar_bench"
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"
YEAR = 2025

VENDORS = 2_000
NIB_BASE = 8_000_000_000_000  # the bench's vendors: NIB 80...
DEPARTMENTS = 30
LINES_PER_DEPARTMENT = 8
ORDERED_PER_VENDOR = 10  # orders take from a vendor's first ten products
LINES_PER_ORDER = 2.5  # 1 to 4, uniformly: to size a batch
SCALES = [("micro", 45), ("small", 30), ("medium", 15), ("large", 10)]

# (kind, variants, unit, category slug): each kind in the category a vendor would choose.
TYPES = [
    (
        "Beras",
        ["lokal", "pandan wangi", "merah", "organik", "premium", "ketan putih"],
        "kg",
        "beras",
    ),
    ("Besek bambu", ["kecil", "sedang", "besar", "tutup"], "pcs", "besek"),
    ("Seragam sekolah", ["SD", "SMP", "SMA", "batik", "pramuka"], "pcs", "seragam-sekolah"),
    ("Keripik", ["pisang", "singkong", "tempe", "ubi ungu", "nangka"], "pack", "keripik-olahan"),
    ("Kain tenun", ["ikat", "songket", "Sambas", "corak insang"], "pcs", "batik-tenun"),
    ("Madu hutan", ["kelulut", "asli", "murni"], "l", "hasil-pertanian"),
    ("Kopi", ["robusta", "liberika", "bubuk", "biji sangrai"], "kg", "hasil-pertanian"),
    ("Amplang", ["ikan tenggiri", "udang", "pedas"], "pack", "keripik-olahan"),
    ("Batik", ["tulis", "cap", "Kalbar", "motif tidayu"], "pcs", "batik-tenun"),
    ("Gula aren", ["cetak", "semut", "cair"], "kg", "hasil-pertanian"),
    ("Ikan asin", ["teri", "sepat", "gabus"], "kg", "ikan-olahan"),
    ("Tas anyaman", ["rotan", "pandan", "purun"], "pcs", "bakul-tikar"),
    ("Sabun", ["sereh", "kelapa", "madu"], "pcs", "suvenir"),
    ("Jagung", ["pipil", "manis", "pakan"], "kg", "jagung-kacang"),
    ("Telur ayam", ["kampung", "ras", "omega"], "pcs", "sayur-buah"),
    ("Kue", ["lapis legit", "bingke", "bangkit"], "pack", "kue-tradisional"),
]
PLACES = [
    "Sungai Raya",
    "Rasau Jaya",
    "Kubu",
    "Teluk Pakedai",
    "Sungai Kakap",
    "Sungai Ambawang",
    "Terentang",
    "Batu Ampar",
    "Kuala Mandor B",
]
SIZES = ["1", "2", "5", "10", "25", "isi 6", "isi 12", "ukuran M", "ukuran L", "500 g"]
OWNERS = ["UD", "CV", "Koperasi", "KUB", "Toko", "Rumah Produksi"]
FAMILY = ["Sari", "Makmur", "Jaya", "Sejahtera", "Berkah", "Mandiri", "Lestari", "Abadi", "Bersama"]

# An order's status from a uniform draw: (upper bound, status).
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


def create_database() -> None:
    exists = subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-tAc",
            f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not exists:
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", DATABASE], check=True)


def setup_django() -> None:
    """Django on the bench database (created if need be), with the bare baselines' URLs."""
    create_database()
    os.environ["DATABASE_URL"] = DATABASE_URL
    os.environ.setdefault("DEBUG", "true")
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()


def sql(statement: str, params=None) -> list:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else []


# --- the catalogue -------------------------------------------------------------------------


def vendors() -> list:
    from market.models import Village
    from vendors.models import Vendor

    have = list(Vendor.objects.filter(nib__startswith=str(NIB_BASE)[:2]).order_by("pk"))
    if have:
        return have
    rng = random.Random(VENDORS)
    villages = list(Village.objects.order_by("pk"))
    return Vendor.objects.bulk_create(
        Vendor(
            legal_name=f"{OWNERS[n % 6]} {FAMILY[n % 9]} {PLACES[n % 9]} {n}",
            trading_name=f"{FAMILY[(n * 5) % 9]} {PLACES[(n * 7) % 9]}" if n % 3 else "",
            nib=f"{NIB_BASE + n}",
            npwp=f"{800_000_000_000_000 + n}",
            contact_person="Ibu Sari",
            phone="+6281200000000",
            email=f"vendor{n}@bench.example",
            address="Jl. Desa",
            village=villages[n % len(villages)],
            scale=rng.choices([s for s, _w in SCALES], [w for _s, w in SCALES])[0],
            is_cooperative=rng.random() < 0.08,
            is_women_led=rng.random() < 0.25,
            bank_name="Bank Kalbar",
            bank_account_number="1000200030",
            status="verified" if n % 40 else "suspended",
        )
        for n in range(VENDORS)
    )


def products(count: int) -> None:
    """Products with their search documents and words, as the app writes them."""
    from catalog.models import Category, Product
    from catalog.services import refresh_search_vectors

    have = Product.objects.count()
    if have >= count:
        return
    sellers = vendors()
    categories = {category.slug: category for category in Category.objects.all()}
    category_names = {c.pk: f"{c.name} {c.name_en}" for c in categories.values()}
    batch = []
    for n in range(have, count):
        kind, variants, unit, slug = TYPES[n % len(TYPES)]
        name = (
            f"{kind} {variants[(n // 16) % len(variants)]} {PLACES[(n // 7) % 9]} "
            f"{SIZES[(n // 3) % len(SIZES)]}"
        )
        vendor, category = sellers[n % len(sellers)], categories[slug]
        description = f"{kind} buatan UMKM {PLACES[n % 9]}, Kubu Raya."
        batch.append(
            Product(
                vendor=vendor,
                category=category,
                name=name,
                description=description,
                unit=unit,
                unit_price=1000 + (n * 37) % 500_000,
                stock=100 + n % 900,
                is_active=n % 25 != 0,
                search_document=" ".join(
                    [
                        name,
                        description,
                        category_names[category.pk],
                        vendor.legal_name,
                        vendor.trading_name,
                    ]
                ),
            )
        )
        if len(batch) == 5000 or n == count - 1:
            created = Product.objects.bulk_create(batch)
            refresh_search_vectors(product_ids=[p.pk for p in created])
            batch = []
            print(f"  {n + 1} products", flush=True)
    # The bare baseline's index: pg_trgm on the name (the app brings its own indexes).
    sql(
        "CREATE INDEX IF NOT EXISTS bench_product_name_trgm "
        "ON catalog_product USING gin (name gin_trgm_ops)"
    )
    sql("VACUUM ANALYZE")  # vendors too: a join planned on a fresh table's guesses is slow


# --- the orders and the ledger --------------------------------------------------------------


def departments(year: int):
    """The organisation, its departments and people, the fiscal year and its budget lines."""
    from django.db import transaction

    from market.models import Department, Organisation, OrganisationMembership, User
    from procurement.models import BudgetLine, DepartmentTarget, FiscalYear, Policy

    fiscal_year = FiscalYear.objects.filter(year=year).first()
    if fiscal_year is not None:
        return fiscal_year
    with transaction.atomic():
        organisation = Organisation.objects.create(
            name="Pemerintah Kabupaten Bench", short_name="Pemkab Bench", regency="Bench"
        )
        created = Department.objects.bulk_create(
            Department(organisation=organisation, code=f"OPD{n:02d}", name=f"Dinas Bench {n:02d}")
            for n in range(1, DEPARTMENTS + 1)
        )
        User.objects.bulk_create(
            User(username=f"bench-{department.code.lower()}-{role}", password="!")
            for department in created
            for role in ("requester", "approver")
        )
        finance = User.objects.create(username="bench-finance", password="!")
        OrganisationMembership.objects.create(
            user=finance, organisation=organisation, role="finance"
        )
        fiscal_year = FiscalYear.objects.create(year=year)
        Policy.objects.create(fiscal_year=fiscal_year)
        DepartmentTarget.objects.bulk_create(
            DepartmentTarget(
                fiscal_year=fiscal_year, department=department, small_business_target=50
            )
            for department in created[::6]
        )
        BudgetLine.objects.bulk_create(
            BudgetLine(
                department=department,
                fiscal_year=fiscal_year,
                account_code=f"5.1.02.01.{k:04d}",
                name=f"Belanja barang {k}",
                allocated=1_000_000_000,
            )
            for department in created
            for k in range(1, LINES_PER_DEPARTMENT + 1)
        )
    return fiscal_year


def _maps(fiscal_year) -> None:
    """Temporary tables numbering the bench's departments, lines, vendors and products 0..n-1."""
    from catalog.selectors import category_paths
    from market.models import Department, User

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


def _orders_batch(fiscal_year, count: int, seed: float) -> None:
    """`count` more orders of the year, their lines, invoices, payments and ledger entries."""
    from django.conf import settings

    from market.models import Organisation

    year, fy = fiscal_year.year, fiscal_year.pk
    start = f"make_timestamptz({year}, 1, 1, 7, 0, 0, '{settings.TIME_ZONE}')"
    end = f"make_timestamptz({year}, 12, 31, 22, 0, 0, '{settings.TIME_ZONE}')"
    base = sql("SELECT coalesce(max(id), 0) FROM orders_purchaseorder")[0][0]
    first_line = sql("SELECT coalesce(max(id), 0) FROM orders_orderline")[0][0]
    status = " ".join(f"WHEN r_status < {bound} THEN '{name}'" for bound, name in STATUSES)
    # Billed 4 to 15 days after submission, paid on the 20th day: payment delays of 5-16 days.
    billed = f"least(o.submitted_at + interval '1 day' * (15 - o.id % 12), {end})"
    sql("SELECT setseed(%s)", [seed])
    # One row per order, numbered in time order like a real table's ids.
    sql(
        f"""
        CREATE TEMP TABLE bench_o AS
        SELECT {base} + row_number() OVER (ORDER BY t.submitted_at) AS id, t.*
        FROM (
            SELECT d.idx AS didx, d.id AS department_id, d.code, d.requester_id, d.approver_id,
                bl.id AS budget_line_id, v.idx AS vidx, v.id AS vendor_id,
                1 + floor(r_lines * 4)::int AS nlines,
                floor(r_product * {ORDERED_PER_VENDOR})::int AS poff,
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
        JOIN bench_product p ON p.vidx = o.vidx AND p.k = (o.poff + g.k) % {ORDERED_PER_VENDOR}
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
            shipped_quantity, received_quantity, invoiced_quantity, cancelled_quantity,
            product_id, order_id, stock_held, category_path)
        SELECT name, unit, slug, unit_price, quantity, (quantity * unit_price)::bigint,
            CASE WHEN status IN {SHIPPED} THEN quantity ELSE 0 END,
            CASE WHEN status IN {RECEIVED} THEN quantity ELSE 0 END,
            CASE WHEN status IN {INVOICED} THEN quantity ELSE 0 END, 0,
            product_id, order_id, true, path
        FROM bench_l ORDER BY order_id, k
        """
    )
    # Invoices and payments keep no taxes, like those paid before taxes were kept (the tax
    # figures are computed from the order's lines).
    sql(
        f"""
        INSERT INTO orders_invoice (id, number, amount, final, issued_at, issued_by_id, order_id,
            bank_name, bank_account_number, bank_account_holder, income_tax_kind)
        SELECT id, 'INV/' || substr(number, 4), total, true, {billed.replace("o.", "")},
            requester_id, id, 'Bank Kalbar', '1', 'CV Bench', ''
        FROM orders_purchaseorder WHERE id > {base} AND status IN {INVOICED}
        """
    )
    organisation = Organisation.objects.get(short_name="Pemkab Bench").pk
    sql(
        f"""
        INSERT INTO orders_payment (id, method, status, attempt, amount, sp2d_number, sp2d_date,
            provider_payment_id, failure_message, created_at, paid_at, invoice_id, paid_by_id,
            order_id, organisation_id, income_tax_kind)
        SELECT id, 'transfer', 'succeeded', 1, total, 'SP2D/' || id,
            (submitted_at + interval '20 days')::date, '', '',
            least(submitted_at + interval '20 days', {end}),
            least(submitted_at + interval '20 days', {end}), id, requester_id, id, {organisation},
            ''
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
            budget_line_id, department_id, fiscal_year_id, category_path, billed_at)
        SELECT e.kind, e.amount, e.at, o.number, o.id, v.id,
            coalesce(nullif(v.trading_name, ''), v.legal_name), v.scale,
            v.village_id IS NOT NULL, coalesce(vi.is_priority, false), v.is_women_led,
            v.is_cooperative, coalesce(di.code, ''), x.category, o.budget_line_id,
            o.department_id, {fy}, '/' || x.path || '/',
            CASE WHEN e.kind = 'realise' THEN {billed} END
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


def orders(lines: int, year: int = YEAR):
    """At least `lines` order lines of submitted orders in the fiscal year, drafts besides
    (kept between runs: only adds)."""
    from django.db import transaction

    from orders.models import OrderLine

    fiscal_year = departments(year)
    submitted = OrderLine.objects.filter(
        order__budget_line__fiscal_year=fiscal_year, order__submitted_at__isnull=False
    )
    have = submitted.count()
    if have >= lines:
        return fiscal_year
    started = time.perf_counter()
    with transaction.atomic():
        _maps(fiscal_year)
        batch = 0
        while have < lines:
            batch += 1
            wanted = math.ceil((lines - have) / LINES_PER_ORDER / 0.97)  # 3 % are drafts
            for _part in range(0, wanted, 100_000):  # temporary tables of a bounded size
                _orders_batch(fiscal_year, min(100_000, wanted - _part), batch / 100 + _part / 1e7)
            have = submitted.count()
            print(f"  {have} order lines submitted", flush=True)
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


def ready(*, products_wanted: int = 100_000, lines: int = 0):
    """The database migrated and filled to at least these figures; the fiscal year when
    orders were asked for."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    products(products_wanted)
    return orders(lines) if lines else None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--lines", type=int, default=1_000_000)
    args = parser.parse_args()
    setup_django()
    started = time.perf_counter()
    ready(products_wanted=args.products, lines=args.lines)
    print(f"the regency is ready in {DATABASE} ({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
