"""Page forms of the vendor's catalogue; the rules themselves are in catalog.services."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.models import Category, Unit


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, category):
        return (
            f"{category.parent.display_name} / {category.display_name}"
            if category.parent_id
            else category.display_name
        )


class ProductForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    category = CategoryChoiceField(
        label=_("Category"), queryset=Category.objects.select_related("parent")
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    unit = forms.ChoiceField(label=_("Unit"), choices=Unit.choices)
    unit_price = forms.IntegerField(label=_("Unit price (Rp)"), min_value=1)
    made_to_order = forms.BooleanField(label=_("Made to order"), required=False)
    stock = forms.DecimalField(
        label=_("Stock"), min_value=0, max_digits=12, decimal_places=3, initial=0
    )
    lead_time_days = forms.IntegerField(
        label=_("Lead time (days)"), min_value=0, max_value=365, initial=0
    )
    minimum_order = forms.DecimalField(
        label=_("Minimum order"),
        min_value=Decimal("0.001"),
        max_digits=12,
        decimal_places=3,
        initial=1,
    )
    tkdn_percent = forms.DecimalField(
        label=_("TKDN %"), min_value=0, max_value=100, max_digits=5, decimal_places=2, initial=0
    )
    is_active = forms.BooleanField(label=_("Shown to buyers"), required=False, initial=True)


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
