"""Page forms of the orders app. They read what people type; the rules are in orders.services,
and a service's refusal is shown on these forms field by field (market.forms)."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from market.bounds import NOTE_LENGTH, format_number
from market.errors import InvalidInput
from market.forms import ServiceForm
from market.money import format_rupiah
from market.selectors import people_of_department
from orders.fields import QuantityField, date_input, text_area
from orders.models import Export
from orders.services import negotiation
from orders.services.placing import Item, checkout_problems, parse_quantity
from orders.services.standing import standing_order_problems
from procurement.reports import GROUPS
from procurement.selectors import budget_lines_of_department


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


class CheckoutForm(ServiceForm):
    budget_line = BudgetLineChoiceField(
        label=_("Budget line"), queryset=None, empty_label=_("Choose a budget line")
    )
    approver = PersonChoiceField(
        label=_("Commitment officer (PPK)"), queryset=None, empty_label=_("Choose the PPK")
    )
    delivery_address = forms.CharField(label=_("Delivery address"), widget=text_area())
    delivery_date = forms.DateField(label=_("Delivery date"), widget=date_input())
    notes = forms.CharField(label=_("Notes"), required=False, widget=text_area())

    def __init__(self, *args, department, fiscal_year, by=None, vendors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.department, self.by = department, by
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

    def problems(self, values: dict) -> dict:
        return checkout_problems(
            requester=self.by, values={"department": self.department, **self.service_values(values)}
        )


class StandingOrderForm(ServiceForm):
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

    def __init__(self, *args, department, fiscal_year, by=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.department, self.by = department, by
        self.fields["budget_line"].queryset = budget_lines_of_department(
            department, fiscal_year=fiscal_year
        )
        self.fields["approver"].queryset = people_of_department(department, "approver")
        self.fields["delivery_address"].initial = department.address
        if fiscal_year is not None:
            self.fields["end_date"].initial = datetime.date(fiscal_year.year, 12, 31)
        self.fields["start_date"].initial = timezone.localdate()

    def service_values(self, values: dict) -> dict:
        """The standing order service's arguments from the cleaned values."""
        return {
            "department": self.department,
            "name": values.get("name") or "",
            "budget_line": values.get("budget_line"),
            "approver": values.get("approver"),
            "day_of_month": values.get("day_of_month"),
            "start_date": values.get("start_date"),
            "end_date": values.get("end_date"),
            "delivery_address": values.get("delivery_address") or "",
            "items": [Item(values["product"], _quantity_or_none(values.get("quantity")))]
            if values.get("product")
            else [],
        }

    def problems(self, values: dict) -> dict:
        return standing_order_problems(requester=self.by, values=self.service_values(values))


def _quantity_or_none(typed):
    try:
        return parse_quantity(typed)
    except InvalidInput:
        return None  # the service's rules say what is wrong with it


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

    def __init__(self, *args, departments, kinds, fiscal_year=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kinds
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


class TaxRegisterForm(forms.Form):
    """Which department's register, for which month (the treasurer's own departments)."""

    department = forms.ChoiceField(label=_("Department"))
    month = forms.DateField(
        label=_("Month"),
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        error_messages={"invalid": _("Give a month as YYYY-MM.")},
    )

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [
            (department.code, department.code) for department in departments
        ]

    def clean_month(self):
        month = self.cleaned_data["month"]
        if not datetime.date(2000, 1, 1) <= month <= datetime.date(2100, 12, 1):
            raise forms.ValidationError(_("Give a month between 2000 and 2100."))
        return month


PRICE_INPUT = {"inputmode": "numeric", "autocomplete": "off", "class": "qty"}


class NegotiationForm(ServiceForm):
    """One move of a price negotiation on the order's page (its prefix is the step's name):
    unit prices per line, `prices-<line id>`, for a proposal or a counter; the vendor's reason
    for keeping the listed price; and the round it answers, so that an answer to a round that
    moved on meanwhile is refused rather than taken blindly."""

    answering = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1, max_value=100
    )

    def __init__(self, *args, step, order, lines, view, **kwargs):
        super().__init__(*args, prefix=step.name, **kwargs)
        self.step, self.order, self.lines, self.view = step, order, lines, view
        last = view.last
        self.fields["answering"].initial = last.number if last else None
        if step.name == "negotiation_propose":
            standing = negotiation.standing_prices(order, view)
            for line in lines:
                self._price_field(
                    line,
                    help_text=_("Now %(price)s; leave empty to keep it.")
                    % {"price": format_rupiah(standing[line.pk])},
                )
        elif step.name == "negotiation_counter":
            for price in last.prices.all() if last else []:
                self._price_field(
                    price.line,
                    initial=price.proposed_price,
                    help_text=_("Proposed %(proposed)s; listed %(listed)s.")
                    % {
                        "proposed": format_rupiah(price.proposed_price),
                        "listed": format_rupiah(price.listed_price),
                    },
                )
        elif step.name == "negotiation_decline":
            self.fields["reason"] = forms.CharField(
                label=_("Why (told to the department)"),
                required=False,
                max_length=NOTE_LENGTH,
                widget=text_area(),
            )

    def _price_field(self, line, **kwargs) -> None:
        field = forms.CharField(
            label=_("%(product)s, unit price per %(unit)s (%(quantity)s %(unit)s)")
            % {
                "product": line.product_name,
                "unit": line.get_unit_display(),
                "quantity": format_number(line.quantity),
            },
            required=False,
            max_length=20,
            **kwargs,
        )
        field.widget.attrs.update(PRICE_INPUT)
        self.fields[f"prices-{line.pk}"] = field

    def service_values(self, values: dict) -> dict:
        kept = {}
        if self.step.name != "negotiation_withdraw":
            kept["answering"] = values.get("answering")
        if self.step.name in ("negotiation_propose", "negotiation_counter"):
            kept["prices"] = {
                name.removeprefix("prices-"): (values.get(name) or "").strip()
                for name in self.fields
                if name.startswith("prices-") and (values.get(name) or "").strip()
            }
        if self.step.name == "negotiation_decline":
            kept["reason"] = values.get("reason") or ""
        return kept

    def problems(self, values: dict) -> dict:
        values = self.service_values(values)
        if self.step.name == "negotiation_propose":
            return negotiation.proposal_problems(self.order, self.lines, values["prices"])[1]
        if self.step.name == "negotiation_counter":
            return negotiation.counter_problems(self.view.last, self.lines, values["prices"])[1]
        if self.step.name == "negotiation_decline":
            return negotiation.decline_problems(values["reason"])
        return {}
