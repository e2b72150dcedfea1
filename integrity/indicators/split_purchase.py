"""Split purchase (pemecahan paket): one purchase cut into orders that each stay at or under the
direct-purchase ceiling, so that none needs a tender. Perpres 16/2018 art. 20 (as amended by
Perpres 12/2021 and 46/2025) forbids it.

Three rules, each over the fiscal year's orders that stand, every order at or under the ceiling:

- `vendor_window`: within one department, two or more orders to one vendor placed within the
  policy's window (default 30 days) that together pass the ceiling;
- `category_window`: the same for the lines of one category, whichever the vendors;
- `vendor_category_year`: one department's lines of one category from one vendor, in two or
  more orders of the fiscal year, that together pass the ceiling (the "buyer + item + year"
  rule of Prozorro's and Cardinal's indicators).

A window is an SQL window function: a running sum over a department's orders by time,
`RANGE BETWEEN <window> PRECEDING AND CURRENT ROW`. The database returns only the orders that
close a window over the ceiling; the orders inside those windows are then read for the
departments concerned alone.
"""

from collections import defaultdict

from django.db.models import Count, F, Max, Min, Sum, Window
from django.db.models.expressions import RawSQL

from integrity.indicators.base import (
    DAY,
    Finding,
    Preceding,
    Scope,
    Seconds,
    counted_orders,
    standing,
)
from orders.models import OrderLine

INDICATOR = "split_purchase"


def _running(scope: Scope, partition: list, time: str) -> dict:
    """A window over the rows of one partition placed within the policy's days before each."""
    return {
        "partition_by": partition,
        "order_by": Seconds(time).asc(),
        "frame": Preceding(scope.policy.split_window_days * DAY),
    }


def _inside(ends, partition: tuple[str, str], closes: str, params: list, seconds: int):
    """The ids of `ends`' rows that lie in a window closed over the ceiling: rows with a row of
    their partition that `closes` one (SQL over `ends`' columns) within the `seconds` after
    them. A second window over the first, forward (`RANGE BETWEEN CURRENT ROW AND <seconds>
    FOLLOWING`), summing whether each row closes one (a sum slides; a min or max would not)."""
    inner, inner_params = ends.query.sql_with_params()
    first, second = partition
    return RawSQL(
        f"SELECT w.id FROM (SELECT s.id, SUM(CASE WHEN {closes} THEN 1 ELSE 0 END) OVER ("
        f"PARTITION BY s.{first}, s.{second} ORDER BY s.at "
        f"RANGE BETWEEN CURRENT ROW AND {int(seconds)} FOLLOWING) AS closing "
        f"FROM ({inner}) s) w WHERE w.closing > 0",
        (*params, *inner_params),  # the CASE comes before the inner query
    )


def _figures(scope: Scope, amounts: list[int], dates: list, **more) -> dict:
    return {
        "orders": more.pop("orders", len(amounts)),
        "total": sum(amounts),
        "ceiling": scope.policy.direct_purchase_ceiling,
        "window_days": scope.policy.split_window_days,
        "first": min(dates).date().isoformat(),
        "last": max(dates).date().isoformat(),
        **more,
    }


def by_vendor(scope: Scope) -> list[Finding]:
    ceiling = scope.policy.direct_purchase_ceiling
    orders = counted_orders(scope.fiscal_year).filter(total__lte=ceiling)
    window = _running(scope, [F("department_id"), F("vendor_id")], "submitted_at")
    ends = (
        orders.annotate(
            by_first=F("department_id"),
            by_second=F("vendor_id"),
            at=Seconds("submitted_at"),
            together=Window(Sum("total"), **window),
            orders_in=Window(Count("id"), **window),
        )
        .values("id", "by_first", "by_second", "at", "together", "orders_in")
        .order_by()
    )
    inside = _inside(
        ends,
        ("by_first", "by_second"),
        "s.together > %s AND s.orders_in >= 2",
        [ceiling],
        scope.policy.split_window_days * DAY,
    )
    found: dict[tuple, list] = defaultdict(list)
    for row in (
        orders.filter(pk__in=inside)
        .values_list("department_id", "vendor_id", "id", "total", "submitted_at")
        .order_by("submitted_at", "id")
    ):
        found[row[0], row[1]].append(row)
    return [
        Finding(
            indicator=INDICATOR,
            rule="vendor_window",
            key=f"vendor_window:{scope.fiscal_year.year}:{department_id}:{vendor_id}",
            department_id=department_id,
            vendor_id=vendor_id,
            fiscal_year_id=scope.fiscal_year.pk,
            order_ids=tuple(row[2] for row in rows),
            vendor_ids=(vendor_id,),
            figures=_figures(scope, [row[3] for row in rows], [row[4] for row in rows]),
        )
        for (department_id, vendor_id), rows in found.items()
    ]


def _lines(scope: Scope):
    ceiling = scope.policy.direct_purchase_ceiling
    return OrderLine.objects.filter(
        standing("order__"),
        order__budget_line__fiscal_year=scope.fiscal_year,
        order__total__lte=ceiling,
    )


def by_category(scope: Scope) -> list[Finding]:
    ceiling = scope.policy.direct_purchase_ceiling
    lines = _lines(scope)
    window = _running(scope, [F("order__department_id"), F("category")], "order__submitted_at")
    ends = (
        lines.annotate(
            by_first=F("order__department_id"),
            by_second=F("category"),
            at=Seconds("order__submitted_at"),
            together=Window(Sum("total"), **window),
            # Two orders or more: the window's least and greatest order differ.
            first_order=Window(Min("order_id"), **window),
            last_order=Window(Max("order_id"), **window),
        )
        .values("id", "by_first", "by_second", "at", "together", "first_order", "last_order")
        .order_by()
    )
    inside = _inside(
        ends,
        ("by_first", "by_second"),
        "s.together > %s AND s.first_order < s.last_order",
        [ceiling],
        scope.policy.split_window_days * DAY,
    )
    found: dict[tuple, list] = defaultdict(list)
    for row in (
        lines.filter(pk__in=inside)
        .values_list(
            "order__department_id",
            "category",
            "id",
            "total",
            "order__submitted_at",
            "order_id",
            "order__vendor_id",
        )
        .order_by("order__submitted_at", "id")
    ):
        found[row[0], row[1]].append(row)
    return [
        Finding(
            indicator=INDICATOR,
            rule="category_window",
            key=f"category_window:{scope.fiscal_year.year}:{department_id}:{category}",
            department_id=department_id,
            fiscal_year_id=scope.fiscal_year.pk,
            order_ids=tuple(dict.fromkeys(row[5] for row in rows)),
            line_ids=tuple(row[2] for row in rows),
            vendor_ids=tuple(dict.fromkeys(row[6] for row in rows)),
            figures=_figures(
                scope,
                [row[3] for row in rows],
                [row[4] for row in rows],
                orders=len({row[5] for row in rows}),
                category=category,
            ),
        )
        for (department_id, category), rows in found.items()
    ]


def by_vendor_and_category_in_year(scope: Scope) -> list[Finding]:
    ceiling = scope.policy.direct_purchase_ceiling
    group = [F("order__department_id"), F("order__vendor_id"), F("category")]
    # The groups' sums as window functions over the lines: the lines of the groups over the
    # ceiling with two orders or more (their least and greatest order differ) in one query.
    found: dict[tuple, list] = defaultdict(list)
    for row in (
        _lines(scope)
        .annotate(
            amount=Window(Sum("total"), partition_by=group),
            first_order=Window(Min("order_id"), partition_by=group),
            last_order=Window(Max("order_id"), partition_by=group),
        )
        .filter(amount__gt=ceiling, first_order__lt=F("last_order"))
        .values_list(
            "order__department_id",
            "order__vendor_id",
            "category",
            "id",
            "total",
            "order__submitted_at",
            "order_id",
        )
        .order_by("order__submitted_at", "id")
    ):
        found[row[:3]].append(row)
    return [
        Finding(
            indicator=INDICATOR,
            rule="vendor_category_year",
            key=f"vendor_category_year:{scope.fiscal_year.year}:{department_id}:{vendor_id}:{category}",
            department_id=department_id,
            vendor_id=vendor_id,
            fiscal_year_id=scope.fiscal_year.pk,
            order_ids=tuple(dict.fromkeys(row[6] for row in rows)),
            line_ids=tuple(row[3] for row in rows),
            vendor_ids=(vendor_id,),
            figures={
                **_figures(
                    scope,
                    [row[4] for row in rows],
                    [row[5] for row in rows],
                    orders=len({row[6] for row in rows}),
                    category=category,
                ),
                "window_days": None,
            },
        )
        for (department_id, vendor_id, category), rows in found.items()
    ]
