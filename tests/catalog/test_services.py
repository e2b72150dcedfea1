import warnings
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone
from PIL import Image

from catalog.models import Category, PriceChange, Product, ProductImage, ProductWord
from catalog.services import (
    category_update,
    product_create,
    product_image_add,
    product_image_make_thumbnail,
    product_update,
    stock_reserve,
)
from market.errors import InvalidInput, NotAllowed
from market.files.uploads import UploadRejected
from market.models import AuditEvent
from tests.factories import ProductFactory, VendorFactory, vendor_member
from tests.images import exif_with_gps_and_rotation, image_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner():
    return vendor_member()


def new_product(owner, **overrides):
    values = {
        "vendor": owner.vendor_membership.vendor,
        "by": owner,
        "category": Category.objects.get(slug="beras"),
        "name": "Beras lokal premium",
        "unit": "kg",
        "unit_price": 14_500,
        "stock": 800,
        "minimum_order": 10,
        "tkdn_percent": 100,
    }
    return product_create(**{**values, **overrides})


def test_a_new_product_starts_its_price_history_and_is_audited(owner):
    product = new_product(owner)

    assert product.stock == Decimal(800) and product.in_stock
    assert "Beras" in product.search_document and owner.vendor_membership.vendor.legal_name in (
        product.search_document
    )
    assert list(product.price_changes.values_list("old_price", "new_price")) == [(None, 14_500)]
    assert AuditEvent.objects.filter(action="product.create", object_id=str(product.pk)).exists()


def test_a_price_change_is_kept_in_the_history(owner):
    product = new_product(owner)
    product_update(product=product, by=owner, unit_price=15_000, stock=Decimal("750.5"))
    product_update(product=product, by=owner, stock=700)  # no price change, no history row

    assert list(
        PriceChange.objects.filter(product=product).values_list("old_price", "new_price")
    ) == [(14_500, 15_000), (None, 14_500)]
    event = AuditEvent.objects.filter(action="product.update").order_by("sequence").first()
    assert event.before["unit_price"] == 14_500 and event.after["unit_price"] == 15_000


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"unit_price": 0}, "unit_price"),
        ({"unit_price": -5}, "unit_price"),
        ({"stock": -1}, "stock"),
        ({"minimum_order": 0}, "minimum_order"),
        ({"tkdn_percent": 101}, "tkdn_percent"),
        ({"unit": "ton"}, "unit"),
        ({"name": " "}, "name"),
        ({"lead_time_days": 400}, "lead_time_days"),
        ({"stock": "banyak"}, "stock"),
        ({"unit_price": 99999999999999999999}, "unit_price"),
        ({"unit_price": 2**63}, "unit_price"),
        ({"stock": "99999999999999999999"}, "stock"),
        ({"minimum_order": "0.0001"}, "minimum_order"),
        ({"description": "beras " * 1000}, "description"),  # 6,000 characters
        ({"name": "x" * 201}, "name"),
    ],
)
def test_bad_product_values_are_refused_and_nothing_is_written(owner, overrides, field):
    with pytest.raises(InvalidInput) as refused:
        new_product(owner, **overrides)
    assert field in refused.value.fields
    assert not Product.objects.exists()


def test_a_vendor_cannot_touch_another_vendors_catalogue(owner):
    other = ProductFactory()
    with pytest.raises(NotAllowed):
        product_update(product=other, by=owner, unit_price=1)
    with pytest.raises(NotAllowed):
        new_product(owner, vendor=other.vendor)
    with pytest.raises(NotAllowed):
        product_image_add(product=other, upload=image_file(), by=owner)
    other.refresh_from_db()
    assert other.unit_price == 15_000 and not other.images.exists()


@pytest.mark.parametrize(
    ("fmt", "content_type"), [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp")]
)
def test_photos_in_jpeg_png_and_webp_are_accepted_with_a_thumbnail(
    owner, fmt, content_type, django_capture_on_commit_callbacks
):
    product = new_product(owner)
    with django_capture_on_commit_callbacks(execute=True):
        image = product_image_add(product=product, upload=image_file(fmt, (900, 600)), by=owner)

    image.refresh_from_db()
    assert image.content_type == content_type and (image.width, image.height) == (900, 600)
    assert image.thumbnail.name.endswith(".jpg")
    with image.thumbnail.open("rb") as thumbnail, Image.open(thumbnail) as picture:
        assert max(picture.size) == 480
    first = image.thumbnail.name
    product_image_make_thumbnail(image_id=image.pk)  # running the task again changes nothing
    image.refresh_from_db()
    assert image.thumbnail.name == first


def test_photos_are_turned_upright_and_stripped_of_gps(owner):
    product = new_product(owner)
    upload = image_file("JPEG", (60, 30), exif=exif_with_gps_and_rotation())
    image = product_image_add(product=product, upload=upload, by=owner)

    with image.image.open("rb") as stored, Image.open(stored) as picture:
        assert picture.size == (30, 60)
        assert not picture.getexif()
        assert b"PhoneMaker" not in stored.read()


def _bomb_png() -> bytes:
    """A PNG whose header promises 50,000 x 50,000 pixels (2.5 gigapixels)."""
    import struct
    import zlib

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 50_000, 50_000, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 10))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("make_upload", "message"),
    [
        (lambda: image_file("GIF", name="photo.jpg"), "JPEG, PNG"),
        (lambda: image_file().__class__("photo.jpg", b"<html>not an image</html>"), "JPEG, PNG"),
        (lambda: image_file("BMP", name="photo.png"), "JPEG, PNG"),
        (lambda: image_file().__class__("bomb.png", _bomb_png()), "40"),
        (lambda: image_file("PNG", (7000, 6000), name="huge.png"), "40"),
    ],
)
def test_other_files_and_oversized_images_are_refused_leaving_nothing(
    owner, make_upload, message, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    product = new_product(owner)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(UploadRejected, match=message):
            product_image_add(product=product, upload=make_upload(), by=owner)
    assert not ProductImage.objects.exists() and not list(tmp_path.rglob("*.*"))


def test_photos_over_ten_megabytes_are_refused(owner, settings):
    settings.UPLOAD_MAX_BYTES = 500
    product = new_product(owner)
    with pytest.raises(UploadRejected, match="10 MB"):
        product_image_add(product=product, upload=image_file("PNG", (300, 300)), by=owner)


def test_renaming_a_category_refreshes_what_search_reads(owner):
    category = Category.objects.get(slug="besek")
    product = new_product(owner, category=category, name="Kotak anyaman")
    category_update(category=category, name="Besek bambu", name_en="Bamboo boxes")
    product.refresh_from_db()
    assert "Besek bambu" in product.search_document and "Bamboo boxes" in product.search_document


@pytest.mark.postgres
def test_a_products_words_follow_its_name_and_document(owner):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    product = new_product(owner, name="Kopi robusta")
    product_update(product=product, by=owner, name="Teh hijau")
    words = dict(ProductWord.objects.filter(product=product).values_list("word", "sort_name"))
    assert {"teh", "hijau", "beras"} <= set(words) and "kopi" not in words  # "beras": category
    assert set(words.values()) == {"teh hijau"}


def test_a_suspended_vendor_keeps_its_catalogue_but_buyers_lose_it():
    from catalog.selectors import products_for_buyers

    product = ProductFactory(vendor=VendorFactory())
    assert products_for_buyers().filter(pk=product.pk).exists()
    product.vendor.status = "suspended"
    product.vendor.save()
    assert not products_for_buyers().filter(pk=product.pk).exists()
    assert Product.objects.filter(pk=product.pk).exists()


def test_all_bad_fields_are_named_at_once(owner):
    with pytest.raises(InvalidInput) as refused:
        new_product(owner, name="", unit_price=0, stock=-1, tkdn_percent=200)
    assert set(refused.value.fields) == {"name", "unit_price", "stock", "tkdn_percent"}


def test_a_unit_may_not_cost_more_than_a_direct_purchase(owner):
    from procurement.models import Policy
    from procurement.services import fiscal_year_open

    with pytest.raises(InvalidInput) as refused:
        new_product(owner, unit_price=200_000_001)
    assert "Rp200.000.000" in refused.value.fields["unit_price"][0]
    assert new_product(owner, unit_price=200_000_000).unit_price == 200_000_000

    fiscal_year = fiscal_year_open(year=timezone.localdate().year)
    Policy.objects.filter(fiscal_year=fiscal_year).update(direct_purchase_ceiling=50_000_000)
    with pytest.raises(InvalidInput) as refused:
        new_product(owner, name="Tenun", unit_price=60_000_000)
    assert "Rp50.000.000" in refused.value.fields["unit_price"][0]


def test_a_jpeg_comment_does_not_survive_re_encoding(owner):
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile

    output = BytesIO()
    Image.new("RGB", (40, 30), "red").save(output, "JPEG", comment=b"Owner: Ibu Sari 0812")
    product = new_product(owner)
    image = product_image_add(
        product=product, upload=SimpleUploadedFile("c.jpg", output.getvalue()), by=owner
    )
    with image.image.open("rb") as stored:
        content = stored.read()
    assert b"Ibu Sari" not in content and b"\xff\xfe" not in content  # no COM marker


def test_a_photo_stored_by_an_action_that_then_fails_is_removed(
    owner, settings, tmp_path, monkeypatch
):
    settings.MEDIA_ROOT = tmp_path
    product = new_product(owner)

    def chain_refuses(events):
        raise InvalidInput({"image": ["the audit trail refused it"]})

    monkeypatch.setattr("market.services.audit._link", chain_refuses)
    with pytest.raises(InvalidInput):
        product_image_add(product=product, upload=image_file(), by=owner)
    assert not ProductImage.objects.exists() and not list(tmp_path.rglob("*.jpg"))


def test_stock_is_not_held_for_a_product_that_changed_since_it_was_read(owner):
    """The checkout reads products before it locks them: a price changed in between (or a
    product withdrawn) refuses the checkout rather than ordering at a price no one saw."""
    from django.db import transaction

    product = new_product(owner)
    seen = Product.objects.get(pk=product.pk)
    product_update(product=product, by=owner, unit_price=99_000)
    with pytest.raises(InvalidInput) as refused, transaction.atomic():
        stock_reserve(quantities={product.pk: Decimal(1)}, as_read={product.pk: seen})
    assert "berubah" in str(refused.value.named_fields()["items"])
    product.refresh_from_db()
    assert product.reserved == 0
    fresh = Product.objects.get(pk=product.pk)
    with transaction.atomic():
        assert stock_reserve(quantities={product.pk: Decimal(1)}, as_read={product.pk: fresh})
