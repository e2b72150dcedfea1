"""Profile of the reports, open data and exports over the regency's year (bench/regency.py).

    .venv/bin/python bench/spend_reports.py [--lines 1000000] [--repeat 3] [--no-exports] \
        [--candidates]

Times, as a finance officer sees them: quota_position (the checkout's ledger sum),
compliance_by_department, spend_by for each grouping for the organisation and for its largest
department, public_figures, a first and a middle page of the OCDS package, the nightly
compliance snapshots, and exports through export_run (the Celery task's code; CSV and XLSX), a
second time under tracemalloc to show that rows stream. The slowest SQL of each is printed with
EXPLAIN (ANALYZE, BUFFERS); a table of timings and the plans in short end the output.
--candidates then creates each index or statistics object of CANDIDATES by raw SQL, measures
the reads it concerns again, and drops it. bench/reports_load.py measures the same reports
beside raw SQL, for `make bench`; this one is for finding why one is slow.

Measured 2026-11 on this 2-core machine (work_mem 4MB) at 1,000,000 ledger rows, after the
covering ledger index (procurement 0008): one department's reports 83-155 ms (index-only scans;
185-253 ms before), the checkout's quota sum 66 ms (108 before), organisation-wide reports
0.44-0.9 s (parallel sequential scans of the whole year: no index helps a sum of everything; by
vendor 0.92 -> 0.52 s with the statistics of 0009), public_figures 1.0 s (cached for the public
pages), 50 OCDS releases 28 ms wherever they start (277-365 ms by OFFSET before), snapshots 4.6 s
nightly, the 580,000-line orders CSV 16 s with a 5.4 MB tracemalloc peak (it streams).
"""

import argparse
import json
import resource
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import regency

regency.setup_django()

from django.conf import settings  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from rest_framework.renderers import JSONRenderer  # noqa: E402

from catalog.models import Category  # noqa: E402
from market.models import (  # noqa: E402
    Department,
    User,
)
from market.permissions import departments_visible_to  # noqa: E402
from orders import ocds  # noqa: E402
from orders.models import Export, OrderLine, PurchaseOrder  # noqa: E402
from orders.selectors import order_lines_table  # noqa: E402
from orders.services.exports import export_run  # noqa: E402
from procurement.evaluation import quota_position  # noqa: E402
from procurement.models import (  # noqa: E402
    SpendEntry,
)
from procurement.reports import GROUPS, compliance_by_department, public_figures, spend_by  # noqa: E402
from procurement.services import compliance_snapshots_refresh  # noqa: E402
from vendors.models import Vendor  # noqa: E402


def sql(statement: str, params=None) -> list:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else []


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
    parser.add_argument("--lines", type=int, default=1_000_000, help="order lines to have")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-exports", action="store_true", help="skip the (slow) exports")
    parser.add_argument(
        "--candidates",
        action="store_true",
        help="then create each candidate index (raw SQL), measure again, and drop it",
    )
    args = parser.parse_args()
    fiscal_year = regency.ready(lines=args.lines)
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
