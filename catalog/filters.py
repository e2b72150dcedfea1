"""The buyers' product filters: one FilterSet for the catalogue page (its form) and the API."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from catalog.models import Category, Product
from catalog.selectors import product_filter
from market.bounds import MAX_RUPIAH
from market.models import District
from vendors.models import Scale


@extend_schema_field(OpenApiTypes.STR)
class CodeChoiceFilter(filters.ModelChoiceFilter):
    """Chooses a row by its code or slug; the API documents it as that string."""


class YesNoFilter(filters.BooleanFilter):
    """Yes, no, or (empty) all: the page's select says "All", not "Unknown"."""

    def __init__(self, *args, **kwargs):
        choices = [("", _("All")), ("true", _("Yes")), ("false", _("No"))]
        super().__init__(*args, widget=forms.Select(choices=choices), **kwargs)


class ProductFilter(filters.FilterSet):
    search = filters.CharFilter(label=_("Search"), max_length=100)
    vendor = filters.NumberFilter(label=_("Vendor"), min_value=1, max_value=2**53)
    vendor_name = filters.CharFilter(
        label=_("Vendor name"), max_length=100, help_text=_("Part of its name is enough.")
    )
    category = CodeChoiceFilter(
        label=_("Category"),
        queryset=Category.objects.order_by("position", "name"),
        to_field_name="slug",
        empty_label=_("All categories"),
    )
    district = CodeChoiceFilter(
        label=_("District"),
        queryset=District.objects.all(),
        to_field_name="code",
        empty_label=_("All districts"),
    )
    scale = filters.ChoiceFilter(label=_("Scale"), choices=Scale.choices, empty_label=_("All"))
    local = YesNoFilter(label=_("Local business"))
    priority_area = YesNoFilter(label=_("Priority village"))
    women_led = YesNoFilter(label=_("Women-led"))
    cooperative = YesNoFilter(label=_("Cooperative"))
    min_price = filters.NumberFilter(label=_("Lowest price"), min_value=0, max_value=MAX_RUPIAH)
    max_price = filters.NumberFilter(label=_("Highest price"), min_value=0, max_value=MAX_RUPIAH)
    in_stock = YesNoFilter(label=_("In stock"))
    ordering = filters.ChoiceFilter(
        label=_("Sort by"),
        empty_label=_("Best match"),
        choices=[
            ("price", _("Price, lowest first")),
            ("-price", _("Price, highest first")),
            ("name", _("Name")),
            ("newest", _("Newest")),
            ("best_rated", _("Best rated vendors")),
        ],
    )

    class Meta:
        model = Product
        fields: list[str] = []

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        district = data.get("district")
        return product_filter(
            queryset,
            search=data.get("search") or "",
            category=data.get("category"),
            vendor=int(data["vendor"]) if data.get("vendor") is not None else None,
            vendor_name=data.get("vendor_name") or "",
            min_price=int(data["min_price"]) if data.get("min_price") is not None else None,
            max_price=int(data["max_price"]) if data.get("max_price") is not None else None,
            in_stock=data.get("in_stock"),
            ordering=data.get("ordering") or "",
            district=district.code if district else None,
            scale=data.get("scale") or None,
            local=data.get("local"),
            priority_area=data.get("priority_area"),
            women_led=data.get("women_led"),
            cooperative=data.get("cooperative"),
        )


class CatalogueFilter(ProductFilter):
    """The catalogue page's filters: a vendor is chosen by its name, as people know it (the API
    also takes its id)."""

    vendor = None
