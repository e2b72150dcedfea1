"""Page forms of the orders app; the rules themselves are in orders.services."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from market.models import DepartmentRole, User
from procurement.models import BudgetLine


class CheckoutForm(forms.Form):
    budget_line = forms.ModelChoiceField(label=_("Budget line"), queryset=BudgetLine.objects.none())
    approver = forms.ModelChoiceField(
        label=_("Commitment officer (PPK)"), queryset=User.objects.none()
    )
    delivery_address = forms.CharField(
        label=_("Delivery address"), widget=forms.Textarea(attrs={"rows": 2})
    )
    delivery_date = forms.DateField(
        label=_("Delivery date"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, department, fiscal_year, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["budget_line"].queryset = BudgetLine.objects.filter(
            department=department, fiscal_year=fiscal_year
        ).order_by("account_code")
        self.fields["budget_line"].label_from_instance = lambda line: (
            f"{line.account_code} {line.name}"
        )
        self.fields["approver"].queryset = User.objects.filter(
            memberships__department=department,
            memberships__role=DepartmentRole.APPROVER,
            is_active=True,
        ).distinct()
        self.fields["approver"].label_from_instance = lambda user: user.display_name
        self.fields["delivery_address"].initial = department.address
        self.fields["delivery_date"].initial = timezone.localdate() + datetime.timedelta(days=7)


class AddToCartForm(forms.Form):
    quantity = forms.DecimalField(label=_("Quantity"), max_digits=12, decimal_places=3)


class StandingOrderForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    product = forms.IntegerField(label=_("Product number"), widget=forms.HiddenInput)
    quantity = forms.DecimalField(label=_("Quantity each month"), max_digits=12, decimal_places=3)
    budget_line = forms.ModelChoiceField(label=_("Budget line"), queryset=BudgetLine.objects.none())
    approver = forms.ModelChoiceField(
        label=_("Commitment officer (PPK)"), queryset=User.objects.none()
    )
    day_of_month = forms.IntegerField(label=_("Day of the month"), min_value=1, max_value=28)
    start_date = forms.DateField(
        label=_("Start"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    end_date = forms.DateField(
        label=_("End"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    delivery_address = forms.CharField(
        label=_("Delivery address"), widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, department, fiscal_year, **kwargs):
        super().__init__(*args, **kwargs)
        checkout = CheckoutForm(department=department, fiscal_year=fiscal_year)
        for name in ("budget_line", "approver"):
            self.fields[name] = checkout.fields[name]
        self.fields["delivery_address"].initial = department.address
