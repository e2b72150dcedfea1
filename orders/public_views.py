"""The public's page of what the regency bought and from whom: the purchase orders the open
data publishes (orders.ocds), readable, no login."""

from django.shortcuts import render

from catalog.selectors import category_names
from market.bounds import whole_number
from market.models import Department, District
from orders.forms import PurchaseFilterForm
from orders.ocds import public_purchases
from procurement.models import FiscalYear
from procurement.selectors import fiscal_year_current, report_fiscal_year

PAGE_SIZE = 50


def purchase_list(request):
    """Every purchase order past approval of a fiscal year, newest first, 50 at a time: the
    department, the vendor (name, district, scale and flags), what was bought, the amount and
    where it stands. Filters by year, department, district, vendor name and month."""
    current = fiscal_year_current()
    form = PurchaseFilterForm(
        request.GET or None,
        initial={"year": current.year if current else None},
        years=list(FiscalYear.objects.order_by("-year").values_list("year", flat=True)),
        departments=Department.objects.filter(is_active=True).order_by("code"),
        districts=District.objects.order_by("name"),
    )
    chosen = form.cleaned_data if form.is_valid() else {}
    fiscal_year = report_fiscal_year(chosen.get("year")) if chosen.get("year") else current
    purchases, older = [], None
    if fiscal_year is not None and not form.errors:
        read = list(
            public_purchases(
                fiscal_year,
                department=chosen.get("department"),
                district=chosen.get("district"),
                vendor_name=chosen.get("vendor_name") or "",
                month=chosen.get("month"),
                before=whole_number(request.GET.get("before", "")),
            )[: PAGE_SIZE + 1]
        )
        purchases, older = (
            read[:PAGE_SIZE],
            read[PAGE_SIZE - 1].pk if len(read) > PAGE_SIZE else None,
        )
        names = category_names({line.category for order in purchases for line in order.lines.all()})
        for order in purchases:
            order.categories = list(
                dict.fromkeys(names.get(line.category, line.category) for line in order.lines.all())
            )
    query = request.GET.copy()
    query.pop("before", None)
    return render(
        request,
        "orders/public_purchases.html",
        {
            "form": form,
            "fiscal_year": fiscal_year,
            "purchases": purchases,
            "older": older,
            "newest": "before" in request.GET,
            "query": query.urlencode(),
        },
    )
