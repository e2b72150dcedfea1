"""What each order action takes through the API (orders.actions names each action's): each
field's type and bounds, and the action's field rules (orders.rules) that its service checks
again under its locks, all in one answer, before the service is asked
(market.rest.ServiceInputSerializer). The view gives each the order in its context."""

from rest_framework import serializers

from market.bounds import NAME_LENGTH, NOTE_LENGTH
from market.rest import ServiceInputSerializer
from orders.models import SP2D_LENGTH, PaymentMethod
from orders.rules import (
    pay_problems,
    payment_made,
    reason_problems,
    receipt_problems,
    refund_problems,
    shipment_problems,
)


class OrderInput(ServiceInputSerializer):
    @property
    def order(self):
        return self.context["order"]

    @property
    def lines(self):
        return list(self.order.lines.all())


class ReasonInput(OrderInput):
    reason = serializers.CharField(max_length=NOTE_LENGTH, allow_blank=True)

    def problems(self, values: dict) -> dict:
        return reason_problems(values.get("reason"))


class ShipInput(OrderInput):
    quantities = serializers.DictField(
        child=serializers.CharField(max_length=30),
        help_text="{line id: quantity shipped now}",
    )
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=NOTE_LENGTH
    )

    def problems(self, values: dict) -> dict:
        return shipment_problems(
            self.lines, quantities=values.get("quantities"), note=values.get("note")
        )[1]


class ReceiveInput(OrderInput):
    quantities = serializers.DictField(
        child=serializers.CharField(max_length=30),
        help_text="{line id: quantity received now}",
    )
    received_on = serializers.DateField()
    signed_by_name = serializers.CharField(max_length=NAME_LENGTH, allow_blank=True)
    condition = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=NOTE_LENGTH,
        help_text="the condition of the goods as the receiver found them",
    )

    def problems(self, values: dict) -> dict:
        return receipt_problems(
            self.order,
            self.lines,
            quantities=values.get("quantities"),
            received_on=values.get("received_on"),
            signed_by_name=values.get("signed_by_name"),
            condition=values.get("condition"),
        )[1]


class PayInput(OrderInput):
    method = serializers.ChoiceField(
        choices=PaymentMethod.choices,
        default=PaymentMethod.TREASURY_TRANSFER,
        help_text="transfer: record the SP2D, paid at once; card: start a card payment, "
        "confirmed with Stripe.js and marked paid by the provider's webhook",
    )
    invoice = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=2**53,
        help_text="the invoice to pay (its id in `invoices`); may be left out while only one "
        "invoice of the order waits",
    )
    sp2d_number = serializers.CharField(
        max_length=SP2D_LENGTH, allow_blank=True, required=False, default=""
    )
    sp2d_date = serializers.DateField(required=False, allow_null=True, default=None)

    def problems(self, values: dict) -> dict:
        return pay_problems(self.order, values)


class RefundInput(OrderInput):
    payment = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=2**53,
        help_text="the payment to refund (its id in `payments`); may be left out while the "
        "order has only one",
    )
    amount = serializers.IntegerField(min_value=1, help_text="rupiah, at most what is left")
    reason = serializers.CharField(max_length=NOTE_LENGTH, allow_blank=True)

    def problems(self, values: dict) -> dict:
        payment, problems = payment_made(self.order, values.get("payment"))
        return (
            problems
            | refund_problems(payment, amount=values.get("amount"), reason=values.get("reason"))[1]
        )
