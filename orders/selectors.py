"""Reads of orders: who sees which, the vendor's inbox, deadlines, an order's timeline."""

import datetime

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from market.models import AuditEvent, DepartmentRole
from market.permissions import roles_of
from orders.models import (
    Cart,
    DeliveryReceipt,
    OrderLine,
    OrderStatus,
    PurchaseOrder,
    StandingOrder,
)
from procurement.models import Policy
from procurement.selectors import holidays_between, working_days_after
from vendors.permissions import vendor_of


def _with_details(orders: QuerySet[PurchaseOrder]) -> QuerySet[PurchaseOrder]:
    return orders.select_related(
        "department", "vendor", "requester", "approver", "budget_line__fiscal_year"
    ).prefetch_related(Prefetch("lines", queryset=OrderLine.objects.order_by("pk")))


def orders_visible_to(user) -> QuerySet[PurchaseOrder]:
    """Department staff see their departments' orders, a vendor its own once approved,
    finance officers and administrators all of them."""
    roles = roles_of(user)
    orders = PurchaseOrder.objects.all()
    if roles.sees_all_departments:
        return _with_details(orders)
    visible = Q(department_id__in=roles.department_ids_with())
    vendor = vendor_of(user)
    if vendor is not None:
        visible |= Q(vendor=vendor, approved_at__isnull=False)
    return _with_details(orders.filter(visible))


def vendor_inbox(user) -> QuerySet[PurchaseOrder]:
    vendor = vendor_of(user)
    if vendor is None:
        return PurchaseOrder.objects.none()
    return _with_details(PurchaseOrder.objects.filter(vendor=vendor, approved_at__isnull=False))


def order_filter(
    orders: QuerySet[PurchaseOrder],
    *,
    status: str = "",
    department: str = "",
    vendor: int | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    number: str = "",
) -> QuerySet[PurchaseOrder]:
    if status:
        orders = orders.filter(status=status)
    if department:
        orders = orders.filter(department__code__iexact=department)
    if vendor:
        orders = orders.filter(vendor_id=vendor)
    if date_from:
        orders = orders.filter(created_at__date__gte=date_from)
    if date_to:
        orders = orders.filter(created_at__date__lte=date_to)
    if number:
        orders = orders.filter(number__icontains=number.strip())
    return orders


def order_timeline(order: PurchaseOrder) -> QuerySet[AuditEvent]:
    """Every step of the order, from the audit trail: who, when, what."""
    return (
        AuditEvent.objects.filter(object_type="orders.purchaseorder", object_id=str(order.pk))
        .select_related("actor")
        .order_by("sequence")
    )


def order_receipts(order: PurchaseOrder) -> QuerySet[DeliveryReceipt]:
    return order.receipts.prefetch_related("lines__line").order_by("pk")


DEFAULT_RESPONSE_DAYS = Policy._meta.get_field("vendor_response_days").default


def orders_past_response_deadline(*, now: datetime.datetime) -> list[PurchaseOrder]:
    """Approved orders the vendor has not answered within the fiscal year's working days."""
    today = timezone.localtime(now).date()
    days_by_year = dict(Policy.objects.values_list("fiscal_year_id", "vendor_response_days"))
    candidates = list(
        PurchaseOrder.objects.filter(status=OrderStatus.APPROVED)
        .select_related("budget_line")
        .only("pk", "approved_at", "budget_line__fiscal_year_id")
    )
    if not candidates:
        return []
    earliest = min(timezone.localtime(order.approved_at).date() for order in candidates)
    holidays = holidays_between(earliest, today + datetime.timedelta(days=30))
    due = []
    for order in candidates:
        days = days_by_year.get(order.budget_line.fiscal_year_id, DEFAULT_RESPONSE_DAYS)
        approved_on = timezone.localtime(order.approved_at).date()
        if today > working_days_after(approved_on, days, holidays):
            due.append(order)
    return due


def cart_of(user, department) -> Cart | None:
    return (
        Cart.objects.filter(user=user, department=department)
        .prefetch_related("items__product__vendor", "items__product__images")
        .first()
    )


def standing_orders_visible_to(user) -> QuerySet[StandingOrder]:
    roles = roles_of(user)
    standing = StandingOrder.objects.select_related("department", "budget_line").prefetch_related(
        "items__product", "runs"
    )
    if roles.sees_all_departments:
        return standing
    return standing.filter(department_id__in=roles.department_ids_with())


def orders_waiting_for(user, *, limit: int = 20) -> QuerySet[PurchaseOrder]:
    """Orders on which this person has the next step: the work waiting on their home page."""
    roles, vendor, s = roles_of(user), vendor_of(user), OrderStatus
    waiting = Q(pk__in=[])
    for role, statuses in (
        (DepartmentRole.APPROVER, [s.SUBMITTED]),
        (DepartmentRole.RECEIVER, [s.SHIPPED, s.PARTIALLY_SHIPPED, s.PARTIALLY_RECEIVED]),
        (DepartmentRole.TREASURER, [s.INVOICED]),
        (DepartmentRole.REQUESTER, [s.PAID]),
    ):
        departments = roles.department_ids_with(role)
        if departments:
            waiting |= Q(department_id__in=departments, status__in=statuses)
    if vendor is not None:
        waiting |= Q(
            vendor=vendor,
            status__in=[
                s.APPROVED,
                s.ACCEPTED,
                s.PARTIALLY_SHIPPED,
                s.PARTIALLY_RECEIVED,
                s.RECEIVED,
            ],
        )
    return _with_details(PurchaseOrder.objects.filter(waiting)).order_by("created_at")[:limit]
