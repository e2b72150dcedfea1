"""Benchmark: a department's payment record and the vendor's preview at a million order lines.

    make bench            (or: .venv/bin/python bench/payment_records.py [--repeat 9] \
                                [--date 2026-12-07] [--name payments-before])

On the regency's database (bench/regency.py), with the clock on the bench year's last day (the
record's 180 days then hold half a year of payments): buyer_payment_record of the department
with the most payments and of the one with the fewest, vendor_preview of an approved order of
the largest department (the order's taxes and that record), and payment_delays of the largest
department over the fiscal year (its row of the compliance report). Beside them the record's
grouping as raw SQL. Each runs once with its SQL captured and the EXPLAIN (ANALYZE, BUFFERS)
of its slowest query printed, then REPEAT times for the median (spend_reports.measure). Goal
(issue 22): the records and the preview ≤ 50 ms each. Results: bench/results/<date>-<name>.json
and .md (summary.py reads <date>-payments.json).

Measured 2026-12-07 on this 2-core machine at 1,000,000 order lines (272,000 realisations, the
largest department 32,500 of them): the largest department's record 139 -> 33 ms, the smallest's
51 -> 13 ms, the vendor's preview 140 -> 34 ms, a department's year 170 -> 51 ms (-before.md).
The record's query read the department's rows from the heap by the department's index: nearly
all of the table's 20,000 pages (rows are written in time order). An index of billed
realisations by department and time answers it alone (procurement 0013). The working days of its
thousands of (billed, paid) pairs, counted day by day for each pair, were then the larger part:
now from one table of the days. A year's record is still 40 ms of SQL: 32,500 times two dates
in the regency's time zone, and the sort of count(DISTINCT order_id).
"""

import argparse
import datetime
import json
import os
import platform
import statistics
from unittest import mock

import regency

regency.setup_django()

from django.conf import settings  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.utils import timezone  # noqa: E402
from spend_reports import measure, sql  # noqa: E402  (runs, SQL, EXPLAIN: as the profile)

from market.models import Department  # noqa: E402
from orders.models import OrderLine, OrderStatus, PurchaseOrder  # noqa: E402
from orders.selectors import RECORD_DAYS, buyer_payment_record  # noqa: E402
from orders.taxes import vendor_preview  # noqa: E402
from procurement.models import SpendEntry, SpendKind  # noqa: E402
from procurement.reports import payment_delays  # noqa: E402
from procurement.selectors import policy_for  # noqa: E402

GOAL_MS = 50
GOAL_CASES = ("payment record", "vendor preview")  # issue 22's reads; the rest for context
# The record's query, by hand: payments per (billed day, paid day) since a moment.
RAW_RECORD = (
    "SELECT (billed_at AT TIME ZONE %(tz)s)::date, (occurred_at AT TIME ZONE %(tz)s)::date, "
    "count(DISTINCT order_id) FROM procurement_spendentry WHERE kind = 'realise' "
    "AND billed_at IS NOT NULL AND department_id = %(department)s AND occurred_at >= %(since)s "
    "GROUP BY 1, 2"
)


def by_payments(fiscal_year) -> list[Department]:
    """The departments that paid in the fiscal year, most realisations first."""
    realised = dict(
        SpendEntry.objects.filter(fiscal_year=fiscal_year, kind=SpendKind.REALISE)
        .values_list("department_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    departments = Department.objects.filter(pk__in=realised)
    return sorted(departments, key=lambda department: -realised[department.pk])


def cases(fiscal_year, today: datetime.date) -> list:
    """(name, function, options of measure)."""
    ordered = by_payments(fiscal_year)
    largest, smallest = ordered[0], ordered[-1]
    # The order a vendor is asked to accept: approved, of the largest department, most lines.
    order = (
        PurchaseOrder.objects.filter(department=largest, status=OrderStatus.APPROVED)
        .annotate(lines_count=Count("lines"))
        .order_by("-lines_count", "pk")
        .select_related("vendor", "department")
        .first()
    )
    due = policy_for(fiscal_year).payment_due_days
    since = timezone.make_aware(
        datetime.datetime.combine(today - datetime.timedelta(days=RECORD_DAYS), datetime.time())
    )
    params = {"tz": settings.TIME_ZONE, "department": largest.pk, "since": since}
    return [
        *(
            (
                f"payment record ({department.code}, 180 days)",
                lambda d=department: buyer_payment_record(d, today=today),
                {"count": lambda record: record.payments},
            )
            for department in (largest, smallest)
        ),
        (
            f"vendor preview ({order.number}, {order.lines_count} lines)",
            lambda: vendor_preview(order),
            {"explain_top": 2, "count": lambda preview: preview.record.payments},
        ),
        (
            f"payment delays ({largest.code}, fiscal year)",
            lambda: payment_delays(
                department_ids=[largest.pk], due_days=due, fiscal_year=fiscal_year
            ),
            {"count": lambda delays: delays[largest.pk].paid},
        ),
        (
            f"raw SQL: the record's grouping ({largest.code})",
            lambda: sql(RAW_RECORD, params),
            {"count": lambda rows: sum(payments for *_days, payments in rows)},
        ),
    ]


def clock_at(day: datetime.date):
    """timezone.now() at noon on `day`: what the preview reads as today (the record's window,
    the tax rules in force, the current fiscal year)."""
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    return mock.patch.object(timezone, "now", return_value=moment)


def write(results: list, lines: int, today: datetime.date, date: str, name: str) -> None:
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    rows = [
        {
            "case": row["name"],
            "median_ms": round(statistics.median(row["ms"]), 1),
            "min_ms": round(min(row["ms"]), 1),
            "sql_ms": round(row["sql_ms"], 1),
            "queries": row["queries"],
            "payments": row["rows"],
            "plans": row["plans"],
            "goal": row["name"].startswith(GOAL_CASES),
        }
        for row in results
    ]
    out = regency.ROOT / "bench" / "results" / f"{date}-{name}"
    out.with_suffix(".json").write_text(
        json.dumps(
            {
                "date": date,
                "machine": machine,
                "order_lines": lines,
                "today": today.isoformat(),
                "goal_ms": GOAL_MS,
                "cases": rows,
            },
            indent=2,
            ensure_ascii=False,
        )
    )
    table = [
        f"Payment records at {lines:,} order lines, {date}, {machine}; today {today}; "
        f"medians of {len(results[0]['ms'])} runs, SQL of the first.",
        "",
        "| read | median | queries | SQL | payments | slowest query's plan |",
        "|---|---|---|---|---|---|",
        *(
            f"| {row['case']} | {row['median_ms']} ms | {row['queries']} | {row['sql_ms']} ms | "
            f"{row['payments']} | {row['plans'][0] if row['plans'] else ''} |"
            for row in rows
        ),
        "",
        f"Goal ≤ {GOAL_MS} ms for the records and the preview: "
        f"{'met' if all(r['median_ms'] <= GOAL_MS for r in rows if r['goal']) else 'NOT met'}.",
    ]
    out.with_suffix(".md").write_text("\n".join(table) + "\n")
    print("\n".join(table))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=9)
    # Django sets the process's TZ to the regency's (UTC+7): summary.py's default date is UTC's.
    parser.add_argument("--date", default=datetime.datetime.now(datetime.UTC).date().isoformat())
    parser.add_argument("--name", default="payments", help="results' name: <date>-<name>.json")
    args = parser.parse_args()
    fiscal_year = regency.ready(lines=args.lines)
    lines = OrderLine.objects.filter(order__budget_line__fiscal_year=fiscal_year).count()
    today = datetime.date(fiscal_year.year, 12, 31)
    results: list = []
    with clock_at(today):
        for name, function, options in cases(fiscal_year, today):
            function()  # warm the connection and the cache alike
            measure(results, name, function, repeat=args.repeat, **options)
    write(results, lines, today, args.date, args.name)


if __name__ == "__main__":
    main()
