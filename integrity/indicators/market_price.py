"""Price far from the market: an order line whose unit price lies far above what the same
category and unit cost elsewhere, by either of two references:

- `quartiles`: the unit prices paid (lines of orders that stand) for the category and unit over
  the policy's last days (default 365), when there are at least the policy's number of them
  (default 8): above Q3 + 1.5 x IQR (Tukey's fence; the factor is the policy's);
- `catalogue`: the active products of verified vendors in the category and unit: above the
  policy's factor (default 1.5) times their median price.

Quartiles and medians are read by nearest rank: ROW_NUMBER() and COUNT() over each category and
unit ordered by price, the rows at ranks ceil(n/4), ceil(n/2) and ceil(3n/4) (one window query
per reference, two or three rows back per category and unit). Only the lines above a fence come
back; lines of the scanned fiscal year's orders are flagged, one flag per department, vendor,
category and unit (its lines the evidence).
"""

import datetime
from collections import defaultdict
from decimal import ROUND_FLOOR
from functools import reduce
from operator import or_

from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber

from catalog.models import Product
from integrity.indicators.base import Finding, Scope, standing
from orders.models import OrderLine
from vendors.models import VendorStatus

INDICATOR = "market_price"


def _ranks(queryset, category: str, price: str, positions: dict) -> dict[tuple, dict]:
    """{(category, unit): {"n": count, name: price at that rank}} of a queryset, each rank a
    position `(a * n + b) // c` from `positions` {name: (a, b, c)}: nearest-rank quantiles."""
    partition = [F(category), F("unit")]
    ranked = queryset.annotate(
        rank=Window(RowNumber(), partition_by=partition, order_by=[F(price).asc(), F("pk").asc()]),
        n=Window(Count("pk"), partition_by=partition),
    )
    wanted = Q()
    for name, (a, b, c) in positions.items():
        ranked = ranked.annotate(**{f"at_{name}": (F("n") * a + b) / c})
        wanted |= Q(rank=F(f"at_{name}"))
    found: dict[tuple, dict] = defaultdict(dict)
    at = [f"at_{name}" for name in positions]
    for row in ranked.filter(wanted).values(category, "unit", "rank", price, "n", *at):
        group = found[row[category], row["unit"]]
        group["n"] = row["n"]
        for name in positions:
            if row["rank"] == row[f"at_{name}"]:
                group[name] = row[price]
    return found


# Nearest ranks as (a, b, c): rank (a * n + b) // c, i.e. ceil(n/4), ceil(n/2), ceil(3n/4).
QUARTILES = {"q1": (1, 3, 4), "median": (1, 1, 2), "q3": (3, 3, 4)}
MEDIAN = {"median": (1, 1, 2)}


def _market(scope: Scope, since: datetime.datetime) -> dict[tuple, dict]:
    """{(category, unit): {n, q1, median, q3, fence}} of the prices paid since `since`."""
    policy = scope.policy
    paid = OrderLine.objects.filter(standing("order__"), order__submitted_at__gte=since)
    found = _ranks(paid.order_by(), "category", "unit_price", QUARTILES)
    market = {}
    for group, values in found.items():
        if values["n"] >= policy.price_min_observations:
            spread = values["q3"] - values["q1"]
            fence = values["q3"] + policy.price_iqr_factor * spread
            market[group] = {**values, "fence": int(fence.to_integral_value(ROUND_FLOOR))}
    return market


def _catalogue(scope: Scope) -> dict[tuple, dict]:
    """{(category, unit): {n, median, fence}} of the active products buyers can order."""
    products = Product.objects.filter(is_active=True, vendor__status=VendorStatus.VERIFIED)
    found = _ranks(
        products.annotate(category_slug=F("category__slug")).order_by(),
        "category_slug",
        "unit_price",
        MEDIAN,
    )
    factor = scope.policy.price_catalogue_factor
    return {
        group: {**values, "fence": int((factor * values["median"]).to_integral_value(ROUND_FLOOR))}
        for group, values in found.items()
    }


def prices_far_from_market(scope: Scope) -> list[Finding]:
    since = scope.now - datetime.timedelta(days=scope.policy.price_lookback_days)
    market, catalogue = _market(scope, since), _catalogue(scope)
    fences = {
        group: min(
            reference[group]["fence"] for reference in (market, catalogue) if group in reference
        )
        for group in market.keys() | catalogue.keys()
    }
    if not fences:
        return []
    above = reduce(
        or_, (Q(category=c, unit=u, unit_price__gt=fence) for (c, u), fence in fences.items())
    )
    lines = (
        OrderLine.objects.filter(
            above,
            standing("order__"),
            order__budget_line__fiscal_year=scope.fiscal_year,
            order__submitted_at__gte=since,
        )
        .values_list(
            "id",
            "order_id",
            "order__department_id",
            "order__vendor_id",
            "category",
            "unit",
            "unit_price",
            "product_name",
        )
        .order_by("id")
    )
    # One flag per department, vendor, category and unit of the year: the lines are its
    # evidence (a vendor that overcharges one buyer for rice does so on many lines).
    found: dict[tuple, list] = defaultdict(list)
    for row in lines:
        found[row[2], row[3], row[4], row[5]].append(row)
    findings = []
    for (department_id, vendor_id, category, unit), rows in found.items():
        paid, listed = market.get((category, unit)), catalogue.get((category, unit))
        highest = max(row[6] for row in rows)
        rules = [
            rule
            for rule, reference in (("quartiles", paid), ("catalogue", listed))
            if reference and highest > reference["fence"]
        ]
        findings.append(
            Finding(
                indicator=INDICATOR,
                rule="+".join(rules),
                key=f"{scope.fiscal_year.year}:{department_id}:{vendor_id}:{category}:{unit}",
                department_id=department_id,
                vendor_id=vendor_id,
                fiscal_year_id=scope.fiscal_year.pk,
                order_ids=tuple(dict.fromkeys(row[1] for row in rows)),
                line_ids=tuple(row[0] for row in rows),
                vendor_ids=(vendor_id,),
                figures={
                    "lines": len(rows),
                    "products": sorted({row[7] for row in rows})[:3],
                    "category": category,
                    "unit": unit,
                    "unit_price": highest,
                    "market": _shown(paid, ("n", "q1", "median", "q3", "fence")),
                    "catalogue": _shown(listed, ("n", "median", "fence")),
                    "iqr_factor": str(scope.policy.price_iqr_factor),
                    "catalogue_factor": str(scope.policy.price_catalogue_factor),
                    "days": scope.policy.price_lookback_days,
                },
            )
        )
    return findings


def _shown(reference: dict | None, names: tuple) -> dict | None:
    return {name: reference[name] for name in names} if reference else None
