"""The day's benchmark results in one file and one table, each goal beside what was measured.

    .venv/bin/python bench/summary.py [--date 2026-11-24]

Reads bench/results/<date>-catalog.json, -outbox.json, -checkout.json, -reports.json and
-payments.json (the last `make bench` wrote them) and writes bench/results/<date>.json and
<date>.md.
"""

import argparse
import datetime
import json
import os
import platform

import regency

RESULTS = regency.ROOT / "bench" / "results"


def load(date: str, kind: str) -> dict:
    return json.loads((RESULTS / f"{date}-{kind}.json").read_text())


def case(rows: list[dict], name: str) -> dict:
    return next(row for row in rows if row["case"] == name)


def goals(date: str) -> list[tuple]:
    """(goal, bare baseline, Pasar Sistemik, met?)"""
    catalog = load(date, "catalog")["results"]
    outbox, checkout, reports = load(date, "outbox"), load(date, "checkout"), load(date, "reports")
    first, deep = case(catalog, "page 1, 2 clients"), case(catalog, "page 500, 8 clients")
    typo = case(catalog, "?search=bras, 2 clients")
    read = [row for row in reports["reports"] if not row["case"].startswith("orders list")]
    listed = [row for row in reports["reports"] if row["case"].startswith("orders list")]
    slowest = max(read, key=lambda row: row["app_ms"])
    widest = max(read, key=lambda row: row["ratio"])
    xlsx, bare_xlsx = reports["xlsx_export"]["app"], reports["xlsx_export"]["bare"]
    checks = checkout["checks"]
    payments = load(date, "payments")
    paying = [row for row in payments["cases"] if row["goal"]]
    raw_record = next(row for row in payments["cases"] if row["case"].startswith("raw SQL"))
    safe = not checks["oversold"] and not checks["overcommitted"]

    def served(side: dict) -> str:
        return f"{side['per_second']} req/s, p95 {side['p95_ms']} ms"

    return [
        (
            "product list page 1 ≥ 1.0x, p95 ≤ 25 ms (2 clients)",
            served(first["bare"]),
            f"{served(first['app'])}: {first['ratio']}x",
            first["ratio"] >= 1.0 and first["app"]["p95_ms"] <= 25,
        ),
        (
            "deep page (500) ≥ 1.5x",
            served(deep["bare"]),
            f"{served(deep['app'])}: {deep['ratio']}x",
            deep["ratio"] >= 1.5,
        ),
        (
            "typo search ≥ 5x, p95 ≤ 50 ms (`bras`, 2 clients)",
            served(typo["bare"]),
            f"{served(typo['app'])}: {typo['ratio']}x",
            typo["ratio"] >= 5 and typo["app"]["p95_ms"] <= 50,
        ),
        (
            f"reports at {reports['order_lines']:,} order lines ≤ 1.5x raw SQL, ≤ 1 s",
            f"{widest['bare_ms']} ms ({widest['case']})",
            f"{widest['app_ms']} ms: {widest['ratio']}x at most; slowest "
            f"{slowest['app_ms']} ms ({slowest['case']})",
            widest["ratio"] <= 1.5 and slowest["app_ms"] <= 1000,
        ),
        (
            f"XLSX export of {xlsx['rows']:,} lines streamed, peak RSS ≤ 300 MB",
            f"{bare_xlsx['seconds']} s, {bare_xlsx['peak_rss_mb']} MB",
            f"{xlsx['seconds']} s, {xlsx['peak_rss_mb']} MB",
            xlsx["peak_rss_mb"] <= 300,
        ),
        (
            "checkout, 30 buyers on one product and line ≥ 50 orders/s, 0 oversell/overcommit",
            f"{checkout['bare_per_second']} orders/s",
            f"{checkout['ours_per_second']} orders/s, "
            f"{'nothing oversold or overcommitted' if safe else 'OVERSOLD OR OVERCOMMITTED'}",
            checkout["ours_per_second"] >= 50 and safe,
        ),
        (
            "outbox to delivered ≥ 500 messages/s, 0 lost",
            f"{outbox['bare_per_second']} messages/s",
            f"{outbox['ours_per_second']} messages/s, {outbox.get('lost', 0)} lost",
            outbox["ours_per_second"] >= 500 and outbox.get("lost", 0) == 0,
        ),
        (
            "orders list as finance: the same queries on every page",
            ", ".join(f"{row['bare_ms']} ms" for row in listed),
            ", ".join(f"{row['app_ms']} ms ({row['queries']} queries)" for row in listed),
            len({row["queries"] for row in listed}) == 1,
        ),
        (
            f"payment records and the vendor's preview at {payments['order_lines']:,} order "
            f"lines ≤ {payments['goal_ms']} ms",
            f"{raw_record['median_ms']} ms (the record's query)",
            ", ".join(
                f"{row['median_ms']} ms ({row['case']}, {row['queries']} queries)" for row in paying
            ),
            all(row["median_ms"] <= payments["goal_ms"] for row in paying),
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--date", default=datetime.date.today().isoformat())
    args = parser.parse_args()
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    rows = goals(args.date)
    (RESULTS / f"{args.date}.json").write_text(
        json.dumps(
            {
                "date": args.date,
                "machine": machine,
                "goals": [
                    {"goal": goal, "bare": bare, "ours": ours, "met": met}
                    for goal, bare, ours, met in rows
                ],
            },
            indent=2,
            ensure_ascii=False,
        )
    )
    table = [
        f"`make bench`, {args.date}, {machine}.",
        "",
        "| goal | bare baseline | Pasar Sistemik | met |",
        "|---|---|---|---|",
        *(
            f"| {goal} | {bare} | {ours} | {'yes' if met else '**no**'} |"
            for goal, bare, ours, met in rows
        ),
    ]
    (RESULTS / f"{args.date}.md").write_text("\n".join(table) + "\n")
    print("\n".join(table))


if __name__ == "__main__":
    main()
