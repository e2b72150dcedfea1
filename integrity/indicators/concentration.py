"""Vendor concentration, read from the spend ledger's paid amounts (realised, less refunds) of
the fiscal year, once a department's paid spend reaches the policy's floor (default
Rp50.000.000):

- `vendor_share`: one vendor receiving more than the policy's share (default 20 %) of it;
- `index`: the department's Herfindahl-Hirschman index over its vendors (the sum of their
  squared shares in percent) above the policy's line (default 2,500, "highly concentrated").

The database sums the ledger per department and vendor (one GROUP BY); the shares are worked
out from those sums, one row per department and vendor.
"""

from collections import defaultdict
from decimal import Decimal

from integrity.indicators.base import Finding, Scope
from procurement.models import SpendEntry, SpendKind, ledger_realised

INDICATOR = "concentration"
# The largest vendors an index flag names (the figures say how many there are in all).
SHOWN_VENDORS = 10


def _paid(scope: Scope) -> dict[int, list[tuple[int, str, int]]]:
    """{department: [(vendor, name, paid), ...] largest first} of departments at the floor."""
    rows = (
        SpendEntry.objects.filter(fiscal_year=scope.fiscal_year)
        .values("department_id", "vendor_id")
        .annotate(paid=ledger_realised())
        .filter(paid__gt=0)
        .values_list("department_id", "vendor_id", "paid")
        .order_by()
    )
    by_department: dict[int, list] = defaultdict(list)
    for department_id, vendor_id, paid in rows:
        by_department[department_id].append((vendor_id, paid))
    floor = scope.policy.concentration_floor
    return {
        department_id: sorted(vendors, key=lambda item: (-item[1], item[0]))
        for department_id, vendors in by_department.items()
        if sum(paid for _, paid in vendors) >= floor
    }


def _share(part: int, whole: int) -> Decimal:
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"))


def _orders_paid(scope: Scope, pairs: list[tuple[int, int]]) -> dict[tuple, list[int]]:
    if not pairs:
        return {}
    found: dict[tuple, list[int]] = defaultdict(list)
    for department_id, vendor_id, order_id in (
        SpendEntry.objects.filter(
            fiscal_year=scope.fiscal_year,
            kind=SpendKind.REALISE,
            department_id__in={d for d, _ in pairs},
            vendor_id__in={v for _, v in pairs},
        )
        .values_list("department_id", "vendor_id", "order_id")
        .distinct()
        .order_by("order_id")
    ):
        if (department_id, vendor_id) in pairs:
            found[department_id, vendor_id].append(order_id)
    return found


def vendor_share(scope: Scope) -> list[Finding]:
    line = scope.policy.concentration_share
    flagged = []
    for department_id, vendors in _paid(scope).items():
        whole = sum(paid for _, paid in vendors)
        for vendor_id, paid in vendors:
            if _share(paid, whole) > line:
                flagged.append((department_id, vendor_id, paid, whole))
    orders = _orders_paid(scope, [(d, v) for d, v, _, _ in flagged])
    return [
        Finding(
            indicator=INDICATOR,
            rule="vendor_share",
            key=f"vendor_share:{scope.fiscal_year.year}:{department_id}:{vendor_id}",
            department_id=department_id,
            vendor_id=vendor_id,
            fiscal_year_id=scope.fiscal_year.pk,
            order_ids=tuple(orders.get((department_id, vendor_id), ())),
            vendor_ids=(vendor_id,),
            figures={
                "paid": paid,
                "department_paid": whole,
                "share": str(_share(paid, whole)),
                "line": str(line),
                "floor": scope.policy.concentration_floor,
            },
        )
        for department_id, vendor_id, paid, whole in flagged
    ]


def index(scope: Scope) -> list[Finding]:
    line = scope.policy.concentration_hhi
    findings = []
    for department_id, vendors in _paid(scope).items():
        whole = sum(paid for _, paid in vendors)
        hhi = round(sum((Decimal(paid) * 100 / whole) ** 2 for _, paid in vendors))
        if hhi <= line:
            continue
        top = vendors[:SHOWN_VENDORS]
        findings.append(
            Finding(
                indicator=INDICATOR,
                rule="index",
                key=f"index:{scope.fiscal_year.year}:{department_id}",
                department_id=department_id,
                fiscal_year_id=scope.fiscal_year.pk,
                vendor_ids=tuple(vendor_id for vendor_id, _ in top),
                figures={
                    "index": hhi,
                    "line": line,
                    "vendors": len(vendors),
                    "department_paid": whole,
                    "shares": {str(v): str(_share(paid, whole)) for v, paid in top},
                },
            )
        )
    return findings
