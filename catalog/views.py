"""Pages of the catalogue: buyers' search, product pages, and the vendor's own catalogue."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from catalog import services
from catalog.filters import CatalogueFilter
from catalog.forms import ImageForm, ProductForm, plain_number
from catalog.models import PriceChange
from catalog.selectors import products_for_buyers, products_of_vendor_for
from market.errors import DomainError
from market.forms import run_form, show_domain_error
from market.models import DepartmentRole
from market.permissions import departments_where
from market.rest import CountKeptPaginator
from vendors.permissions import own_vendor_or_404


@login_required
def catalogue(request):
    product_filter = CatalogueFilter(request.GET or None, queryset=products_for_buyers())
    products = product_filter.qs if product_filter.is_bound else products_for_buyers()
    page = CountKeptPaginator(products, 24).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "catalog/catalogue.html",
        {"filter": product_filter, "page": page, "query": query.urlencode()},
    )


@login_required
def product_detail(request, pk):
    product = get_object_or_404(products_for_buyers(), pk=pk)
    can_order = departments_where(request.user, DepartmentRole.REQUESTER).exists()
    return render(
        request, "catalog/product_detail.html", {"product": product, "can_order": can_order}
    )


@login_required
def vendor_products(request):
    own_vendor_or_404(request.user)
    page = Paginator(products_of_vendor_for(request.user).order_by("name", "id"), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "catalog/vendor_products.html", {"page": page})


@login_required
def vendor_product_edit(request, pk=None):
    vendor = own_vendor_or_404(request.user)
    product = get_object_or_404(products_of_vendor_for(request.user), pk=pk) if pk else None
    initial = (
        {field: plain_number(getattr(product, field)) for field in services.EDITABLE_FIELDS}
        if product
        else None
    )
    form = ProductForm(request.POST if "name" in request.POST else None, initial=initial)
    image_form = ImageForm()
    if request.method == "POST" and "image" in request.FILES and product:
        image_form = ImageForm(request.POST, request.FILES)
        if image_form.is_valid():
            try:
                services.product_image_add(
                    product=product, upload=image_form.cleaned_data["image"], by=request.user
                )
            except DomainError as error:
                show_domain_error(request, error, image_form)
            else:
                messages.success(request, _("Photo added."))
                return redirect("vendor-product-edit", pk=product.pk)
    elif form.is_bound:
        try:
            product = run_form(
                form,
                lambda values: (
                    services.product_update(product=product, by=request.user, **values)
                    if product
                    else services.product_create(vendor=vendor, by=request.user, **values)
                ),
            )
        except DomainError as error:
            show_domain_error(request, error, form)
        else:
            messages.success(request, _("Product saved."))
            return redirect("vendor-product-edit", pk=product.pk)
    context = {
        "product": product,
        "form": form,
        "image_form": image_form,
        "price_changes": PriceChange.objects.filter(product=product)[:20] if product else [],
    }
    return render(request, "catalog/vendor_product_edit.html", context)
