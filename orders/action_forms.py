"""The page forms of the order actions (orders.actions names each action's). Each checks its
fields, and the action's field rules (orders.rules) that its service checks again under its
locks, so that one answer names every problem (market.forms.ServiceForm); and the question a
page asks, with the amount at stake, before what cannot be undone."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from market.bounds import format_number
from market.forms import ServiceForm, required_by_service
from market.money import format_rupiah
from orders.fields import QuantityField, date_input, text_area
from orders.models import Invoice, OrderLine, Payment
from orders.rules import (
    pay_problems,
    reason_problems,
    receipt_problems,
    refund_problems,
    shipment_problems,
)

# Fields made of parts (quantities per order line) are named "<field>-<part>", as the rules name
# their problems.


class ReasonForm(ServiceForm):
    reason = required_by_service(
        forms.CharField(label=_("Reason"), widget=text_area(), required=False)
    )

    def problems(self, values: dict) -> dict:
        return reason_problems(values.get("reason"))


class _LinesForm(ServiceForm):
    """Quantities per order line: `quantities-<line id>`."""

    left_label = ""

    def __init__(self, *args, order, lines: list[OrderLine], **kwargs):
        super().__init__(*args, **kwargs)
        self.order, self.lines = order, lines
        for line in lines:
            self.fields[f"quantities-{line.pk}"] = QuantityField(
                label=f"{line.product_name} ({line.get_unit_display()})", help_text=self.left(line)
            )

    def left(self, line) -> str:
        return ""

    def service_values(self, values: dict) -> dict:
        quantities = {
            name.removeprefix("quantities-"): (self.data.get(self.add_prefix(name)) or "").strip()
            for name in self.fields
            if name.startswith("quantities-")
        }
        rest = {name: value for name, value in values.items() if not name.startswith("quantities-")}
        return {"quantities": {key: value for key, value in quantities.items() if value}, **rest}


def _left(text, quantity, unit) -> str:
    return text % {"quantity": format_number(quantity), "unit": unit}


class ShipForm(_LinesForm):
    note = forms.CharField(label=_("Note for the receiver"), required=False, widget=text_area())

    def problems(self, values: dict) -> dict:
        return shipment_problems(self.lines, **self.service_values(values))[1]

    def left(self, line) -> str:
        return _left(
            _("%(quantity)s %(unit)s left to ship"),
            line.quantity - line.shipped_quantity,
            line.get_unit_display(),
        )


class ReceiveForm(_LinesForm):
    received_on = forms.DateField(label=_("Received on"), widget=date_input())
    signed_by_name = forms.CharField(label=_("Signed by (name)"))
    condition = forms.CharField(
        label=_("Condition of the goods"),
        required=False,
        widget=text_area(),
        help_text=_("Damage or shortfall you found, to be written into the BAST."),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["received_on"].initial = timezone.localdate()
        if user is not None:
            self.fields["signed_by_name"].initial = user.display_name

    def problems(self, values: dict) -> dict:
        values = self.service_values(values)
        return receipt_problems(
            self.order,
            self.lines,
            quantities=values["quantities"],
            received_on=values.get("received_on"),
            signed_by_name=values.get("signed_by_name"),
            condition=values.get("condition"),
        )[1]

    def left(self, line) -> str:
        return _left(
            _("%(quantity)s %(unit)s shipped, not yet received"),
            line.shipped_quantity - line.received_quantity,
            line.get_unit_display(),
        )


class PayForm(ServiceForm):
    """A treasury transfer of one invoice (the page shows one form per invoice waiting)."""

    invoice = forms.IntegerField(widget=forms.HiddenInput)
    sp2d_number = forms.CharField(label=_("SP2D number"))
    sp2d_date = forms.DateField(label=_("SP2D date"), widget=date_input())

    def __init__(self, *args, order, invoice, **kwargs):
        super().__init__(*args, **kwargs)
        self.order = order
        self.fields["invoice"].initial = invoice.pk
        self.fields["sp2d_date"].initial = timezone.localdate()

    def problems(self, values: dict) -> dict:
        return pay_problems(self.order, values)


class RefundForm(ServiceForm):
    """Money given back of one payment (one form per payment made)."""

    payment = forms.IntegerField(widget=forms.HiddenInput)
    amount = forms.IntegerField(
        label=_("Amount to refund (Rp)"),
        min_value=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    reason = required_by_service(
        forms.CharField(label=_("Reason"), widget=text_area(), required=False)
    )

    def __init__(self, *args, payment, **kwargs):
        super().__init__(*args, **kwargs)
        self.payment = payment
        self.fields["payment"].initial = payment.pk
        self.fields["amount"].help_text = _(
            "At most %(most)s. A card payment is refunded through the card provider; a "
            "treasury transfer back is recorded here once it is made."
        ) % {"most": format_rupiah(payment.refundable)}

    def problems(self, values: dict) -> dict:
        return refund_problems(
            self.payment, amount=values.get("amount"), reason=values.get("reason")
        )[1]


def action_prefix(action, part=None) -> str:
    return action.name if part is None else f"{action.name}-{part.pk}"


def action_form(action, *, order, lines, user, data=None, part=None) -> forms.Form:
    """The page form of one action (orders.actions) on one order, and one invoice or payment of
    it, bound to `data` when it was posted."""
    form_class = action.form or forms.Form
    options = {"prefix": action_prefix(action, part)}
    if issubclass(form_class, _LinesForm):
        options.update(order=order, lines=lines)
    if form_class is ReceiveForm:
        options["user"] = user
    if form_class is PayForm:
        options.update(order=order, invoice=part)
    if form_class is RefundForm:
        options["payment"] = part
    return form_class(data, **options)


def confirmation(action, *, order, part=None, preview=None) -> dict | None:
    """The action's question before what cannot be undone and its Yes, filled with the amount
    at stake: {"question", "yes"}; None for an action that needs no confirmation."""
    if action.confirm is None:
        return None
    facts = {
        "number": order.number,
        "amount": format_rupiah(order.total),
        "vendor": order.vendor.display_name,
        "department": order.department.name,
    }
    if preview is not None:  # an invoice to send
        rest = (
            _("It is the final invoice of order %(number)s: everything due has been received.")
            if preview.final
            else _(
                "The rest of order %(number)s, worth %(left)s, can still be shipped and billed "
                "later."
            )
        )
        facts.update(
            amount=format_rupiah(preview.amount),
            receipts=", ".join(preview.receipts),
            rest=rest % {"number": order.number, "left": format_rupiah(preview.left)},
        )
    if isinstance(part, Invoice):
        facts.update(
            invoice=part.number,
            amount=format_rupiah(part.amount),
            bank=part.bank_name,
            account=part.bank_account_number,
            holder=part.bank_account_holder,
        )
    if isinstance(part, Payment):
        facts["most"] = format_rupiah(part.refundable)
    return {"question": action.confirm.question % facts, "yes": action.confirm.yes % facts}


def service_values(form: forms.Form, values: dict) -> dict:
    adapt = getattr(form, "service_values", None)
    return adapt(values) if adapt else values
