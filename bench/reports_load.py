"""Benchmark: finance's reports and the orders export at a million order lines, beside raw SQL.

    make bench            (or: .venv/bin/python bench/reports_load.py [--rounds 5])

On the regency's database (bench/regency.py), each report as finance's pages and API read it
(compliance by department; spend by month, category, vendor scale, district and vendor, for the
whole organisation) runs in turns with the same aggregation written as raw SQL over the same
tables (RAW below: no ORM, no services, no labels), ROUNDS times each, so the machine's drift
hits both alike; the medians and their ratio are printed. Then the XLSX export of every order
line of the year runs as the Celery task runs it, and a bare export (a server-side cursor into
openpyxl's write-only workbook), each in a child process whose peak resident memory the kernel
reports. Results: bench/results/<date>-reports.json and .md.
"""

import argparse
import datetime
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time

import regency

# The ledger's figures as procurement.models.ledger_figures defines them, by hand.
COMMITTED = (
    "CASE kind WHEN 'commit' THEN amount WHEN 'release' THEN -amount "
    "WHEN 'realise' THEN -amount END"
)
REALISED = "CASE kind WHEN 'realise' THEN amount WHEN 'refund' THEN -amount END"
SPENT = (
    "CASE kind WHEN 'commit' THEN amount WHEN 'release' THEN -amount WHEN 'refund' THEN -amount END"
)
FIGURES = ", ".join(
    [
        f"coalesce(sum({COMMITTED}), 0)",
        f"coalesce(sum({REALISED}), 0)",
        f"coalesce(sum({SPENT}), 0)",
        *(
            f"coalesce(sum({SPENT}) FILTER (WHERE {condition}), 0)"
            for condition in (
                "vendor_scale IN ('micro', 'small') OR vendor_is_cooperative",
                "vendor_is_local",
                "vendor_in_priority_area",
                "vendor_is_women_led",
            )
        ),
    ]
)
LEDGER = (
    "FROM procurement_spendentry WHERE fiscal_year_id = %(year)s AND department_id = ANY(%(ids)s)"
)
RAW_GROUPS = {
    "month": "date_trunc('month', occurred_at AT TIME ZONE %(tz)s)",
    "category": "category",
    "vendor_scale": "vendor_scale",
    "district": "vendor_district",
    "vendor": "vendor_id, vendor_name",
}
RAW_COMPLIANCE = [
    "SELECT department_id, sum(allocated) FROM procurement_budgetline "
    "WHERE fiscal_year_id = %(year)s AND department_id = ANY(%(ids)s) GROUP BY 1",
    f"SELECT department_id, {FIGURES} {LEDGER} GROUP BY 1",
    "SELECT department_id, small_business_target FROM procurement_departmenttarget "
    "WHERE fiscal_year_id = %(year)s AND department_id = ANY(%(ids)s)",
    "SELECT department_id, (occurred_at AT TIME ZONE %(tz)s)::date "
    "- (billed_at AT TIME ZONE %(tz)s)::date, count(DISTINCT order_id) "
    f"{LEDGER} AND kind = 'realise' AND billed_at IS NOT NULL GROUP BY 1, 2",
]


def raw(statements: list[str], params: dict) -> int:
    from django.db import connection

    rows = 0
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement, params)
            rows += len(cursor.fetchall())
    return rows


def cases(fiscal_year) -> list:
    """(name, the app's call, the raw SQL's call)."""
    from django.conf import settings

    from market.models import User
    from market.permissions import departments_visible_to
    from procurement.reports import GROUPS, compliance_by_department, spend_by

    finance = User.objects.get(username="bench-finance")
    everyone = departments_visible_to(finance).filter(is_active=True)
    params = {
        "year": fiscal_year.pk,
        "ids": list(everyone.values_list("pk", flat=True)),
        "tz": settings.TIME_ZONE,
    }
    found = [
        (
            "compliance by department",
            lambda: compliance_by_department(fiscal_year=fiscal_year, departments=everyone),
            lambda: raw(RAW_COMPLIANCE, params),
        )
    ]
    for group in GROUPS:
        key = RAW_GROUPS[group]
        statement = f"SELECT {key}, {FIGURES} {LEDGER} GROUP BY {key} ORDER BY {key}"
        found.append(
            (
                f"spend by {group.replace('_', ' ')}",
                lambda g=group: spend_by(fiscal_year=fiscal_year, departments=everyone, group_by=g),
                lambda s=statement: raw([s], params),
            )
        )
    return found


def orders_list_cases() -> list:
    """The orders list as finance sees it (every order of the regency), a first and a deep page
    of 50, through the API in this process; beside it the same page and count in raw SQL."""
    from django.db import connection
    from rest_framework.test import APIClient

    from market.models import User

    client = APIClient()
    client.force_authenticate(User.objects.get(username="bench-finance"))
    found = []
    for page in (1, 100):

        def app(page=page):
            response = client.get("/api/v1/orders/", {"page": page, "page_size": 50})
            assert response.status_code == 200, response.content[:300]

        def bare(page=page):
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM orders_purchaseorder")
                cursor.execute(
                    "SELECT o.id, o.number, o.status, o.total, o.created_at, o.submitted_at, "
                    "o.delivery_date, d.code, d.name, v.id, v.legal_name, v.trading_name, "
                    "b.account_code, b.name FROM orders_purchaseorder o "
                    "JOIN market_department d ON d.id = o.department_id "
                    "JOIN vendors_vendor v ON v.id = o.vendor_id "
                    "JOIN procurement_budgetline b ON b.id = o.budget_line_id "
                    "ORDER BY o.created_at DESC, o.id DESC LIMIT 50 OFFSET %s",
                    [(page - 1) * 50],
                )
                return len(cursor.fetchall())

        found.append((f"orders list as finance, page {page} of 50", app, bare))
    return found


def query_counts(cases: list) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for name, app, _bare in cases:
        app()  # what a first request alone reads (the session's person) is not counted
        with CaptureQueriesContext(connection) as captured:
            app()
        counts[name] = len(captured.captured_queries)
    return counts


def timed(function) -> float:
    started = time.perf_counter()
    function()
    return (time.perf_counter() - started) * 1000


def measure(fiscal_year, rounds: int) -> list[dict]:
    from django.utils import translation

    results = []
    listed = orders_list_cases()
    queries = query_counts(listed)
    with translation.override("id"):
        for name, app, bare in [*cases(fiscal_year), *listed]:
            app(), bare()  # warm the cache and the connection alike
            taken = {"app": [], "bare": []}
            for _round in range(rounds):
                taken["app"].append(timed(app))
                taken["bare"].append(timed(bare))
            app_ms = statistics.median(taken["app"])
            bare_ms = statistics.median(taken["bare"])
            ratio = round(app_ms / bare_ms, 2)
            row = {"case": name, "app_ms": round(app_ms), "bare_ms": round(bare_ms)}
            if name in queries:
                row["queries"] = queries[name]
            results.append({**row, "ratio": ratio})
            print(f"{name:38} app {app_ms:7.0f} ms | raw SQL {bare_ms:7.0f} ms | {ratio}x")
    return results


# --- the export, in a child process of its own: its peak memory is its own --------------------


def export_child(side: str) -> None:
    regency.setup_django()
    from django.conf import settings
    from django.db import connection, transaction
    from openpyxl import Workbook

    from market.models import User
    from orders.models import Export
    from orders.services.exports import export_run

    settings.PRIVATE_MEDIA_ROOT = tempfile.mkdtemp(prefix="bench-export-")
    started = time.perf_counter()
    if side == "app":
        export = Export.objects.create(
            owner=User.objects.get(username="bench-finance"),
            language="id",
            kind="orders",
            file_format="xlsx",
            filters={"fiscal_year": regency.YEAR},
        )
        export = export_run(export_id=export.pk)
        if export.status != Export.Status.DONE:
            sys.exit(f"export {export.status}: {export.error}")
        rows, size = export.rows_written, export.file.size
        export.file.delete(save=False)
    else:
        path = os.path.join(settings.PRIVATE_MEDIA_ROOT, "bare.xlsx")
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("orders")
        rows = 0
        with (
            transaction.atomic(),
            connection.cursor() as outer,
            outer.connection.cursor(name="bare") as cursor,
        ):
            cursor.itersize = 2000
            cursor.execute(
                "SELECT o.number, d.code, o.status, o.submitted_at AT TIME ZONE 'Asia/Pontianak', "
                "v.legal_name, v.scale, l.category_path, l.product_name, l.unit, l.quantity, "
                "l.unit_price, l.total, l.shipped_quantity, l.received_quantity "
                "FROM orders_orderline l JOIN orders_purchaseorder o ON o.id = l.order_id "
                "JOIN market_department d ON d.id = o.department_id "
                "JOIN vendors_vendor v ON v.id = o.vendor_id "
                "JOIN procurement_budgetline b ON b.id = o.budget_line_id "
                "WHERE b.fiscal_year_id = (SELECT id FROM procurement_fiscalyear WHERE year = %s) "
                "AND o.submitted_at IS NOT NULL ORDER BY l.order_id, l.id",
                [regency.YEAR],
            )
            for row in cursor:
                sheet.append(row)
                rows += 1
        workbook.save(path)
        size = os.path.getsize(path)
        os.remove(path)
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"rows": rows, "seconds": round(seconds, 1), "peak_rss_mb": round(peak_mb)}))
    print(f"  ({size / 1e6:.0f} MB file)", file=sys.stderr)


def export(side: str) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--export-child", side],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def write(results: list[dict], exports: dict, lines: int) -> None:
    today = datetime.date.today().isoformat()
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    out = regency.ROOT / "bench" / "results" / f"{today}-reports"
    out.with_suffix(".json").write_text(
        json.dumps(
            {
                "date": today,
                "machine": machine,
                "order_lines": lines,
                "reports": results,
                "xlsx_export": exports,
            },
            indent=2,
        )
    )
    app, bare = exports["app"], exports["bare"]
    table = [
        f"Reports and export at {lines:,} order lines, {today}, {machine}; medians of turns.",
        "",
        "| read (the whole organisation) | raw SQL | Pasar Sistemik | ratio |",
        "|---|---|---|---|",
        *(
            f"| {row['case']} | {row['bare_ms']} ms | {row['app_ms']} ms"
            f"{f' ({q} queries)' if (q := row.get('queries')) else ''} | {row['ratio']} |"
            for row in results
        ),
        f"| XLSX export of {app['rows']:,} lines | {bare['seconds']} s, peak RSS "
        f"{bare['peak_rss_mb']} MB | {app['seconds']} s, peak RSS {app['peak_rss_mb']} MB | "
        f"{round(app['seconds'] / bare['seconds'], 2)} |",
    ]
    out.with_suffix(".md").write_text("\n".join(table) + "\n")
    print("\n".join(table))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--export-child", choices=["app", "bare"])
    parser.add_argument(
        "--keep-export", action="store_true", help="reuse today's export figures (8 minutes)"
    )
    args = parser.parse_args()
    if args.export_child:
        export_child(args.export_child)
        return
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")  # the API, called in this process
    regency.setup_django()
    from orders.models import OrderLine

    fiscal_year = regency.ready(lines=args.lines)
    lines = OrderLine.objects.filter(order__budget_line__fiscal_year=fiscal_year).count()
    results = measure(fiscal_year, args.rounds)
    kept = regency.ROOT / "bench" / "results" / f"{datetime.date.today()}-reports.json"
    if args.keep_export and kept.exists():
        exports = json.loads(kept.read_text())["xlsx_export"]
    else:
        exports = {side: export(side) for side in ("bare", "app")}
    print(f"XLSX export: {exports}")
    write(results, exports, lines)


if __name__ == "__main__":
    main()
