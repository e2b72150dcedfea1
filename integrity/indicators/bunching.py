"""Bunching under a threshold: a department whose orders keep landing just under the
direct-purchase ceiling (no tender needed) or the automatic-approval threshold (no PPK sees
them). An order counts when its total lies within the policy's margin below the threshold
(default the top 5 %), at or under it; a department is flagged with at least the policy's number
of such orders in the fiscal year (default 3). One GROUP BY per threshold.
"""

from collections import defaultdict

from django.db.models import Count

from integrity.indicators.base import Finding, Scope, counted_orders

INDICATOR = "bunching"


def _just_under(scope: Scope, rule: str, threshold: int) -> list[Finding]:
    if threshold <= 0:  # no such threshold this year (every order goes to the PPK)
        return []
    policy = scope.policy
    floor = int(threshold * (100 - policy.bunching_margin) / 100)
    orders = counted_orders(scope.fiscal_year).filter(total__gt=floor, total__lte=threshold)
    departments = list(
        orders.values("department_id")
        .annotate(count=Count("id"))
        .filter(count__gte=policy.bunching_min_orders)
        .values_list("department_id", flat=True)
        .order_by()
    )
    if not departments:
        return []
    found: dict[int, list] = defaultdict(list)
    for row in (
        orders.filter(department_id__in=departments)
        .values_list("department_id", "id", "total", "vendor_id")
        .order_by("submitted_at", "id")
    ):
        found[row[0]].append(row)
    return [
        Finding(
            indicator=INDICATOR,
            rule=rule,
            key=f"{rule}:{scope.fiscal_year.year}:{department_id}",
            department_id=department_id,
            fiscal_year_id=scope.fiscal_year.pk,
            order_ids=tuple(row[1] for row in rows),
            vendor_ids=tuple(dict.fromkeys(row[3] for row in rows)),
            figures={
                "orders": len(rows),
                "threshold": threshold,
                "from": floor + 1,
                "margin": str(policy.bunching_margin),
                "least_orders": policy.bunching_min_orders,
            },
        )
        for department_id, rows in found.items()
    ]


def under_ceiling(scope: Scope) -> list[Finding]:
    return _just_under(scope, "ceiling", scope.policy.direct_purchase_ceiling)


def under_approval_threshold(scope: Scope) -> list[Finding]:
    return _just_under(scope, "approval_threshold", scope.policy.approval_threshold)
