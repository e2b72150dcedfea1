"""Page forms of mini-competitions; the rules are quotes.services', whose problems functions
these forms ask with their own checks (market.forms.ServiceForm)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.models import Category, Unit
from market.bounds import ADDRESS_LENGTH, MAX_RUPIAH, NOTE_LENGTH, TITLE_LENGTH
from market.forms import ServiceForm
from market.models import DepartmentRole, User, Village
from procurement.selectors import budget_lines_of_department, fiscal_year_current
from quotes import services


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, person):
        return person.get_full_name() or person.username


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, category):
        return category.display_name


class QuoteForm(ServiceForm):
    """A new mini-competition of the requester's department."""

    title = forms.CharField(label=_("What is needed"), max_length=TITLE_LENGTH)
    category = CategoryChoiceField(
        label=_("Category"), queryset=Category.objects.filter(parent__isnull=False)
    )
    description = forms.CharField(
        label=_("Description"), max_length=NOTE_LENGTH, required=False, widget=forms.Textarea
    )
    quantity = forms.DecimalField(label=_("Quantity"), max_digits=12, decimal_places=3, min_value=0)
    unit = forms.ChoiceField(label=_("Unit"), choices=Unit.choices)
    delivery_village = forms.ModelChoiceField(
        label=_("Deliver to (village)"),
        queryset=Village.objects.select_related("district").order_by("district__name", "name"),
    )
    delivery_address = forms.CharField(label=_("Delivery address"), max_length=ADDRESS_LENGTH)
    delivery_date = forms.DateField(
        label=_("Delivery date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    budget_line = forms.ModelChoiceField(label=_("Budget line"), queryset=None)
    approver = PersonChoiceField(label=_("PPK who approves the award"), queryset=None)
    estimated_unit_price = forms.IntegerField(
        label=_("Estimated unit price (HPS)"),
        min_value=1,
        max_value=MAX_RUPIAH,
        help_text=_("Vendors never see it; offers above it are marked at opening."),
    )
    closes_at = forms.DateTimeField(
        label=_("Closes at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    def __init__(self, *args, department, requester, **kwargs):
        super().__init__(*args, **kwargs)
        self.department, self.requester = department, requester
        self.fields["budget_line"].queryset = budget_lines_of_department(
            department, fiscal_year=fiscal_year_current()
        )
        self.fields["approver"].queryset = (
            User.objects.filter(
                memberships__department=department,
                memberships__role=DepartmentRole.APPROVER,
                is_active=True,
            )
            .exclude(pk=requester.pk)
            .order_by("username")
        )

    def problems(self, values: dict) -> dict:
        return services.quote_problems(
            requester=self.requester, values={**values, "department": self.department}
        )


class ExtendForm(forms.Form):
    closes_at = forms.DateTimeField(
        label=_("New closing time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=NOTE_LENGTH, widget=forms.Textarea)


class ProposeForm(forms.Form):
    offer = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reason = forms.CharField(
        label=_("Reason (when not the first ranked)"),
        max_length=NOTE_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class OfferForm(ServiceForm):
    """A vendor's sealed offer: one of its products of the category, price, date, note."""

    product = forms.ModelChoiceField(label=_("Your product"), queryset=None)
    unit_price = forms.IntegerField(
        label=_("Unit price (Rp)"),
        min_value=1,
        max_value=MAX_RUPIAH,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    delivery_date = forms.DateField(
        label=_("You deliver on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=NOTE_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, vendor, quote, products, **kwargs):
        super().__init__(*args, **kwargs)
        self.vendor, self.quote = vendor, quote
        self.fields["product"].queryset = products

    def problems(self, values: dict) -> dict:
        return services.offer_problems(vendor=self.vendor, quote=self.quote, values=values)
