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
from functools import reduce
from operator import or_

from django.db.models import Count, F, Max, Min, Q, Sum, Window

from integrity.indicators.base import DAY, Finding, Preceding, Scope, Seconds, counted_orders
from orders.models import OrderLine

INDICATOR = "split_purchase"


def _running(scope: Scope, partition: list, time: str) -> dict:
    """A window over the rows of one partition placed within the policy's days before each."""
    return {
        "partition_by": partition,
        "order_by": Seconds(time).asc(),
        "frame": Preceding(scope.policy.split_window_days * DAY),
    }


def _in_windows(at: int, ends: list[int], seconds: int) -> bool:
    return any(end - seconds <= at <= end for end in ends)


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
            at=Seconds("submitted_at"),
            together=Window(Sum("total"), **window),
            count=Window(Count("id"), **window),
        )
        .filter(together__gt=ceiling, count__gte=2)
        .values_list("department_id", "vendor_id", "at")
    )
    ends_of: dict[tuple, list[int]] = defaultdict(list)
    for department_id, vendor_id, at in ends:
        ends_of[department_id, vendor_id].append(at)
    if not ends_of:
        return []
    pairs = reduce(or_, (Q(department_id=d, vendor_id=v) for d, v in ends_of))
    seconds = scope.policy.split_window_days * DAY
    found: dict[tuple, list] = defaultdict(list)
    for row in (
        orders.filter(pairs)
        .annotate(at=Seconds("submitted_at"))
        .values_list("department_id", "vendor_id", "id", "at", "total", "submitted_at")
        .order_by("submitted_at", "id")
    ):
        if _in_windows(row[3], ends_of[row[0], row[1]], seconds):
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
            figures=_figures(scope, [row[4] for row in rows], [row[5] for row in rows]),
        )
        for (department_id, vendor_id), rows in found.items()
    ]


def _lines(scope: Scope):
    ceiling = scope.policy.direct_purchase_ceiling
    return OrderLine.objects.filter(
        order__in=counted_orders(scope.fiscal_year).filter(total__lte=ceiling)
    )


def by_category(scope: Scope) -> list[Finding]:
    ceiling = scope.policy.direct_purchase_ceiling
    lines = _lines(scope)
    window = _running(scope, [F("order__department_id"), F("category")], "order__submitted_at")
    ends = (
        lines.annotate(
            at=Seconds("order__submitted_at"),
            together=Window(Sum("total"), **window),
            # Two orders or more: the window's least and greatest order differ.
            first_order=Window(Min("order_id"), **window),
            last_order=Window(Max("order_id"), **window),
        )
        .filter(together__gt=ceiling, first_order__lt=F("last_order"))
        .values_list("order__department_id", "category", "at")
    )
    ends_of: dict[tuple, list[int]] = defaultdict(list)
    for department_id, category, at in ends:
        ends_of[department_id, category].append(at)
    if not ends_of:
        return []
    pairs = reduce(or_, (Q(order__department_id=d, category=c) for d, c in ends_of))
    seconds = scope.policy.split_window_days * DAY
    found: dict[tuple, list] = defaultdict(list)
    for row in (
        lines.filter(pairs)
        .annotate(at=Seconds("order__submitted_at"))
        .values_list(
            "order__department_id",
            "category",
            "id",
            "at",
            "total",
            "order__submitted_at",
            "order_id",
            "order__vendor_id",
        )
        .order_by("order__submitted_at", "id")
    ):
        if _in_windows(row[3], ends_of[row[0], row[1]], seconds):
            found[row[0], row[1]].append(row)
    return [
        Finding(
            indicator=INDICATOR,
            rule="category_window",
            key=f"category_window:{scope.fiscal_year.year}:{department_id}:{category}",
            department_id=department_id,
            fiscal_year_id=scope.fiscal_year.pk,
            order_ids=tuple(dict.fromkeys(row[6] for row in rows)),
            line_ids=tuple(row[2] for row in rows),
            vendor_ids=tuple(dict.fromkeys(row[7] for row in rows)),
            figures=_figures(
                scope,
                [row[4] for row in rows],
                [row[5] for row in rows],
                orders=len({row[6] for row in rows}),
                category=category,
            ),
        )
        for (department_id, category), rows in found.items()
    ]


def by_vendor_and_category_in_year(scope: Scope) -> list[Finding]:
    ceiling = scope.policy.direct_purchase_ceiling
    lines = _lines(scope)
    groups = list(
        lines.values("order__department_id", "order__vendor_id", "category")
        .annotate(amount=Sum("total"), orders=Count("order_id", distinct=True))
        .filter(amount__gt=ceiling, orders__gte=2)
        .values_list("order__department_id", "order__vendor_id", "category")
        .order_by()
    )
    if not groups:
        return []
    chosen = reduce(
        or_, (Q(order__department_id=d, order__vendor_id=v, category=c) for d, v, c in groups)
    )
    found: dict[tuple, list] = defaultdict(list)
    for row in (
        lines.filter(chosen)
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
