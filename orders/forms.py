"""Page forms of the orders app. They read what people type; the rules are in orders.services,
and a service's refusal is shown on these forms field by field (market.forms)."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from market.bounds import format_number
from market.forms import required_by_service
from market.money import format_rupiah
from market.selectors import people_of_department
from orders.models import Export, OrderLine, PaymentStatus
from orders.services.payments import refundable
from procurement.reports import GROUPS
from procurement.selectors import budget_lines_of_department

QUANTITY_INPUT = {"inputmode": "decimal", "autocomplete": "off", "class": "qty"}


def date_input(**attrs) -> forms.DateInput:
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date", **attrs})


def text_area(rows: int = 2) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class QuantityField(forms.CharField):
    """A quantity as typed ("12,5" or "12.5"); the service parses it and says what is wrong,
    a missing one included (so it is never labelled optional)."""

    required_by_service = True

    def __init__(self, **kwargs):
        super().__init__(required=False, max_length=30, **kwargs)
        self.widget.attrs.update(QUANTITY_INPUT)


class BudgetLineChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, line):
        return _("%(code)s %(name)s — %(available)s available") % {
            "code": line.account_code,
            "name": line.name,
            "available": format_rupiah(line.available_amount),
        }


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user.display_name


class AddToCartForm(forms.Form):
    quantity = QuantityField(label=_("Quantity"))


class CartQuantitiesForm(forms.Form):
    """The cart's quantities, one field per product: `quantities-<product id>`."""

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        for item in items:
            self.fields[f"quantities-{item.product_id}"] = QuantityField(
                label=_("Quantity of %(product)s") % {"product": item.product.name},
                initial=f"{item.quantity.normalize():f}",
            )

    def quantities(self) -> dict[int, str]:
        return {
            int(name.removeprefix("quantities-")): (self.data.get(name) or "").strip()
            for name in self.fields
        }


class CheckoutForm(forms.Form):
    budget_line = BudgetLineChoiceField(
        label=_("Budget line"), queryset=None, empty_label=_("Choose a budget line")
    )
    approver = PersonChoiceField(
        label=_("Commitment officer (PPK)"), queryset=None, empty_label=_("Choose the PPK")
    )
    delivery_address = forms.CharField(label=_("Delivery address"), widget=text_area())
    delivery_date = forms.DateField(label=_("Delivery date"), widget=date_input())
    notes = forms.CharField(label=_("Notes"), required=False, widget=text_area())

    def __init__(self, *args, department, fiscal_year, vendors=(), **kwargs):
        super().__init__(*args, **kwargs)
        lines = budget_lines_of_department(department, fiscal_year=fiscal_year)
        self.fields["budget_line"].queryset = lines
        self.fields["approver"].queryset = people_of_department(department, "approver")
        self.fields["delivery_address"].initial = department.address
        self.fields["delivery_date"].initial = timezone.localdate() + datetime.timedelta(days=7)
        # A cart of rice and uniforms may be charged to two lines: one choice per vendor.
        if len(vendors) > 1:
            for vendor in vendors:
                self.fields[f"budget_lines-{vendor.pk}"] = BudgetLineChoiceField(
                    label=_("Budget line for %(vendor)s") % {"vendor": vendor.display_name},
                    queryset=lines,
                    required=False,
                    empty_label=_("The same as above"),
                )

    @property
    def has_approver(self) -> bool:
        return self.fields["approver"].queryset.exists()

    def service_values(self, values: dict) -> dict:
        """The checkout service's arguments from the cleaned values."""
        by_vendor = {
            int(name.removeprefix("budget_lines-")): line
            for name, line in values.items()
            if name.startswith("budget_lines-") and line is not None
        }
        return {
            "budget_line": values.get("budget_line"),
            "budget_lines_by_vendor": by_vendor,
            "approver": values.get("approver"),
            "delivery_address": values.get("delivery_address") or "",
            "delivery_date": values.get("delivery_date"),
            "notes": values.get("notes") or "",
        }


class StandingOrderForm(forms.Form):
    name = forms.CharField(label=_("Name"))
    product = forms.IntegerField(label=_("Product number"), widget=forms.HiddenInput)
    quantity = QuantityField(label=_("Quantity each month"))
    budget_line = BudgetLineChoiceField(
        label=_("Budget line"), queryset=None, empty_label=_("Choose a budget line")
    )
    approver = PersonChoiceField(
        label=_("Commitment officer (PPK)"), queryset=None, empty_label=_("Choose the PPK")
    )
    day_of_month = forms.IntegerField(
        label=_("Day of the month"), widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )
    start_date = forms.DateField(label=_("Start"), widget=date_input())
    end_date = forms.DateField(label=_("End"), widget=date_input())
    delivery_address = forms.CharField(label=_("Delivery address"), widget=text_area())

    error_fields = {"items": "quantity"}  # the service checks the one product as its items

    def __init__(self, *args, department, fiscal_year, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["budget_line"].queryset = budget_lines_of_department(
            department, fiscal_year=fiscal_year
        )
        self.fields["approver"].queryset = people_of_department(department, "approver")
        self.fields["delivery_address"].initial = department.address
        if fiscal_year is not None:
            self.fields["end_date"].initial = datetime.date(fiscal_year.year, 12, 31)
        self.fields["start_date"].initial = timezone.localdate()


# The input of each order action. Fields made of parts (quantities per order line) are named
# "<field>-<part>", as the services name their errors.


class ReasonForm(forms.Form):
    reason = required_by_service(
        forms.CharField(label=_("Reason"), widget=text_area(), required=False)
    )


class _LinesForm(forms.Form):
    """Quantities per order line: `quantities-<line id>`."""

    left_label = ""

    def __init__(self, *args, order, lines: list[OrderLine], **kwargs):
        super().__init__(*args, **kwargs)
        self.order = order
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

    def left(self, line) -> str:
        return _left(
            _("%(quantity)s %(unit)s shipped, not yet received"),
            line.shipped_quantity - line.received_quantity,
            line.get_unit_display(),
        )


class PayForm(forms.Form):
    """A treasury transfer of one invoice (the page shows one form per invoice waiting)."""

    invoice = forms.IntegerField(widget=forms.HiddenInput)
    sp2d_number = forms.CharField(label=_("SP2D number"))
    sp2d_date = forms.DateField(label=_("SP2D date"), widget=date_input())

    def __init__(self, *args, invoice, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["invoice"].initial = invoice.pk
        self.fields["sp2d_date"].initial = timezone.localdate()


class RefundForm(forms.Form):
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
        self.fields["payment"].initial = payment.pk
        self.fields["amount"].help_text = _(
            "At most %(most)s. A card payment is refunded through the card provider; a "
            "treasury transfer back is recorded here once it is made."
        ) % {"most": format_rupiah(refundable(payment))}


ACTION_FORMS = {
    "reject": ReasonForm,
    "cancel": ReasonForm,
    "decline": ReasonForm,
    "close_short": ReasonForm,
    "refund": RefundForm,
    "ship": ShipForm,
    "receive": ReceiveForm,
    "pay": PayForm,
}


def action_parts(action_name: str, order) -> list:
    """What one action acts on, each with a form of its own: every invoice waiting (pay), every
    payment with something left to refund (refund); [None] for an action on the whole order."""
    if action_name == "pay":
        return list(order.invoices.unpaid().order_by("pk"))
    if action_name == "refund":
        paid = order.payments.filter(status=PaymentStatus.SUCCEEDED).select_related("invoice")
        return [payment for payment in paid.order_by("pk") if refundable(payment) > 0]
    return [None]


def action_prefix(action_name: str, part=None) -> str:
    return action_name if part is None else f"{action_name}-{part.pk}"


def action_form(action_name: str, *, order, lines, user, data=None, part=None) -> forms.Form:
    """The form of one action on one order (and one invoice or payment of it), bound to `data`
    when it was posted."""
    form_class = ACTION_FORMS.get(action_name, forms.Form)
    options = {"prefix": action_prefix(action_name, part)}
    if issubclass(form_class, _LinesForm):
        options.update(order=order, lines=lines)
    if form_class is ReceiveForm:
        options["user"] = user
    if form_class is PayForm:
        options["invoice"] = part
    if form_class is RefundForm:
        options["payment"] = part
    return form_class(data, **options)


def confirmation(action_name: str, *, order, part=None, preview=None) -> dict | None:
    """What the page asks before an action that cannot be undone, with the amount at stake:
    {"question", "yes"}; None for an action that needs no confirmation."""
    facts = {
        "number": order.number,
        "amount": format_rupiah(order.total),
        "vendor": order.vendor.display_name,
        "department": order.department.name,
    }
    if action_name == "approve":
        question = _(
            "Approve order %(number)s of %(amount)s from %(vendor)s? The vendor is told at "
            "once and the amount stays committed on the budget line."
        )
        yes = _("Yes, approve %(amount)s")
    elif action_name == "reject":
        question = _(
            "Reject order %(number)s of %(amount)s? The requester is told your reason, and the "
            "budget and stock it held are given back. This cannot be undone."
        )
        yes = _("Yes, reject the order")
    elif action_name == "cancel":
        question = _(
            "Cancel order %(number)s of %(amount)s? The budget and stock it held are given "
            "back, and everyone in it is told. This cannot be undone."
        )
        yes = _("Yes, cancel the order")
    elif action_name == "decline":
        question = _(
            "Decline order %(number)s of %(amount)s from %(department)s? The department is "
            "told your reason. This cannot be undone."
        )
        yes = _("Yes, decline the order")
    elif action_name == "invoice":
        facts.update(
            amount=format_rupiah(preview.amount),
            receipts=", ".join(preview.receipts),
            left=format_rupiah(preview.left),
        )
        if preview.final:
            question = _(
                "Send an invoice of %(amount)s for what was received (%(receipts)s)? It is the "
                "final invoice of order %(number)s: everything due has been received."
            )
        else:
            question = _(
                "Send an invoice of %(amount)s for what was received so far (%(receipts)s)? The "
                "rest of order %(number)s, worth %(left)s, can still be shipped and billed "
                "later."
            )
        yes = _("Yes, send the invoice of %(amount)s")
    elif action_name == "pay":
        facts.update(
            invoice=part.number,
            amount=format_rupiah(part.amount),
            bank=part.bank_name,
            account=part.bank_account_number,
            holder=part.bank_account_holder,
        )
        question = _(
            "Record invoice %(invoice)s as paid: %(amount)s by treasury transfer to %(bank)s "
            "%(account)s in the name of %(holder)s? This cannot be undone."
        )
        yes = _("Yes, record the payment of %(amount)s")
    elif action_name == "close_short":
        question = _(
            "Close order %(number)s short? What was not shipped is cancelled, its budget and "
            "stock given back, and the vendor is told. This cannot be undone."
        )
        yes = _("Yes, close the order short")
    elif action_name == "refund":
        facts["most"] = format_rupiah(refundable(part))
        question = _(
            "Refund the amount you entered (at most %(most)s) of this payment? A card payment "
            "is given back through the card provider at once. This cannot be undone."
        )
        yes = _("Yes, refund")
    else:
        return None
    return {"question": question % facts, "yes": yes % facts}


def service_values(form: forms.Form, values: dict) -> dict:
    adapt = getattr(form, "service_values", None)
    return adapt(values) if adapt else values


class ExportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What"), choices=Export.Kind.choices)
    file_format = forms.ChoiceField(label=_("Format"), choices=Export.Format.choices)
    fiscal_year = forms.IntegerField(
        label=_("Fiscal year"), widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )
    department = forms.ChoiceField(label=_("Department"), required=False)
    group_by = forms.ChoiceField(
        label=_("Spend broken down by"),
        required=False,
        choices=[(name, label) for name, label in GROUPS.items()],
    )

    def __init__(self, *args, departments, fiscal_year=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [
            ("", _("All departments you may see")),
            *((d.code, f"{d.code} — {d.name}") for d in departments),
        ]
        if fiscal_year is not None:
            self.fields["fiscal_year"].initial = fiscal_year.year


class PurchaseFilterForm(forms.Form):
    """The public list of purchases: which year, department, district, vendor and month."""

    year = forms.TypedChoiceField(label=_("Fiscal year"), coerce=int, required=False)
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=None, to_field_name="code", required=False
    )
    district = forms.ModelChoiceField(
        label=_("District"), queryset=None, to_field_name="code", required=False
    )
    vendor_name = forms.CharField(label=_("Vendor name"), max_length=100, required=False)
    month = forms.TypedChoiceField(
        label=_("Month"),
        choices=[("", _("All months")), *MONTHS.items()],
        coerce=int,
        required=False,
        empty_value=None,
    )

    def __init__(self, *args, years, departments, districts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, str(year)) for year in years]
        for name, choices, everything in (
            ("department", departments, _("All departments")),
            ("district", districts, _("All districts")),
        ):
            self.fields[name].queryset = choices
            self.fields[name].empty_label = everything
