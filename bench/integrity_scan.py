"""Benchmark: the integrity scan and the red-flag console at a million order lines.

    make bench        (or: .venv/bin/python bench/integrity_scan.py [--repeat 3] \
                            [--page-repeat 15] [--date 2026-12-07] [--name integrity] \
                            [--keep-flags])

On the regency's database (bench/regency.py), with the clock at noon on the bench year's last
day (the market price's 365 days then hold the whole year): each indicator of
integrity.indicators.INDICATORS on the year's scope, once with its SQL captured and the EXPLAIN
(ANALYZE, BUFFERS) of its slowest query printed, then REPEAT times for the median
(spend_reports.measure); then a full scan as the nightly task runs it (scan_request by nobody,
scan_run), the year's earlier flags and scans deleted first (unless --keep-flags) so that it
raises every flag, and a second scan that finds them all again (nothing new to record). Then the
console's first page (GET /integrity/) and the API's (GET /api/v1/integrity/flags/) as the
regency's finance officer, through Django's test client, PAGE_REPEAT times each. Goals: the
scan ≤ 60 s, the console's first page ≤ 300 ms. Results: bench/results/<date>-<name>.json and
.md.

Measured 2026-12-07 on this 2-core machine at 1,000,002 order lines. First (an orphaned
PostgreSQL backend sharing the CPU): the ten indicators 35.7 s together; split_purchase's
category windows took 73 s and its vendor-category-year rule minutes (an OR of every group
found, thousands of terms, and a Python loop over every window's end for each line): now a
second, forward window in SQL marks the rows inside a window closed over the ceiling, and the
year's groups are window sums (3.3 s, 19.5 s, 4.6 s). market_price then found 183,539 lines
above a fence (the regency's prices are random), one flag each, recorded at ~15 a second (a
transaction, an audit row and an event each): the scan did not finish. Then: one price flag per
department, vendor, category and unit (45,537), findings recorded 500 to a transaction with one
audit event per batch, a digest on each flag so that finding it again reads nothing, and the
scan's sorts given 128 MB (SCAN_WORK_MEM; the window sorts spilled 65-88 MB to disk): the first
scan 46.7 s (49,620 flags raised), the second 29.7 s; the console's first page 31 ms, the API's
18 ms (bench/results/2026-12-07-integrity.md).
"""

import argparse
import datetime
import json
import os
import platform
import statistics
import time

import regency

regency.setup_django()

from django.db import connection, reset_queries  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from payment_records import clock_at  # noqa: E402  (timezone.now() on the bench's day)
from spend_reports import measure, statements  # noqa: E402

from integrity.indicators import INDICATORS  # noqa: E402
from integrity.indicators.base import Scope  # noqa: E402
from integrity.models import Flag, FlagEvent, Scan  # noqa: E402
from integrity.services import scan_request, scan_run  # noqa: E402
from market.models import User  # noqa: E402
from orders.models import OrderLine  # noqa: E402
from procurement.selectors import policy_for  # noqa: E402

SCAN_GOAL_S = 60
PAGE_GOAL_MS = 300
PAGES = (
    ("console, first page (GET /integrity/)", "/integrity/"),
    ("API, first page (GET /api/v1/integrity/flags/)", "/api/v1/integrity/flags/"),
)


def indicator_name(function) -> str:
    return f"{function.__module__.rsplit('.', 1)[-1]}.{function.__name__}"


def forget_flags() -> int:
    """Delete every flag and scan: the scan that follows raises all it finds."""
    deleted = Flag.objects.count()
    FlagEvent.objects.all().delete()
    Flag.vendors.through.objects.all().delete()
    Flag.objects.all().delete()
    Scan.objects.all().delete()
    return deleted


def scan(fiscal_year, label: str) -> dict:
    """A scan as the nightly task runs it: asked for by nobody, then run; its SQL counted."""
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        done = scan_run(scan_id=scan_request(by=None, fiscal_year=fiscal_year).pk)
        seconds = time.perf_counter() - started
    if done.status != Scan.Status.DONE:
        raise SystemExit(f"{label}: scan {done.status}: {done.error}")
    queries = captured.captured_queries
    row = {
        "case": label,
        "seconds": round(seconds, 1),
        "raised": done.raised,
        "extended": done.extended,
        "queries": len(queries),
        "sql_s": round(sum(float(query["time"]) for query in queries), 1),
        "statements": statements(queries),
    }
    print(
        f"\n=== {label}: {seconds:.1f} s, {done.raised} raised, {done.extended} extended, "
        f"{len(queries)} queries ({row['statements']})"
    )
    return row


def page(client: Client, path: str, repeat: int) -> dict:
    """A page's median over `repeat` requests, after one that warms it; its queries counted."""
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code, response.content[:300])
    with CaptureQueriesContext(connection) as captured:
        client.get(path)
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    queries = captured.captured_queries
    return {
        "median_ms": round(statistics.median(timings), 1),
        "min_ms": round(min(timings), 1),
        "max_ms": round(max(timings), 1),
        "queries": len(queries),
        "sql_ms": round(sum(float(query["time"]) for query in queries) * 1000, 1),
        "bytes": len(response.content),
    }


def write(report: dict, date: str, name: str) -> None:
    out = regency.ROOT / "bench" / "results" / f"{date}-{name}"
    out.with_suffix(".json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    indicators, scans, pages = report["indicators"], report["scans"], report["pages"]
    first = scans[0]
    slowest = max(indicators, key=lambda row: row["median_ms"])
    table = [
        f"Integrity at {report['order_lines']:,} order lines, {date}, {report['machine']}; "
        f"now {report['now']}; indicators: medians of {report['repeat']} runs, SQL of the "
        f"first; pages: medians of {report['page_repeat']} requests.",
        "",
        "| indicator | median | queries | SQL | findings | slowest query's plan |",
        "|---|---|---|---|---|---|",
        *(
            f"| {row['case']} | {row['median_ms']} ms | {row['queries']} | {row['sql_ms']} ms | "
            f"{row['findings']} | {row['plans'][0] if row['plans'] else ''} |"
            for row in indicators
        ),
        f"| all ten | {sum(row['median_ms'] for row in indicators):.0f} ms | | | "
        f"{sum(row['findings'] for row in indicators)} | |",
        "",
        "| scan | time | raised | extended | queries | SQL |",
        "|---|---|---|---|---|---|",
        *(
            f"| {row['case']} | {row['seconds']} s | {row['raised']} | {row['extended']} | "
            f"{row['queries']} | {row['sql_s']} s |"
            for row in scans
        ),
        "",
        "Open flags after the scans: "
        + ", ".join(f"{indicator} {n}" for indicator, n in report["flags"].items())
        + f" ({sum(report['flags'].values())} in all).",
        "",
        "| page (as the finance officer) | median | min | max | queries | SQL | bytes |",
        "|---|---|---|---|---|---|---|",
        *(
            f"| {row['case']} | {row['median_ms']} ms | {row['min_ms']} ms | {row['max_ms']} ms "
            f"| {row['queries']} | {row['sql_ms']} ms | {row['bytes']:,} |"
            for row in pages
        ),
        "",
        f"Slowest indicator: {slowest['case']} ({slowest['median_ms']} ms).",
        f"Goals: scan ≤ {SCAN_GOAL_S} s: "
        f"{'met' if first['seconds'] <= SCAN_GOAL_S else 'NOT met'} ({first['seconds']} s); "
        f"console's first page ≤ {PAGE_GOAL_MS} ms: "
        f"{'met' if pages[0]['median_ms'] <= PAGE_GOAL_MS else 'NOT met'} "
        f"({pages[0]['median_ms']} ms).",
    ]
    out.with_suffix(".md").write_text("\n".join(table) + "\n")
    print("\n".join(table))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each indicator")
    parser.add_argument("--page-repeat", type=int, default=15, help="requests of each page")
    # Django sets the process's TZ to the regency's (UTC+7): summary.py's default date is UTC's.
    parser.add_argument("--date", default=datetime.datetime.now(datetime.UTC).date().isoformat())
    parser.add_argument("--name", default="integrity", help="results' name: <date>-<name>.json")
    parser.add_argument("--keep-flags", action="store_true", help="scan over earlier flags")
    args = parser.parse_args()
    fiscal_year = regency.ready(lines=args.lines)
    lines = OrderLine.objects.filter(order__budget_line__fiscal_year=fiscal_year).count()
    today = datetime.date(fiscal_year.year, 12, 31)
    results: list = []
    with clock_at(today):
        now = timezone.now()
        scope = Scope(fiscal_year=fiscal_year, policy=policy_for(fiscal_year), now=now)
        for indicator in INDICATORS:
            measure(
                results, indicator_name(indicator), lambda f=indicator: f(scope), repeat=args.repeat
            )
        if not args.keep_flags:
            print(f"\n{forget_flags()} earlier flags deleted")
        scans = [scan(fiscal_year, "first scan"), scan(fiscal_year, "second scan (found again)")]
        flags = dict(
            Flag.objects.filter(status="open")
            .values_list("indicator")
            .annotate(n=Count("pk"))
            .order_by("indicator")
        )
        client = Client(HTTP_HOST="localhost")
        client.force_login(User.objects.get(username="bench-finance"))
        pages = []
        for label, path in PAGES:
            row = {"case": label, **page(client, path, args.page_repeat)}
            print(f"\n=== {label}: median {row['median_ms']} ms, {row['queries']} queries")
            pages.append(row)
    indicators = [
        {
            "case": row["name"],
            "median_ms": round(statistics.median(row["ms"]), 1),
            "min_ms": round(min(row["ms"]), 1),
            "sql_ms": round(row["sql_ms"], 1),
            "queries": row["queries"],
            "findings": row["rows"],
            "plans": row["plans"],
        }
        for row in results
    ]
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    report = {
        "date": args.date,
        "machine": machine,
        "order_lines": lines,
        "now": now.isoformat(),
        "repeat": args.repeat,
        "page_repeat": args.page_repeat,
        "goals": {"scan_s": SCAN_GOAL_S, "console_ms": PAGE_GOAL_MS},
        "indicators": indicators,
        "scans": scans,
        "flags": flags,
        "pages": pages,
    }
    write(report, args.date, args.name)


if __name__ == "__main__":
    main()
