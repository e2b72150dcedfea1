"""Page forms of the vendor's catalogue; the rules themselves are in catalog.services, whose
problems function the product form asks with its own checks (market.forms.ServiceForm)."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.models import Category, Unit
from catalog.pricing import price_ceiling
from catalog.services import product_problems
from market.forms import ServiceForm
from market.money import format_rupiah


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, category):
        return (
            f"{category.parent.display_name} / {category.display_name}"
            if category.parent_id
            else category.display_name
        )


NUMERIC = {"inputmode": "numeric", "autocomplete": "off"}
DECIMAL = {"inputmode": "decimal", "autocomplete": "off"}


class ProductForm(ServiceForm):
    """The types here; the bounds are catalog.services', named with them, all at once."""

    name = forms.CharField(label=_("Name"))
    category = CategoryChoiceField(
        label=_("Category"), queryset=Category.objects.select_related("parent")
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    unit = forms.ChoiceField(label=_("Unit"), choices=Unit.choices)
    unit_price = forms.IntegerField(
        label=_("Unit price (Rp)"), widget=forms.NumberInput(attrs=NUMERIC)
    )
    made_to_order = forms.BooleanField(label=_("Made to order"), required=False)
    stock = forms.DecimalField(label=_("Stock"), initial=0, widget=forms.TextInput(attrs=DECIMAL))
    lead_time_days = forms.IntegerField(
        label=_("Lead time (days)"), initial=0, widget=forms.NumberInput(attrs=NUMERIC)
    )
    minimum_order = forms.DecimalField(
        label=_("Minimum order"), initial=1, widget=forms.TextInput(attrs=DECIMAL)
    )
    tkdn_percent = forms.DecimalField(
        label=_("TKDN %"), initial=0, widget=forms.TextInput(attrs=DECIMAL)
    )
    is_active = forms.BooleanField(label=_("Shown to buyers"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit_price"].help_text = _(
            "Whole rupiah, at most %(ceiling)s (the ceiling of a direct purchase)."
        ) % {"ceiling": format_rupiah(price_ceiling())}

    def problems(self, values: dict) -> dict:
        return product_problems(values)


def plain_number(value):
    """400.000 (three decimals) would read as four hundred thousand in Indonesian: show 400."""
    if isinstance(value, Decimal):
        text = f"{value:f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    return value


class ImageForm(forms.Form):
    image = forms.FileField(
        label=_("Photo (JPEG, PNG or WebP, up to 10 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
