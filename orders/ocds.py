"""Open data: purchase orders as Open Contracting Data Standard (OCDS 1.1) releases.

One release per purchase order past approval: the department is the buyer, the vendor the
supplier (its business scale in `parties[].details.scale`, from OCDS's Party Scale extension,
which the package declares), the method a direct purchase; the award is the approval, the
contract the vendor's acceptance, the payments its implementation's transactions. Amounts in IDR.
Of the vendor only what the catalogue already shows: its name, village and district (not its
street address nor its NIB, which are private to the platform).
"""

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet, Subquery
from django.utils import timezone, translation

from market.models import Department, District
from orders.actions import CANCEL, DECLINE, EXPIRE, statuses_from
from orders.models import (
    OrderLine,
    OrderStatus,
    Payment,
    PaymentStatus,
    PurchaseOrder,
)
from vendors.models import Scale
from vendors.selectors import vendors_named

VERSION = "1.1"
PARTY_SCALE_EXTENSION = (
    "https://raw.githubusercontent.com/open-contracting-extensions/"
    "ocds_partyScale_extension/master/extension.json"
)
# Our four scales on the extension's partyScale codelist.
SCALES = {Scale.MICRO: "micro", Scale.SMALL: "sme", Scale.MEDIUM: "sme", Scale.LARGE: "large"}
# From the order actions: contracted once the vendor accepted (and not cancelled since), refused
# by the vendor (declined, or left to expire), withdrawn (those and cancelled).
CONTRACTED = statuses_from(OrderStatus.ACCEPTED) - CANCEL.targets
REFUSED_BY_VENDOR = DECLINE.targets | EXPIRE.targets
WITHDRAWN = REFUSED_BY_VENDOR | CANCEL.targets


def orders_published(fiscal_year) -> QuerySet[PurchaseOrder]:
    """What the open data publishes of a fiscal year: its purchase orders past approval (as
    OCDS releases, and on the public list of purchases)."""
    return PurchaseOrder.objects.filter(
        budget_line__fiscal_year=fiscal_year, approved_at__isnull=False
    )


def orders_for_open_data(fiscal_year, *, after: int | None = None) -> QuerySet[PurchaseOrder]:
    """Purchase orders past approval of a fiscal year, with what their releases read, by id
    (after `after`: a page starts where the last ended, walking the primary key)."""
    orders = orders_published(fiscal_year)
    if after is not None:
        orders = orders.filter(pk__gt=after)
    return (
        orders.select_related("department__organisation", "vendor__village__district")
        .prefetch_related(
            Prefetch("lines", queryset=OrderLine.objects.order_by("pk")),
            # Money that moved: the paid attempt, not the declined cards before it.
            Prefetch(
                "payments",
                queryset=Payment.objects.filter(status=PaymentStatus.SUCCEEDED).order_by("pk"),
            ),
        )
        .order_by("pk")
    )


# What the public list reads of an order: what its release publishes, never a vendor's
# private fields (NIB, NPWP, contact, street address, bank account) nor the buyers' people.
PUBLIC_LIST_FIELDS = (
    "number",
    "status",
    "total",
    "created_at",
    "department__code",
    "department__name",
    "vendor__legal_name",
    "vendor__trading_name",
    "vendor__scale",
    "vendor__is_cooperative",
    "vendor__is_women_led",
    "vendor__village__name",
    "vendor__village__is_priority",
    "vendor__village__district__name",
)


def public_purchases(
    fiscal_year,
    *,
    department: Department | None = None,
    district: District | None = None,
    vendor_name: str = "",
    month: int | None = None,
    before: int | None = None,
) -> QuerySet[PurchaseOrder]:
    """The published purchase orders of a fiscal year for the public list, newest first,
    narrowed by department, the vendor's district or name, and the month they were placed.

    A page starts after the order `before` (the last one shown), in the list's own order, so
    that nothing counts the whole list and a far page costs what the first does."""
    orders = orders_published(fiscal_year)
    if department is not None:
        orders = orders.filter(department=department)
    if district is not None:
        orders = orders.filter(vendor__village__district=district)
    if vendor_name.strip():
        orders = orders.filter(vendor_id__in=vendors_named(vendor_name).values("pk"))
    if month:
        orders = orders.filter(created_at__month=month)
    if before is not None:
        placed = Subquery(PurchaseOrder.objects.filter(pk=before).values("created_at")[:1])
        orders = orders.filter(Q(created_at__lt=placed) | Q(created_at=placed, pk__lt=before))
    return (
        orders.select_related("department", "vendor__village__district")
        .only(*PUBLIC_LIST_FIELDS)
        .prefetch_related(
            Prefetch("lines", queryset=OrderLine.objects.only("order_id", "category"))
        )
        .order_by("-created_at", "-pk")
    )


def _value(amount: int) -> dict:
    return {"amount": amount, "currency": "IDR"}


def _date(moment) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds")


def _tags(order: PurchaseOrder) -> list[str]:
    if order.status == OrderStatus.CANCELLED:
        return ["tenderCancellation", "awardCancellation"]
    if order.status in REFUSED_BY_VENDOR:
        return ["tender", "awardCancellation"]
    tags = ["tender", "award"]
    if order.status in CONTRACTED:
        tags.append("contract")
    if order.payments.all():  # paid, in full or an invoice (termin) of it
        tags.append("implementation")
    return tags


def _tender_status(order: PurchaseOrder) -> str:
    if order.status == OrderStatus.CANCELLED:
        return "cancelled"
    return "unsuccessful" if order.status in REFUSED_BY_VENDOR else "complete"


def _items(order: PurchaseOrder) -> list[dict]:
    with translation.override("id"):  # units named in the release's language
        return [_item(line) for line in order.lines.all()]


def _item(line) -> dict:
    return {
        "id": str(line.pk),
        "description": line.product_name,
        "classification": {
            "scheme": "x_PasarSistemik",
            "id": line.category,
            "description": line.category_path,
        },
        "quantity": float(line.quantity),
        "unit": {"name": line.get_unit_display(), "value": _value(line.unit_price)},
    }


def release(order: PurchaseOrder, *, prefix: str) -> dict:
    department, vendor = order.department, order.vendor
    buyer = {"id": f"ID-PEMDA-{department.code}", "name": department.name}
    supplier = {"id": f"{prefix}-vendor-{vendor.pk}", "name": vendor.display_name}
    village = vendor.village
    number = order.number.replace("/", "-")
    items = _items(order)
    body = {
        "ocid": f"{prefix}-{number}",
        # A release is one state of the order: a new one at each change.
        "id": f"{number}-{order.updated_at:%Y%m%dT%H%M%S%f}",
        "date": _date(order.updated_at),
        "tag": _tags(order),
        "initiationType": "tender",
        "language": "id",
        "parties": [
            {**buyer, "roles": ["buyer", "procuringEntity", "payer"]},
            {
                **supplier,
                "address": {
                    "locality": village.name if village else None,
                    "region": village.district.name if village else None,
                    "countryName": "Indonesia",
                },
                "roles": ["supplier", "payee"],
                "details": {"scale": SCALES.get(vendor.scale, "sme")},
            },
        ],
        "buyer": buyer,
        "tender": {
            "id": order.number,
            "title": f"Surat pesanan {order.number}",
            "status": _tender_status(order),
            "procuringEntity": buyer,
            "procurementMethod": "direct",
            "procurementMethodDetails": "Pengadaan langsung (e-purchasing)",
            "mainProcurementCategory": "goods",
            "value": _value(order.total),
            "items": items,
        },
        "awards": [
            {
                "id": f"{number}-award",
                "status": "cancelled" if order.status in WITHDRAWN else "active",
                "date": _date(order.approved_at),
                "value": _value(order.total),
                "suppliers": [supplier],
                "items": items,
            }
        ],
    }
    if order.status in CONTRACTED:
        body["contracts"] = [
            {
                "id": f"{number}-contract",
                "awardID": f"{number}-award",
                "status": "terminated" if order.status == OrderStatus.CLOSED else "active",
                "value": _value(order.total),
                "items": items,
                "implementation": {
                    "transactions": [
                        {
                            "id": f"{number}-payment-{payment.pk}",
                            "date": _date(payment.paid_at),
                            "value": _value(payment.amount),
                            "payer": buyer,
                            "payee": supplier,
                        }
                        for payment in order.payments.all()
                    ]
                },
            }
        ]
    return body


def release_package(*, orders, uri: str, publisher: str) -> dict:
    releases = [release(order, prefix=settings.OCDS_OCID_PREFIX) for order in orders]
    latest = max((order.updated_at for order in orders), default=timezone.now())
    return {
        "uri": uri,
        "version": VERSION,
        "extensions": [PARTY_SCALE_EXTENSION],
        "publishedDate": _date(latest),
        "publisher": {"name": publisher},
        "releases": releases,
    }
