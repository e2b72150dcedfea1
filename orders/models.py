"""Carts, purchase orders and their lines, shipments, receipts (BAST), invoices, payments,
standing orders, and the idempotency keys that make replayed requests harmless."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.models import Product, Unit
from market.audit_reading import AuditReading
from market.bounds import ADDRESS_LENGTH, NAME_LENGTH, NOTE_LENGTH
from market.bounds import QUANTITY_FIELD as QUANTITY
from market.files.storage import private_storage
from market.models import Department, Organisation
from market.money import RupiahField
from procurement.models import BudgetLine
from vendors.models import Vendor


class Cart(models.Model):
    """One cart per requester per department."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("cart")
        verbose_name_plural = _("carts")
        constraints = [
            models.UniqueConstraint(fields=["user", "department"], name="cart_one_per_department")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.department.code}"


class CartItem(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    quantity = models.DecimalField(_("quantity"), **QUANTITY)

    class Meta:
        ordering = ["id"]
        verbose_name = _("cart item")
        verbose_name_plural = _("cart items")
        constraints = [
            models.UniqueConstraint(fields=["cart", "product"], name="cart_item_once"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="cart_item_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.product}"


class OrderStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    ACCEPTED = "accepted", _("Accepted by vendor")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Expired")
    PARTIALLY_SHIPPED = "partially_shipped", _("Partially shipped")
    SHIPPED = "shipped", _("Shipped")
    PARTIALLY_RECEIVED = "partially_received", _("Goods partly received")
    RECEIVED = "received", _("Goods received")
    INVOICED = "invoiced", _("Invoiced")
    PAID = "paid", _("Paid")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


class Actor(models.TextChoices):
    """Who may take a step. The approver is the PPK named on the order; the others are anyone
    holding that role in the order's department, or a member of the order's vendor."""

    REQUESTER = "requester", _("Requester")
    APPROVER = "approver", _("Commitment officer (PPK)")
    RECEIVER = "receiver", _("Receiver")
    TREASURER = "treasurer", _("Treasurer")
    VENDOR = "vendor", _("Vendor")
    FINANCE = "finance", _("Finance officer")
    SYSTEM = "system", _("System")
    # Stripe, through its signed webhook: the only one who marks a card payment paid.
    PAYMENT_PROVIDER = "payment_provider", _("Payment provider")


class OrderNumberSequence(models.Model):
    """The last number given per department and year, locked while the next one is taken,
    so order numbers have no gaps."""

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, default="SP")
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("number sequence")
        verbose_name_plural = _("number sequences")
        constraints = [
            models.UniqueConstraint(
                fields=["department", "year", "kind"], name="order_number_sequence_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}/{self.department_id}/{self.year}: {self.last}"


class PurchaseOrder(models.Model):
    """A surat pesanan to one vendor. Moved only by the services of its actions (orders.actions)."""

    audit_reading = AuditReading(
        department="department_id",
        fields="orders.audit_words.FIELDS",
        summary="orders.actions.timeline_label",
        values="orders.audit_words.order_event_values",
    )

    number = models.CharField(_("number"), max_length=40, unique=True)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="orders")
    budget_line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, related_name="+")
    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="orders")
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("commitment officer (PPK)"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=OrderStatus.choices, default=OrderStatus.DRAFT
    )
    delivery_address = models.TextField(_("delivery address"), max_length=ADDRESS_LENGTH)
    delivery_date = models.DateField(_("delivery date"))
    notes = models.TextField(_("notes"), max_length=NOTE_LENGTH, blank=True)
    total = RupiahField(_("total"))
    reason = models.TextField(_("reason"), max_length=NOTE_LENGTH, blank=True)
    checkout = models.UUIDField(_("checkout"), db_index=True)
    standing_order = models.ForeignKey(
        "StandingOrder", on_delete=models.SET_NULL, null=True, blank=True, related_name="orders"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("purchase order")
        verbose_name_plural = _("purchase orders")
        indexes = [
            models.Index(fields=["department", "status"], name="order_department_status_idx"),
            models.Index(fields=["vendor", "status"], name="order_vendor_status_idx"),
            models.Index(fields=["status", "approved_at"], name="order_status_approved_idx"),
            # The lists' order, newest first: a page reads its rows, not every order sorted
            # (finance sees them all; a department its own).
            models.Index(fields=["-created_at", "-id"], name="order_newest_idx"),
            models.Index(
                fields=["department", "-created_at", "-id"], name="order_department_newest_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(total__gte=0), name="order_total_not_negative")
        ]

    def __str__(self) -> str:
        return self.number


class OrderLine(models.Model):
    """A line snapshots the product's name, unit, category and price when the order was made."""

    order = models.ForeignKey(PurchaseOrder, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    product_name = models.CharField(_("product"), max_length=200)
    # The product's unit code when ordered (catalog.models.Unit), shown as its label.
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)
    category = models.CharField(_("category"), max_length=80)
    # The category with its ancestors ("parent/child"), for the spend ledger's rules on parents.
    category_path = models.CharField(_("category path"), max_length=255)
    unit_price = RupiahField(_("unit price"))
    quantity = models.DecimalField(_("quantity"), **QUANTITY)
    total = RupiahField(_("total"))
    # Whether submitting held stock for this line (made-to-order products hold none); release
    # and shipping follow this, not whatever the product says today.
    stock_held = models.BooleanField(_("stock held"), default=True)
    shipped_quantity = models.DecimalField(_("shipped"), default=0, **QUANTITY)
    received_quantity = models.DecimalField(_("received"), default=0, **QUANTITY)
    # What of the received has been billed, by one invoice or several (one per termin).
    invoiced_quantity = models.DecimalField(_("invoiced"), default=0, **QUANTITY)
    # What will never come: the rest not shipped when the PPK closed the order short.
    cancelled_quantity = models.DecimalField(_("cancelled"), default=0, **QUANTITY)

    class Meta:
        ordering = ["id"]
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="order_line_quantity_positive"
            ),
            models.CheckConstraint(
                condition=Q(shipped_quantity__gte=0, shipped_quantity__lte=F("quantity")),
                name="order_line_shipped_within_ordered",
            ),
            models.CheckConstraint(
                condition=Q(received_quantity__gte=0, received_quantity__lte=F("shipped_quantity")),
                name="order_line_received_within_shipped",
            ),
            models.CheckConstraint(
                condition=Q(
                    invoiced_quantity__gte=0, invoiced_quantity__lte=F("received_quantity")
                ),
                name="order_line_invoiced_within_received",
            ),
            models.CheckConstraint(
                condition=Q(
                    cancelled_quantity__gte=0,
                    cancelled_quantity__lte=F("quantity") - F("shipped_quantity"),
                ),
                name="order_line_cancelled_within_unshipped",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} {self.get_unit_display()} {self.product_name}"

    @property
    def due_quantity(self):
        """What the vendor still owes in all: the order's quantity less what was cancelled."""
        return self.quantity - self.cancelled_quantity


class NegotiationStatus(models.TextChoices):
    OPEN = "open", _("Open")
    AGREED = "agreed", _("Agreed")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Negotiation(models.Model):
    """A requester's negotiation of a submitted order's prices with its vendor, in rounds
    (orders.services.negotiation). One open at a time per order; approval waits for it."""

    order = models.ForeignKey(PurchaseOrder, on_delete=models.CASCADE, related_name="negotiations")
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=NegotiationStatus.choices,
        default=NegotiationStatus.OPEN,
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # The order's total before and after: what the agreement released from the budget line.
    listed_total = RupiahField(_("listed total"))
    agreed_total = RupiahField(_("agreed total"), null=True, blank=True)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("price negotiation")
        verbose_name_plural = _("price negotiations")
        constraints = [
            models.UniqueConstraint(
                fields=["order"],
                condition=Q(status="open"),
                name="negotiation_one_open_per_order",
            ),
            models.CheckConstraint(
                condition=Q(agreed_total__isnull=True) | Q(agreed_total__lte=F("listed_total")),
                name="negotiation_agreed_within_listed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.status}"


class RoundAnswer(models.TextChoices):
    WAITING = "", _("Waiting for the vendor")
    ACCEPTED = "accepted", _("Accepted")
    COUNTERED = "countered", _("Countered")
    DECLINED = "declined", _("Declined")


class NegotiationRound(models.Model):
    """The requester's proposal and the vendor's answer to it."""

    negotiation = models.ForeignKey(Negotiation, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField(_("round"))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed"), auto_now_add=True)
    answer = models.CharField(
        _("answer"), max_length=10, choices=RoundAnswer.choices, blank=True, default=""
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    reason = models.TextField(_("reason"), max_length=NOTE_LENGTH, blank=True)

    class Meta:
        ordering = ["negotiation", "number"]
        verbose_name = _("negotiation round")
        verbose_name_plural = _("negotiation rounds")
        constraints = [
            models.UniqueConstraint(
                fields=["negotiation", "number"], name="negotiation_round_once"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="negotiation_round_from_one"),
        ]

    def __str__(self) -> str:
        return f"{self.negotiation_id} #{self.number}"


class NegotiationPrice(models.Model):
    """One line's prices in a round: as listed, as the requester proposed, as the vendor
    countered. A counter lies between the proposal and the listed price."""

    round = models.ForeignKey(NegotiationRound, on_delete=models.CASCADE, related_name="prices")
    line = models.ForeignKey(OrderLine, on_delete=models.CASCADE, related_name="+")
    listed_price = RupiahField(_("listed price"))
    proposed_price = RupiahField(_("proposed price"))
    countered_price = RupiahField(_("countered price"), null=True, blank=True)

    class Meta:
        ordering = ["round", "line"]
        verbose_name = _("negotiated price")
        verbose_name_plural = _("negotiated prices")
        constraints = [
            models.UniqueConstraint(fields=["round", "line"], name="negotiation_price_once"),
            models.CheckConstraint(
                condition=Q(proposed_price__gt=0, proposed_price__lt=F("listed_price")),
                name="negotiation_proposal_below_listed",
            ),
            models.CheckConstraint(
                condition=Q(countered_price__isnull=True)
                | Q(
                    countered_price__gte=F("proposed_price"),
                    countered_price__lte=F("listed_price"),
                ),
                name="negotiation_counter_within_proposal_and_listed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.line_id}: {self.proposed_price}/{self.countered_price}"


class Shipment(models.Model):
    order = models.ForeignKey(PurchaseOrder, on_delete=models.CASCADE, related_name="shipments")
    shipped_at = models.DateTimeField(auto_now_add=True)
    shipped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("note"), max_length=NOTE_LENGTH, blank=True)

    class Meta:
        ordering = ["shipped_at", "id"]
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")

    def __str__(self) -> str:
        return f"{self.order} shipment {self.pk}"


class ShipmentLine(models.Model):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="lines")
    line = models.ForeignKey(OrderLine, on_delete=models.CASCADE, related_name="+")
    quantity = models.DecimalField(_("quantity"), **QUANTITY)

    class Meta:
        verbose_name = _("shipment line")
        verbose_name_plural = _("shipment lines")

    def __str__(self) -> str:
        return f"{self.quantity} {self.line.product_name}"


class DeliveryReceipt(models.Model):
    """A BAST (berita acara serah terima): what the department received, and who signed."""

    order = models.ForeignKey(PurchaseOrder, on_delete=models.CASCADE, related_name="receipts")
    number = models.CharField(_("number"), max_length=40, unique=True)
    received_on = models.DateField(_("received on"))
    signed_by_name = models.CharField(_("signed by"), max_length=NAME_LENGTH)
    condition = models.TextField(
        _("condition of the goods"),
        max_length=NOTE_LENGTH,
        blank=True,
        help_text=_("What the receiver noted: damage, shortfall, or nothing to remark."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The invoice that billed what this BAST received (none yet: still to be billed).
    invoice = models.ForeignKey(
        "Invoice", on_delete=models.PROTECT, null=True, blank=True, related_name="receipts"
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("delivery receipt (BAST)")
        verbose_name_plural = _("delivery receipts (BAST)")

    def __str__(self) -> str:
        return self.number


class ReceiptLine(models.Model):
    receipt = models.ForeignKey(DeliveryReceipt, on_delete=models.CASCADE, related_name="lines")
    line = models.ForeignKey(OrderLine, on_delete=models.CASCADE, related_name="+")
    quantity = models.DecimalField(_("quantity"), **QUANTITY)

    class Meta:
        verbose_name = _("receipt line")
        verbose_name_plural = _("receipt lines")

    def __str__(self) -> str:
        return f"{self.quantity} {self.line.product_name}"


class InvoiceQuerySet(models.QuerySet):
    def unpaid(self):
        return self.filter(paid_at__isnull=True)


class InvoiceManager(models.Manager.from_queryset(InvoiceQuerySet)):
    """Every invoice is read with `paid_at`: when its one succeeded payment was made (None while
    it waits), derived from the payments rather than stored twice."""

    def get_queryset(self):
        paid = Payment.objects.filter(invoice=models.OuterRef("pk"), status=PaymentStatus.SUCCEEDED)
        return super().get_queryset().annotate(paid_at=models.Subquery(paid.values("paid_at")[:1]))


INCOME_TAX_KINDS = [
    ("pph22", _("PPh 22")),
    ("pp55_final", _("PP 55 final tax")),
    ("none", _("None")),
]


class TaxFigures(models.Model):
    """The taxes on an invoice as computed (procurement.taxes): the invoice keeps what was
    expected when it was issued, its payment what was collected when it was paid, and a paid
    invoice takes its payment's figures. Null where nothing was computed: invoices paid before
    the marketplace kept taxes."""

    price_excluding_ppn = RupiahField(_("price excluding PPN"), null=True, blank=True)
    ppn = RupiahField(_("PPN"), null=True, blank=True)
    ppn_collected = RupiahField(_("PPN collected"), null=True, blank=True)
    income_tax_kind = models.CharField(
        _("income tax"), max_length=12, choices=INCOME_TAX_KINDS, blank=True
    )
    income_tax_rate = models.DecimalField(
        _("income tax rate (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    income_tax_base = RupiahField(_("income tax base"), null=True, blank=True)
    income_tax = RupiahField(_("income tax withheld"), null=True, blank=True)
    net_to_vendor = RupiahField(_("net to the vendor"), null=True, blank=True)
    # Every figure with the rule that produced it, and the rules' source (Taxes.snapshot()).
    taxes = models.JSONField(_("taxes"), null=True, blank=True)

    class Meta:
        abstract = True

    def keep_taxes(self, taxes) -> None:
        """Keep `taxes` (procurement.taxes.Taxes) on this row; the caller saves it."""
        self.price_excluding_ppn = taxes.price_excluding_ppn
        self.ppn, self.ppn_collected = taxes.ppn, taxes.ppn_collected
        self.income_tax_kind = taxes.income_tax_kind
        self.income_tax_rate = taxes.income_tax_rate
        self.income_tax_base, self.income_tax = taxes.income_tax_base, taxes.income_tax
        self.net_to_vendor = taxes.net_to_vendor
        self.taxes = taxes.snapshot()

    TAX_FIELDS = (
        "price_excluding_ppn",
        "ppn",
        "ppn_collected",
        "income_tax_kind",
        "income_tax_rate",
        "income_tax_base",
        "income_tax",
        "net_to_vendor",
        "taxes",
    )


class Invoice(TaxFigures):
    """A bill for what was received and not yet billed: one BAST or several (a termin). An order
    may have several; the one issued when everything due had been received is final."""

    order = models.ForeignKey(PurchaseOrder, on_delete=models.CASCADE, related_name="invoices")
    number = models.CharField(_("number"), max_length=40, unique=True)
    amount = RupiahField(_("amount"))
    final = models.BooleanField(
        _("final"), help_text=_("Issued when everything due had been received.")
    )
    # Where the money goes, as the vendor's account stood when it billed: a later change of
    # account does not redirect an invoice already issued.
    bank_name = models.CharField(_("bank"), max_length=100)
    bank_account_number = models.CharField(_("account number"), max_length=30)
    bank_account_holder = models.CharField(_("account holder"), max_length=200)
    issued_at = models.DateTimeField(auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The payment clock: an invoice is complete when issued (it bills goods a BAST received),
    # and due the policy's working days later (orders.clock).
    due_at = models.DateTimeField(_("due"), null=True, blank=True, db_index=True)

    objects = InvoiceManager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="invoice_amount_positive")
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def due_date(self):
        """The day it should be paid by (its due time's day, in the regency's time)."""
        return timezone.localtime(self.due_at).date()


class InvoiceLine(models.Model):
    """What one invoice bills of one order line: the quantity received since the last invoice,
    and its amount, priced so that a line's invoices add up to the line priced once."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="invoice_lines")
    quantity = models.DecimalField(_("quantity"), **QUANTITY)
    amount = RupiahField(_("amount"))

    class Meta:
        ordering = ["pk"]
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="invoice_line_quantity_positive"
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="invoice_line_amount_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} {self.line.unit} {self.line.product_name}"


class PaymentMethod(models.TextChoices):
    TREASURY_TRANSFER = "transfer", _("Treasury transfer (SP2D)")
    CARD = "card", _("Government card (KKPD)")


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the card")
    SUCCEEDED = "succeeded", _("Paid")
    FAILED = "failed", _("Failed")


SP2D_LENGTH = 60
PROVIDER_ID_LENGTH = 255


class Payment(TaxFigures):
    """One attempt to pay an invoice: a treasury transfer (recorded paid at once) or a card
    payment through Stripe (pending until the provider says it succeeded or failed). A declined
    card is followed by another attempt; only one attempt of an invoice ever succeeds."""

    order = models.ForeignKey(PurchaseOrder, on_delete=models.PROTECT, related_name="payments")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    # The regional treasury numbers its SP2D per year: one number pays one invoice.
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    method = models.CharField(_("method"), max_length=10, choices=PaymentMethod.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    # Attempts of one invoice are numbered: the number is part of the provider's idempotency key.
    attempt = models.PositiveSmallIntegerField(_("attempt"), default=1)
    amount = RupiahField(_("amount"))
    sp2d_number = models.CharField(_("SP2D number"), max_length=SP2D_LENGTH, blank=True)
    sp2d_date = models.DateField(_("SP2D date"), null=True, blank=True)
    provider_payment_id = models.CharField(
        _("provider's payment id"), max_length=PROVIDER_ID_LENGTH, blank=True
    )
    failure_message = models.CharField(_("why it failed"), max_length=500, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            # A replayed request, a webhook delivered twice, a transfer beside a card: an
            # invoice is paid once.
            models.UniqueConstraint(
                fields=["invoice"],
                condition=Q(status="succeeded"),
                name="payment_succeeds_once_per_invoice",
            ),
            models.UniqueConstraint(fields=["invoice", "attempt"], name="payment_attempt_once"),
            models.UniqueConstraint(
                fields=["provider_payment_id"],
                condition=~Q(provider_payment_id=""),
                name="payment_provider_id_once",
            ),
            models.CheckConstraint(
                condition=Q(status="succeeded", paid_at__isnull=False) | ~Q(status="succeeded"),
                name="payment_paid_has_time",
            ),
            models.UniqueConstraint(
                "organisation",
                ExtractYear("sp2d_date"),
                "sp2d_number",
                condition=Q(method="transfer"),
                name="payment_sp2d_once_per_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order} {self.amount}"

    @property
    def refundable(self) -> int:
        """What can still be refunded: paid, less refunds done or on their way."""
        taken = self.refunds.exclude(status=Refund.Status.FAILED).aggregate(
            total=models.Sum("amount")
        )
        return self.amount - (taken["total"] or 0)


class Refund(models.Model):
    """Money paid for an order given back: through Stripe for a card payment, recorded by
    hand for a transfer. What is refunded never exceeds what was paid."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the provider")
        SUCCEEDED = "succeeded", _("Refunded")
        FAILED = "failed", _("Failed")

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    order = models.ForeignKey(PurchaseOrder, on_delete=models.PROTECT, related_name="refunds")
    amount = RupiahField(_("amount"))
    reason = models.TextField(_("reason"), max_length=NOTE_LENGTH)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    provider_refund_id = models.CharField(
        _("provider's refund id"), max_length=PROVIDER_ID_LENGTH, blank=True
    )
    refunded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    refunded_at = models.DateTimeField(_("refunded"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive"),
            models.UniqueConstraint(
                fields=["provider_refund_id"],
                condition=~Q(provider_refund_id=""),
                name="refund_provider_id_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order} refund {self.amount}"


class ProviderEvent(models.Model):
    """An event a payment provider sent (a Stripe webhook), kept once by its id: a replay
    finds it and changes nothing."""

    provider = models.CharField(_("provider"), max_length=20, default="stripe")
    event_id = models.CharField(_("event id"), max_length=PROVIDER_ID_LENGTH)
    type = models.CharField(_("type"), max_length=100)
    payload = models.JSONField(_("payload"))
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    outcome = models.CharField(_("outcome"), max_length=200, blank=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("payment provider event")
        verbose_name_plural = _("payment provider events")
        constraints = [
            models.UniqueConstraint(fields=["provider", "event_id"], name="provider_event_once")
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.type} {self.event_id}"


class StandingOrder(models.Model):
    """A department's recurring order, e.g. 500 kg of local rice on the 1st of every month."""

    audit_reading = AuditReading(department="department_id")

    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="standing_orders"
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    budget_line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=NAME_LENGTH)
    day_of_month = models.PositiveSmallIntegerField(_("day of month"))
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    delivery_address = models.TextField(_("delivery address"), max_length=ADDRESS_LENGTH)
    lead_days = models.PositiveSmallIntegerField(
        _("delivery after (days)"), default=7, help_text=_("Days between ordering and delivery.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["department__code", "name"]
        verbose_name = _("standing order")
        verbose_name_plural = _("standing orders")
        constraints = [
            models.CheckConstraint(
                condition=Q(day_of_month__gte=1, day_of_month__lte=28),
                name="standing_order_day_1_28",
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="standing_order_dates"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department.code} {self.name}"


class StandingOrderItem(models.Model):
    standing_order = models.ForeignKey(
        StandingOrder, on_delete=models.CASCADE, related_name="items"
    )
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(_("quantity"), **QUANTITY)

    class Meta:
        verbose_name = _("standing order item")
        verbose_name_plural = _("standing order items")
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="standing_item_quantity_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.product}"


class StandingOrderRun(models.Model):
    """One period of a standing order, made exactly once: its order, or why there is none."""

    class Outcome(models.TextChoices):
        ORDERED = "ordered", _("Ordered")
        FAILED = "failed", _("Failed")

    standing_order = models.ForeignKey(StandingOrder, on_delete=models.CASCADE, related_name="runs")
    period = models.DateField(_("period"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    message = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period"]
        verbose_name = _("standing order run")
        verbose_name_plural = _("standing order runs")
        constraints = [
            models.UniqueConstraint(
                fields=["standing_order", "period"], name="standing_run_once_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.standing_order} {self.period:%Y-%m} {self.outcome}"


class IdempotencyKey(models.Model):
    """A request sent with an Idempotency-Key: claimed first, then its answer.

    `result` is written inside the action's own transaction (orders.idempotency), so a key is
    never marked done unless what it did committed; `status_code` and `body` are the answer
    given, replayed to every later request with the key.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    fingerprint = models.CharField(max_length=64)
    done = models.BooleanField(default=False)
    result = models.JSONField(null=True)
    status_code = models.PositiveSmallIntegerField(default=0)
    body = models.JSONField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_once")]

    def __str__(self) -> str:
        return self.key


def _export_path(export: "Export", filename: str) -> str:
    return f"exports/{export.owner_id}/{uuid.uuid4().hex}.{export.file_format}"


class Export(models.Model):
    """A report or the orders, written to CSV or Excel by a Celery task for the one who asked."""

    class Kind(models.TextChoices):
        SPEND = "spend", _("Spend")
        ORDERS = "orders", _("Orders")
        COMPLIANCE = "compliance", _("Compliance")
        # Written by a higher app, named in settings.EXPORT_TABLES (orders.services.exports).
        FLAGS = "flags", _("Integrity flags")

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Excel (XLSX)"

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Being written")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    file_format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    filters = models.JSONField(_("filters"), default=dict)
    # The departments whose figures the file holds (codes): downloading it later needs them all
    # still to be the owner's.
    departments = models.JSONField(_("departments"), default=list, blank=True)
    language = models.CharField(max_length=10, default="id")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    rows_total = models.PositiveIntegerField(default=0)
    rows_written = models.PositiveIntegerField(default=0)
    file = models.FileField(storage=private_storage, upload_to=_export_path, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        indexes = [models.Index(fields=["owner", "-created_at"], name="export_owner_recent_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"

    @property
    def progress(self) -> int:
        """Percent written (100 when done)."""
        if self.status == self.Status.DONE:
            return 100
        return min(99, self.rows_written * 100 // self.rows_total) if self.rows_total else 0

    @property
    def filename(self) -> str:
        year = self.filters.get("fiscal_year", "")
        department = self.filters.get("department", "")
        asked = timezone.localtime(self.created_at)
        parts = [self.get_kind_display(), str(year), department, f"{asked:%Y%m%d-%H%M}"]
        return "-".join(part.lower() for part in parts if part) + f".{self.file_format}"
