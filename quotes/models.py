"""Mini-competitions (quick quotes): a department's need put to every eligible vendor at once,
their sealed offers, the opening and ranking at closing, and the award that becomes a purchase
order. Only quotes.services writes these rows; quotes.selectors decides who sees an offer."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catalog.models import Category, Product, Unit
from market.audit_reading import AuditReading
from market.bounds import ADDRESS_LENGTH, NOTE_LENGTH, QUANTITY_FIELD, TITLE_LENGTH
from market.models import Department, Village
from market.money import RupiahField
from orders.models import PurchaseOrder
from procurement.models import BudgetLine
from vendors.models import Vendor


class QuoteStatus(models.TextChoices):
    OPEN = "open", _("Open for offers")
    SHORT = "short", _("Too few offers")  # closed, still sealed: extend once or cancel
    CLOSED = "closed", _("Offers opened")
    PROPOSED = "proposed", _("Winner proposed")
    AWARDED = "awarded", _("Awarded")
    CANCELLED = "cancelled", _("Cancelled")


# Where each step may start from (quotes.services checks it).
STEPS: dict[str, frozenset[str]] = {
    "offering": frozenset({QuoteStatus.OPEN}),
    "closing": frozenset({QuoteStatus.OPEN}),
    "extension": frozenset({QuoteStatus.SHORT}),
    "cancellation": frozenset(
        {QuoteStatus.OPEN, QuoteStatus.SHORT, QuoteStatus.CLOSED, QuoteStatus.PROPOSED}
    ),
    "proposal": frozenset({QuoteStatus.CLOSED}),
    "award": frozenset({QuoteStatus.PROPOSED}),
    "sending_back": frozenset({QuoteStatus.PROPOSED}),
}
# Offers are opened (readable by the buyer, the auditors and the public) from these on.
OPENED = frozenset({QuoteStatus.CLOSED, QuoteStatus.PROPOSED, QuoteStatus.AWARDED})


class Quote(models.Model):
    """A need put to the eligible vendors: what, how much, where and when, the budget line and
    the PPK who approves the award, the owner's estimate (HPS, never shown to vendors) and the
    closing time."""

    audit_reading = AuditReading(department="department_id")

    number = models.CharField(_("number"), max_length=40, unique=True)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    budget_line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, related_name="+")
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=TITLE_LENGTH)
    description = models.TextField(_("description"), max_length=NOTE_LENGTH, blank=True)
    quantity = models.DecimalField(_("quantity"), **QUANTITY_FIELD)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)
    delivery_village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="+", verbose_name=_("delivery village")
    )
    delivery_address = models.CharField(_("delivery address"), max_length=ADDRESS_LENGTH)
    delivery_date = models.DateField(_("delivery date"))
    estimated_unit_price = RupiahField(_("estimated unit price (HPS)"))
    closes_at = models.DateTimeField(_("closes at"))
    extended = models.BooleanField(_("extended"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=QuoteStatus.choices, default=QuoteStatus.OPEN
    )
    # The policy's figures as they were at opening (a later change of policy changes no ranking).
    local_preference = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    price_tolerance = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    proposed_offer = models.ForeignKey(
        "Offer", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    proposal_reason = models.TextField(max_length=NOTE_LENGTH, blank=True)
    awarded_at = models.DateTimeField(_("awarded at"), null=True, blank=True)
    order = models.OneToOneField(
        PurchaseOrder, on_delete=models.PROTECT, null=True, blank=True, related_name="quote"
    )
    cancel_reason = models.TextField(max_length=NOTE_LENGTH, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("mini-competition")
        verbose_name_plural = _("mini-competitions")
        indexes = [models.Index(fields=["status", "closes_at"], name="quote_due")]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="quote_quantity_positive"),
            models.CheckConstraint(
                condition=Q(estimated_unit_price__gt=0), name="quote_estimate_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_opened(self) -> bool:
        return self.opened_at is not None


class Invitation(models.Model):
    """A vendor asked to offer, as it was eligible when the quote was published."""

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="invitations")
    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="+")
    invited_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [models.UniqueConstraint(fields=["quote", "vendor"], name="invitation_once")]

    def __str__(self) -> str:
        return f"{self.quote_id} · {self.vendor_id}"


class OfferStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Offer(models.Model):
    """A vendor's one sealed offer, revised or withdrawn until closing; ranked at opening."""

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="offers")
    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    unit_price = RupiahField(_("unit price"))
    delivery_date = models.DateField(_("delivery date"))
    note = models.TextField(_("note"), max_length=NOTE_LENGTH, blank=True)
    status = models.CharField(
        max_length=10, choices=OfferStatus.choices, default=OfferStatus.SUBMITTED
    )
    submitted_at = models.DateTimeField()  # the last submission or revision
    revisions = models.PositiveSmallIntegerField(default=0)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # Set at opening.
    rank = models.PositiveSmallIntegerField(null=True, blank=True)
    comparison_price = models.DecimalField(max_digits=20, decimal_places=2, null=True, blank=True)
    is_local_small = models.BooleanField(default=False)
    above_estimate = models.BooleanField(default=False)

    class Meta:
        ordering = ["rank", "pk"]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        constraints = [
            models.UniqueConstraint(fields=["quote", "vendor"], name="offer_one_per_vendor"),
            models.CheckConstraint(condition=Q(unit_price__gt=0), name="offer_price_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.quote_id} · {self.vendor_id}"
