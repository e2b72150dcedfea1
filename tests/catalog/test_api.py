import pytest
from django.db import connection

from catalog.models import Category, Product, ProductImage
from market.models import DepartmentRole, Village
from tests.factories import ProductFactory, VendorFactory, member, vendor_member
from tests.images import image_file
from tests.plans import plan_at_scale

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer(api_as):
    return api_as(member(DepartmentRole.REQUESTER))


def ids(client, url="/api/v1/products/", **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


def test_buyers_see_only_active_products_of_verified_vendors(buyer):
    shown = ProductFactory()
    hidden = [
        ProductFactory(is_active=False),
        *(
            ProductFactory(vendor=VendorFactory(status=s))
            for s in ("applied", "rejected", "suspended")
        ),
    ]

    assert ids(buyer) == [shown.pk]
    for product in hidden:
        assert buyer.get(f"/api/v1/products/{product.pk}/").status_code == 404


def test_a_result_carries_the_vendors_name_scale_district_flags_and_thumbnail(buyer):
    priority = Village.objects.filter(is_priority=True).first()
    vendor = VendorFactory(village=priority, is_women_led=True, trading_name="Beras Padang Tikar")
    product = ProductFactory(vendor=vendor)
    ProductImage.objects.create(
        product=product,
        image="catalog/p.jpg",
        thumbnail="catalog/t.jpg",
        content_type="image/jpeg",
        width=10,
        height=10,
    )

    result = buyer.get("/api/v1/products/").json()["results"][0]
    assert result["vendor"] == {
        "id": vendor.pk,
        "name": "Beras Padang Tikar",
        "scale": "micro",
        "district": priority.district.name,
        "is_local": True,
        "in_priority_area": True,
        "is_women_led": True,
        "is_cooperative": False,
        # No rating yet: "new" (tests/ratings/test_api.py has the averages).
        "rating": {
            "count": 0,
            "is_new": True,
            "timeliness": None,
            "quality": None,
            "fit": None,
            "overall": None,
        },
    }
    assert result["thumbnail_url"] == "http://testserver/media/catalog/t.jpg"


def test_filters(buyer):
    priority = Village.objects.filter(is_priority=True).first()
    rice = ProductFactory(unit_price=14_000, stock=0, vendor=VendorFactory(scale="small"))
    besek = ProductFactory(
        category=Category.objects.get(slug="besek"),
        unit_price=5_000,
        vendor=VendorFactory(village=priority, is_women_led=True, is_cooperative=True),
    )
    outside = ProductFactory(
        category=Category.objects.get(slug="alat-tulis-kantor"),
        unit_price=245_000,
        made_to_order=True,
        stock=0,
        vendor=VendorFactory(village=None),
    )

    assert ids(buyer, category="beras-biji-bijian") == [rice.pk]  # includes sub-categories
    assert ids(buyer, category="kerajinan-anyaman") == [besek.pk]
    assert ids(buyer, district=priority.district.code) == [besek.pk]
    assert ids(buyer, scale="small") == [rice.pk]
    assert ids(buyer, local="false") == [outside.pk]
    assert ids(buyer, priority_area="true") == [besek.pk]
    assert ids(buyer, women_led="true") == ids(buyer, cooperative="true") == [besek.pk]
    assert ids(buyer, min_price=10_000, max_price=20_000) == [rice.pk]
    assert set(ids(buyer, in_stock="true")) == {besek.pk, outside.pk}
    assert ids(buyer, vendor=besek.vendor_id) == [besek.pk]
    besek.vendor.trading_name = "Anyaman Bu Ros"
    besek.vendor.save()
    assert ids(buyer, vendor_name="bu ROS") == [besek.pk]  # the trading name, any letter case
    assert ids(buyer, vendor_name=rice.vendor.legal_name.upper()) == [rice.pk]
    assert ids(buyer, vendor_name="Tidak Ada Penyedia Ini") == []
    assert ids(buyer, ordering="price") == [besek.pk, rice.pk, outside.pk]
    assert ids(buyer, ordering="-price") == [outside.pk, rice.pk, besek.pk]


@pytest.mark.parametrize(
    "params",
    [{"min_price": "murah"}, {"category": "tidak-ada"}, {"ordering": "random"}, {"scale": "huge"}],
)
def test_bad_filter_values_get_a_clear_400(buyer, params):
    response = buyer.get("/api/v1/products/", params)
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == set(params)


def test_plain_search_finds_words_anywhere(buyer):
    seragam = ProductFactory(name="Seragam sekolah SD", search_document="Seragam sekolah SD")
    ProductFactory(name="Beras", search_document="Beras lokal")
    assert ids(buyer, search="sekolah") == [seragam.pk]
    assert ids(buyer, search="xyzzy") == []


@pytest.mark.parametrize(("typo", "wanted"), [("bras", "Beras lokal"), ("seragm", "Seragam SD")])
def test_search_forgives_typos(buyer, typo, wanted):
    """On PostgreSQL through trigram similarity (GIN-indexed); on SQLite by comparing words."""
    for name in ("Beras lokal", "Seragam SD", "Besek bambu", "Kertas HVS"):
        ProductFactory(name=name, search_document=f"{name} produk lokal Kubu Raya")
    names = [
        row["name"] for row in buyer.get("/api/v1/products/", {"search": typo}).json()["results"]
    ]
    assert names[0] == wanted


@pytest.mark.postgres
def test_postgres_search_uses_its_gin_indexes():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("EXPLAIN SELECT id FROM catalog_product WHERE search_vector @@ 'beras'")
        assert "catalog_product_search_vector" in str(cursor.fetchall())
        # Typos are matched against the words products hold, trigram-indexed for when they
        # are many (at a few thousand the planner rightly reads them all: about a millisecond).
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'catalog_searchword_trgm'"
        )
        assert "gin_trgm_ops" in cursor.fetchone()[0]


def test_search_results_come_in_name_order_holding_every_word(buyer):
    for name in ("Seragam sekolah SMP", "beras sekolah", "Seragam batik", "Seragam Sekolah SD"):
        ProductFactory(name=name, search_document=f"{name} Kubu Raya")
    names = lambda search: [  # noqa: E731
        row["name"] for row in buyer.get("/api/v1/products/", {"search": search}).json()["results"]
    ]
    assert names("seragam sekolah") == ["Seragam Sekolah SD", "Seragam sekolah SMP"]
    assert names("sekolah") == ["beras sekolah", "Seragam Sekolah SD", "Seragam sekolah SMP"]
    assert names("seragm skolah") == ["Seragam Sekolah SD", "Seragam sekolah SMP"]
    assert names('"seragam batik"') == ["Seragam batik"]  # quotes: full text


@pytest.mark.postgres
def test_a_search_page_is_read_from_the_word_index_in_name_order():
    """A common word's first page reads that page from (word, name), not every match sorted."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    from catalog.selectors import product_filter, products_for_buyers

    for n in range(30):
        ProductFactory(name=f"Beras {n:02d}", search_document=f"Beras {n:02d}")
    page = product_filter(products_for_buyers(), search="beras")[:24]
    plan = plan_at_scale(page)
    assert "product_word_order_idx" in plan and "Sort" not in plan, plan
    assert [p.name for p in page][:3] == ["Beras 00", "Beras 01", "Beras 02"]


@pytest.mark.parametrize("count", [10, 100])
def test_product_list_runs_a_bounded_number_of_queries(buyer, django_assert_max_num_queries, count):
    vendors = [VendorFactory() for _ in range(5)]
    for n in range(count):
        product = ProductFactory(vendor=vendors[n % 5])
        ProductImage.objects.create(
            product=product, image=f"catalog/{n}.jpg", content_type="image/jpeg", width=1, height=1
        )
    with django_assert_max_num_queries(6):
        response = buyer.get("/api/v1/products/", {"page_size": 100})
    assert len(response.json()["results"]) == count


def test_categories_are_public_with_their_tree(api_client):
    rows = api_client.get("/api/v1/categories/", {"page_size": 100}).json()["results"]
    by_slug = {row["slug"]: row for row in rows}
    assert by_slug["besek"]["parent"] == "kerajinan-anyaman"
    assert {"beras-biji-bijian", "seragam-tekstil", "suvenir", "alat-tulis-kantor"} <= set(by_slug)


def test_vendors_manage_their_own_catalogue_through_the_api(api_as):
    owner = vendor_member()
    client = api_as(owner)
    created = client.post(
        "/api/v1/vendor/products/",
        {
            "category": "beras",
            "name": "Beras merah",
            "unit": "kg",
            "unit_price": 22_000,
            "stock": "600",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    product_id = created.json()["id"]

    changed = client.patch(
        f"/api/v1/vendor/products/{product_id}/", {"unit_price": 23_000}, format="json"
    )
    assert changed.json()["unit_price"] == 23_000
    assert Product.objects.get(pk=product_id).price_changes.count() == 2

    photo = client.post(
        f"/api/v1/vendor/products/{product_id}/images/", {"image": image_file()}, format="multipart"
    )
    assert photo.status_code == 201 and photo.json()["width"] == 64
    assert ids(client, "/api/v1/vendor/products/") == [product_id]


def test_a_vendor_cannot_see_or_change_another_vendors_products(api_as):
    other = ProductFactory()
    client = api_as(vendor_member())

    assert client.get(f"/api/v1/vendor/products/{other.pk}/").status_code == 404
    assert (
        client.patch(
            f"/api/v1/vendor/products/{other.pk}/", {"unit_price": 1}, format="json"
        ).status_code
        == 404
    )
    assert (
        client.post(
            f"/api/v1/vendor/products/{other.pk}/images/",
            {"image": image_file()},
            format="multipart",
        ).status_code
        == 404
    )
    assert ids(client, "/api/v1/vendor/products/") == []
    other.refresh_from_db()
    assert other.unit_price == 15_000 and not other.images.exists()


def test_buyers_have_no_vendor_catalogue(buyer):
    ProductFactory()  # products exist; none of them are the buyer's to manage
    # As /vendor/products/ answers them: nothing here for them (not an empty list).
    assert buyer.get("/api/v1/vendor/products/").status_code == 404
    response = buyer.post("/api/v1/vendor/products/", {"name": "x"}, format="json")
    assert response.status_code == 404


def test_bad_product_input_is_a_clear_400_and_nothing_is_written(api_as):
    client = api_as(vendor_member())
    response = client.post(
        "/api/v1/vendor/products/",
        {"category": "beras", "name": "Beras", "unit": "ton", "unit_price": 0},
        format="json",
    )
    assert response.status_code == 400
    assert {"unit", "unit_price"} <= set(response.json()["error"]["fields"])
    assert not Product.objects.exists()


def test_a_bad_photo_is_a_clear_400(api_as, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    owner = vendor_member()
    product = ProductFactory(vendor=owner.vendor_membership.vendor)
    response = api_as(owner).post(
        f"/api/v1/vendor/products/{product.pk}/images/",
        {"image": image_file().__class__("photo.jpg", b"not an image")},
        format="multipart",
    )
    assert response.status_code == 400
    assert "image" in response.json()["error"]["fields"]
    assert not product.images.exists() and not list(tmp_path.rglob("*.*"))


def test_a_photo_uploaded_while_the_broker_is_away_is_stored_and_swept_later(
    api_as, broker_away, settings, tmp_path, django_capture_on_commit_callbacks
):
    from catalog.models import ProductImage
    from tests.outbox import relay_grace_passes
    from worker.outbox import outbox_sweep

    settings.MEDIA_ROOT = tmp_path
    owner = vendor_member()
    product = ProductFactory(vendor=owner.vendor_membership.vendor)

    with broker_away(), django_capture_on_commit_callbacks(execute=True):
        photo = api_as(owner).post(
            f"/api/v1/vendor/products/{product.pk}/images/",
            {"image": image_file()},
            format="multipart",
        )
    assert photo.status_code == 201
    assert not ProductImage.objects.get().thumbnail  # waits for the sweeper
    relay_grace_passes()
    assert outbox_sweep() == 1
    assert ProductImage.objects.get().thumbnail
