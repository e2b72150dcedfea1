import pytest
from django import forms
from django.urls import reverse

from catalog.models import Category, Product
from market.models import DepartmentRole
from tests.factories import ProductFactory, VendorFactory, member, vendor_member
from tests.images import image_file

pytestmark = pytest.mark.django_db


def test_catalogue_page_searches_and_filters(login):
    ProductFactory(name="Beras lokal premium", search_document="Beras lokal premium")
    ProductFactory(name="Besek bambu", search_document="Besek bambu", unit_price=5_000)
    client = login(member(DepartmentRole.REQUESTER))

    page = client.get(reverse("catalogue"), {"search": "bras"}).content.decode()
    assert "Beras lokal premium" in page and "Besek bambu" not in page
    assert "Rp15.000" in page
    cheap = client.get(reverse("catalogue"), {"max_price": "6000"}).content.decode()
    assert "Besek bambu" in cheap and "Beras lokal premium" not in cheap
    bad = client.get(reverse("catalogue"), {"min_price": "murah"})
    assert bad.status_code == 200  # the form shows the error; no 500


def test_the_catalogue_is_filtered_by_the_vendors_name_not_its_number(login):
    tailor = ProductFactory(name="Seragam batik", vendor=VendorFactory(legal_name="Kopwan Jahit"))
    ProductFactory(name="Beras lokal", vendor=VendorFactory(legal_name="UD Padang Tikar"))
    client = login(member(DepartmentRole.REQUESTER))
    page = client.get(reverse("catalogue"))
    form = page.context["filter"].form
    assert isinstance(form.fields["vendor_name"].widget, forms.TextInput)
    assert "vendor" not in form.fields  # no field asking for a vendor's id
    content = page.content.decode()
    assert '<label for="id_vendor_name">Nama penyedia</label>' in content
    found = client.get(reverse("catalogue"), {"vendor_name": "jahit"}).content.decode()
    assert tailor.name in found and "Beras lokal" not in found


@pytest.mark.parametrize("count", [10, 100])
def test_catalogue_page_runs_a_bounded_number_of_queries(
    login, django_assert_max_num_queries, count
):
    vendors = [VendorFactory() for _ in range(4)]
    for n in range(count):
        ProductFactory(vendor=vendors[n % 4])
    client = login(member(DepartmentRole.REQUESTER))
    with django_assert_max_num_queries(14):
        assert client.get(reverse("catalogue")).status_code == 200


def test_product_page_hides_products_buyers_may_not_see(login):
    hidden = ProductFactory(vendor=VendorFactory(status="suspended"))
    shown = ProductFactory()
    client = login(member(DepartmentRole.REQUESTER))
    assert client.get(reverse("product-detail", args=[hidden.pk])).status_code == 404
    assert shown.name in client.get(reverse("product-detail", args=[shown.pk])).content.decode()


def test_a_vendor_adds_a_product_and_a_photo_on_its_pages(
    login, django_capture_on_commit_callbacks
):
    owner = vendor_member()
    client = login(owner)
    response = client.post(
        reverse("vendor-product-new"),
        {
            "name": "Besek tutup",
            "category": Category.objects.get(slug="besek").pk,
            "unit": "pcs",
            "unit_price": "5500",
            "stock": "2000",
            "lead_time_days": "1",
            "minimum_order": "50",
            "tkdn_percent": "100",
            "is_active": "on",
        },
    )
    product = Product.objects.get(name="Besek tutup")
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("vendor-product-edit", args=[product.pk]), {"image": image_file()})
    assert product.images.get().thumbnail

    edit = client.get(reverse("vendor-product-edit", args=[product.pk])).content.decode()
    assert 'value="2000"' in edit  # quantities are shown plainly, not as 2000.000


def test_a_product_form_names_type_and_rule_problems_together_without_the_service(login, calls_of):
    """A price that is no number and a TKDN above 100 are named in one answer: the form
    checks its types and the service's field rules at once, and the service never runs."""
    from catalog import services

    creating = calls_of(services, "product_create")
    response = login(vendor_member()).post(
        reverse("vendor-product-new"),
        {
            "name": "Besek tutup",
            "category": Category.objects.get(slug="besek").pk,
            "unit": "pcs",
            "unit_price": "murah",
            "stock": "-5",
            "lead_time_days": "1",
            "minimum_order": "50",
            "tkdn_percent": "150",
        },
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"unit_price", "stock", "tkdn_percent"}
    assert creating == [] and not Product.objects.exists()


def test_a_vendor_cannot_open_another_vendors_product(login):
    other = ProductFactory()
    client = login(vendor_member())
    assert client.get(reverse("vendor-product-edit", args=[other.pk])).status_code == 404
    client.post(reverse("vendor-product-edit", args=[other.pk]), {"name": "Diubah"})
    other.refresh_from_db()
    assert other.name != "Diubah"
