"""Read-only admin for orders: every change goes through orders.services, never the admin."""

from django.contrib import admin

from market.admin_mixins import ReadOnlyAdminMixin
from orders.models import (
    DeliveryReceipt,
    Invoice,
    Negotiation,
    NegotiationPrice,
    NegotiationRound,
    OrderLine,
    Payment,
    ProviderEvent,
    PurchaseOrder,
    Refund,
    StandingOrder,
    StandingOrderRun,
)


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    pass


class OrderLineInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = OrderLine
    extra = 0


@admin.register(PurchaseOrder)
class PurchaseOrderAdmin(ReadOnlyAdmin):
    list_display = ["number", "department", "vendor", "status", "total", "created_at"]
    list_filter = ["status", "department"]
    search_fields = ["number", "vendor__legal_name"]
    list_select_related = ["department", "vendor"]
    inlines = [OrderLineInline]


@admin.register(DeliveryReceipt)
class DeliveryReceiptAdmin(ReadOnlyAdmin):
    list_display = ["number", "order", "received_on", "signed_by_name"]


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdmin):
    list_display = ["number", "order", "amount", "issued_at"]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = [
        "order",
        "attempt",
        "method",
        "status",
        "amount",
        "sp2d_number",
        "provider_payment_id",
        "paid_at",
    ]
    list_filter = ["method", "status"]
    search_fields = ["order__number", "sp2d_number", "provider_payment_id"]
    list_select_related = ["order"]


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = ["order", "amount", "status", "reason", "provider_refund_id", "created_at"]
    list_filter = ["status"]
    list_select_related = ["order"]


@admin.register(ProviderEvent)
class ProviderEventAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "provider", "type", "event_id", "outcome"]
    list_filter = ["type", "outcome"]
    search_fields = ["event_id"]


@admin.register(StandingOrder)
class StandingOrderAdmin(ReadOnlyAdmin):
    list_display = ["name", "department", "day_of_month", "start_date", "end_date", "is_active"]


@admin.register(StandingOrderRun)
class StandingOrderRunAdmin(ReadOnlyAdmin):
    list_display = ["standing_order", "period", "outcome", "message"]


class NegotiationPriceInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = NegotiationPrice
    extra = 0


class NegotiationRoundInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = NegotiationRound
    extra = 0


@admin.register(Negotiation)
class NegotiationAdmin(ReadOnlyAdmin):
    list_display = ["order", "status", "listed_total", "agreed_total", "opened_at", "closed_at"]
    list_filter = ["status"]
    search_fields = ["order__number"]
    list_select_related = ["order"]
    inlines = [NegotiationRoundInline]


@admin.register(NegotiationRound)
class NegotiationRoundAdmin(ReadOnlyAdmin):
    list_display = ["negotiation", "number", "answer", "proposed_at", "answered_at"]
    list_select_related = ["negotiation__order"]
    inlines = [NegotiationPriceInline]
