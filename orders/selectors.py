"""Reads of orders: who sees which, the vendor's inbox, deadlines, an order's timeline."""

import datetime
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.models import Unit
from catalog.selectors import category_paths
from market.models import AuditEvent, Department, DepartmentRole
from market.money import round_rupiah
from market.permissions import departments_visible_to, departments_where, roles_of
from orders.actions import ACCEPT, EXPIRE, OFFERED
from orders.models import (
    Actor,
    Cart,
    CartItem,
    DeliveryReceipt,
    Export,
    Invoice,
    Negotiation,
    OrderLine,
    OrderStatus,
    Payment,
    PurchaseOrder,
    Shipment,
    ShipmentLine,
    StandingOrder,
)
from orders.spend import priced, to_bill
from procurement.evaluation import Evaluation, policy_evaluate
from procurement.models import Policy
from procurement.reports import payment_delays
from procurement.selectors import (
    fiscal_year_current,
    holidays_between,
    policy_for,
    working_days_after,
    working_days_between,
)
from procurement.services import Spend
from vendors.permissions import vendor_of


def _with_details(orders: QuerySet[PurchaseOrder]) -> QuerySet[PurchaseOrder]:
    return orders.select_related(
        "department", "vendor", "requester", "approver", "budget_line__fiscal_year"
    ).prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.order_by("pk")),
        Prefetch("invoices", queryset=Invoice.objects.order_by("pk")),
    )


def _visible(user) -> QuerySet[PurchaseOrder]:
    """Department staff see their departments' orders, a vendor its own once approved (or
    once its price is negotiated), finance officers and administrators all of them."""
    roles = roles_of(user)
    orders = PurchaseOrder.objects.all()
    if roles.sees_all_departments:
        return orders
    visible = Q(department_id__in=roles.department_ids_with())
    vendor = vendor_of(user)
    if vendor is not None:
        visible |= Q(vendor=vendor) & _vendor_has_it()
    return orders.filter(visible)


def _vendor_has_it() -> Q:
    """A vendor has an order once it is approved, or once its price is negotiated with it."""
    return Q(approved_at__isnull=False) | Q(
        Exists(Negotiation.objects.filter(order=OuterRef("pk")))
    )


def _listed(orders: QuerySet[PurchaseOrder]) -> QuerySet[PurchaseOrder]:
    """What a list of orders shows (number, department, vendor, budget line, total): no lines,
    no people, whatever the page size."""
    return orders.select_related("department", "vendor", "budget_line")


def orders_visible_to(user) -> QuerySet[PurchaseOrder]:
    """The orders this person may see, with everything an order's own page shows."""
    return _with_details(_visible(user))


def orders_listed_for(user) -> QuerySet[PurchaseOrder]:
    """The orders this person may see, read for a list."""
    return _listed(_visible(user))


def requester_department(user, code) -> Department | None:
    """The department whose cart a requester fills: the one named by its code (any letter case),
    else their first; None when they are not its requester."""
    departments = departments_where(user, DepartmentRole.REQUESTER)
    if not code:
        return departments.first()
    if not isinstance(code, str) or "\x00" in code or len(code) > 20:
        return None
    return departments.filter(code__iexact=code).first()


def vendor_inbox(user) -> QuerySet[PurchaseOrder]:
    """A vendor's orders from approval on (or from a price negotiation), read for its list."""
    vendor = vendor_of(user)
    if vendor is None:
        return PurchaseOrder.objects.none()
    return _listed(PurchaseOrder.objects.filter(_vendor_has_it(), vendor=vendor))


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


def order_payments(order: PurchaseOrder) -> QuerySet[Payment]:
    """Every attempt to pay the order, declined cards included, with its refunds."""
    return (
        order.payments.select_related("paid_by", "invoice")
        .prefetch_related("refunds")
        .order_by("pk")
    )


def order_shipments(order: PurchaseOrder) -> QuerySet[Shipment]:
    """What the vendor sent, shipment by shipment, with its note to the receiver."""
    return order.shipments.prefetch_related(
        Prefetch("lines", queryset=ShipmentLine.objects.select_related("line").order_by("pk"))
    ).order_by("shipped_at", "pk")


def order_receipts(order: PurchaseOrder) -> QuerySet[DeliveryReceipt]:
    return order.receipts.prefetch_related("lines__line").order_by("pk")


DEFAULT_RESPONSE_DAYS = Policy._meta.get_field("vendor_response_days").default


def response_deadlines(orders) -> dict[int, datetime.date]:
    """The last day the vendor may answer each order waiting for its answer (the policy's
    working days after approval); other orders have none. Policies and holidays are read once
    for all."""
    approved = [order for order in orders if order.status in ACCEPT.sources and order.approved_at]
    if not approved:
        return {}
    days_by_year = dict(Policy.objects.values_list("fiscal_year_id", "vendor_response_days"))
    approved_on = [timezone.localtime(order.approved_at).date() for order in approved]
    # Every deadline falls within 30 working days (the policy's most) of its approval.
    holidays = holidays_between(min(approved_on), max(approved_on) + datetime.timedelta(days=60))
    return {
        order.pk: working_days_after(
            timezone.localtime(order.approved_at).date(),
            days_by_year.get(order.budget_line.fiscal_year_id, DEFAULT_RESPONSE_DAYS),
            holidays,
        )
        for order in approved
    }


def response_deadline(order: PurchaseOrder) -> datetime.date | None:
    """The last day the vendor may accept or decline this order; None unless it waits for the
    vendor's answer. Pages, the API, documents and notices all read it here."""
    return response_deadlines([order]).get(order.pk)


def orders_past_response_deadline(*, now: datetime.datetime) -> list[PurchaseOrder]:
    """Orders the vendor has not answered within the fiscal year's working days: those that may
    expire."""
    today = timezone.localtime(now).date()
    candidates = list(
        PurchaseOrder.objects.filter(status__in=EXPIRE.sources)
        .select_related("budget_line")
        .only("pk", "status", "approved_at", "budget_line__fiscal_year_id")
    )
    deadlines = response_deadlines(candidates)
    return [order for order in candidates if today > deadlines[order.pk]]


def order_invoices(order: PurchaseOrder) -> list[Invoice]:
    """The order's invoices, oldest first, each with when it was paid and the BASTs it
    bills."""
    invoices = list(order.invoices.prefetch_related("receipts").order_by("pk"))
    for invoice in invoices:
        invoice.receipt_numbers = [receipt.number for receipt in invoice.receipts.all()]
    return invoices


@dataclass(frozen=True)
class InvoicePreview:
    """What sending an invoice now would bill, before the vendor taps."""

    amount: int
    final: bool  # everything due has been received: nothing more will be billed
    receipts: list[str]  # the BASTs it bills
    left: int  # the value of what is still to come (0 on the final invoice)


def invoice_preview(order: PurchaseOrder) -> InvoicePreview:
    lines = list(order.lines.all())
    return InvoicePreview(
        amount=sum(amount for _quantity, amount in to_bill(lines).values()),
        final=all(line.received_quantity == line.due_quantity for line in lines),
        receipts=[r.number for r in order.receipts.filter(invoice__isnull=True).order_by("pk")],
        left=sum(priced(line, line.due_quantity - line.received_quantity) for line in lines),
    )


def invoices_unpaid() -> QuerySet[Invoice]:
    """Every invoice waiting for payment, with its order and what its reminders read."""
    return Invoice.objects.unpaid().select_related(
        "order__department",
        "order__vendor",
        "order__requester",
        "order__approver",
        "order__budget_line__fiscal_year",
    )


def cart_of(user, department) -> Cart | None:
    return (
        Cart.objects.filter(user=user, department=department)
        .prefetch_related(
            Prefetch(
                "items",
                queryset=CartItem.objects.select_related("product__vendor__village__district"),
            ),
            "items__product__images",
        )
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
    """Orders on which this person has the next step: the work waiting on their home page.

    Read from the order actions: the sources of each forward one (with something left to act
    on), for the people who take it.
    """
    roles, vendor = roles_of(user), vendor_of(user)
    waiting = Q(pk__in=[])
    for step in OFFERED:
        if not step.forward:
            continue
        due = Q(status__in=step.sources)
        if step.work_left is not None:
            due &= step.work_left.in_query()
        for actor in step.actors:
            if actor == Actor.VENDOR and vendor is not None:
                waiting |= due & Q(vendor=vendor)
            elif actor == Actor.APPROVER:  # the PPK named on the order
                departments = roles.department_ids_with(DepartmentRole.APPROVER)
                if departments:
                    waiting |= due & Q(approver=user, department_id__in=departments)
            elif actor in DepartmentRole.values:
                departments = roles.department_ids_with(actor)
                if departments:
                    waiting |= due & Q(department_id__in=departments)
    return _with_details(PurchaseOrder.objects.filter(waiting)).order_by("created_at")[:limit]


def invoices_to_pay(user, *, limit: int = 20) -> list[Invoice]:
    """The unpaid invoices of this treasurer's departments, soonest due first (the overdue at
    the top), each with `working_days_left` (negative: overdue by so many working days)."""
    departments = roles_of(user).department_ids_with(DepartmentRole.TREASURER)
    if not departments:
        return []
    invoices = list(
        Invoice.objects.unpaid()
        .filter(order__department_id__in=departments)
        .select_related("order__vendor")
        .order_by("due_at", "pk")[:limit]
    )
    if invoices:
        today = timezone.localdate()
        dates = [invoice.due_date for invoice in invoices]
        holidays = holidays_between(min([today, *dates]), max([today, *dates]))
        for invoice in invoices:
            invoice.working_days_left = working_days_between(today, invoice.due_date, holidays)
            invoice.overdue_days = max(0, -invoice.working_days_left)
    return invoices


def checkout_preview(*, user, department: Department, fiscal_year=None) -> Evaluation | None:
    """What submitting the cart now would do: the policy's verdict on each vendor's order and
    the department's quota position after them (nothing is written). None for an empty cart."""
    cart = cart_of(user, department)
    items = list(cart.items.all()) if cart else []
    fiscal_year = fiscal_year or fiscal_year_current()
    if not items or fiscal_year is None:
        return None
    paths = category_paths()
    amounts: dict = defaultdict(lambda: defaultdict(int))
    vendors = {}
    for item in items:
        vendors[item.product.vendor_id] = item.product.vendor
        amounts[item.product.vendor_id][paths[item.product.category_id]] += round_rupiah(
            item.quantity * item.product.unit_price
        )
    spends = [
        Spend(
            order_id=0,
            order_number="",
            vendor=vendors[vendor_id],
            amounts_by_category=dict(by_path),
        )
        for vendor_id, by_path in amounts.items()
    ]
    return policy_evaluate(department=department, fiscal_year=fiscal_year, spends=spends)


def exports_of(user) -> QuerySet[Export]:
    """A person's own exports: nobody else's are theirs to see."""
    if user is None or not user.is_authenticated:
        return Export.objects.none()
    return Export.objects.filter(owner=user).order_by("-created_at", "-id")


def exports_downloadable(user, exports) -> set[int]:
    """Which of these exports (this person's own) may be downloaded: finished, and every
    department they hold still theirs to read (someone moved to another department no longer
    downloads the old one's figures)."""
    visible = set(departments_visible_to(user).values_list("code", flat=True))
    return {
        export.pk
        for export in exports
        if export.status == Export.Status.DONE and set(export.departments) <= visible
    }


def export_to_download(user, pk: int) -> Export | None:
    export = exports_of(user).filter(pk=pk).first()
    return export if export and exports_downloadable(user, [export]) else None


def order_lines_table(*, fiscal_year, departments) -> tuple[list, Iterator, int]:
    """The order lines of the departments' orders of a fiscal year, for an export: a header,
    the rows as a stream read in chunks from the database, and how many there are."""
    lines = OrderLine.objects.filter(
        order__department__in=departments,
        order__budget_line__fiscal_year=fiscal_year,
        order__submitted_at__isnull=False,
    ).order_by("order_id", "pk")
    columns = [
        ("order__number", _("Order")),
        ("order__department__code", _("Department")),
        ("order__status", _("Status")),
        ("order__submitted_at", _("Submitted")),
        ("order__vendor__legal_name", _("Vendor")),
        ("order__vendor__scale", _("Scale")),
        ("category_path", _("Category")),
        ("product_name", _("Product")),
        ("unit", _("Unit")),
        ("quantity", _("Quantity")),
        ("unit_price", _("Unit price")),
        ("total", _("Total")),
        ("shipped_quantity", _("Shipped")),
        ("received_quantity", _("Received")),
    ]
    tz = timezone.get_current_timezone()

    def rows():
        # Translated once, in the language active while the rows are written.
        statuses = {value: str(label) for value, label in OrderStatus.choices}
        units = {value: str(label) for value, label in Unit.choices}
        for row in lines.values_list(*(name for name, _label in columns)).iterator(chunk_size=2000):
            row = list(row)
            row[2] = statuses.get(row[2], row[2])
            row[8] = units.get(row[8], row[8])
            row[3] = row[3].astimezone(tz).replace(tzinfo=None) if row[3] else None
            yield row

    return [str(label) for _name, label in columns], rows(), lines.count()


NEW_BUYER_BELOW = 5  # payments in the window: fewer, and the record says "new buyer"
RECORD_DAYS = 180


@dataclass(frozen=True)
class BuyerPaymentRecord:
    """How a department has paid its vendors over the last RECORD_DAYS days: what a vendor sees
    before it accepts the department's order."""

    payments: int
    median_working_days: Decimal | None
    share_on_time: Decimal | None  # % paid within the policy's target
    target_days: int

    @property
    def is_new_buyer(self) -> bool:
        return self.payments < NEW_BUYER_BELOW


def buyer_payment_record(department: Department, *, today=None) -> BuyerPaymentRecord:
    today = today or timezone.localdate()
    since = timezone.make_aware(
        datetime.datetime.combine(today - datetime.timedelta(days=RECORD_DAYS), datetime.time())
    )
    target = policy_for(fiscal_year_current()).payment_due_days
    delay = payment_delays(department_ids=[department.pk], due_days=target, since=since)[
        department.pk
    ]
    return BuyerPaymentRecord(
        payments=delay.paid,
        median_working_days=delay.median_days,
        share_on_time=delay.within_due,
        target_days=target,
    )
