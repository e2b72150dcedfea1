"""Every write to the catalogue: categories, products, prices and photos."""

import uuid
from decimal import Decimal
from io import BytesIO

from django.contrib.postgres.search import SearchVector
from django.core.files.base import ContentFile
from django.db import connection
from django.utils.text import slugify
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from catalog.models import Category, PriceChange, Product, ProductImage, TaxClass, Unit
from catalog.pricing import price_ceiling
from catalog.selectors import category_ids_with_descendants
from market.bounds import (
    DESCRIPTION_LENGTH,
    QUANTITY_STEP,
    TITLE_LENGTH,
    format_number,
    parse_decimal,
    quantity_problem,
    rupiah_problem,
    text_problem,
)
from market.errors import DomainError, InvalidInput, NotAllowed
from market.files.uploads import clean_image, read_upload
from market.locks import lock_row, lock_rows
from market.money import format_rupiah
from market.permissions import roles_of
from market.services.audit import audit_changes, audit_record
from market.services.outbox import job_queue
from market.transactions import action, on_rollback
from vendors.models import Vendor
from vendors.permissions import acts_for

THUMBNAIL_SIZE = (480, 480)
EDITABLE_FIELDS = (
    "category",
    "name",
    "description",
    "unit",
    "unit_price",
    "made_to_order",
    "stock",
    "lead_time_days",
    "minimum_order",
    "tkdn_percent",
    "is_active",
)


def _may_edit_catalogue_of(user, vendor: Vendor) -> bool:
    return acts_for(user, vendor) or roles_of(user).is_platform_admin


def _decimal(value, field: str, errors: dict) -> Decimal | None:
    number = parse_decimal(value)
    if not number.is_finite():
        errors.setdefault(field, []).append(_("Enter a number."))
        return None
    return number


def _checked(values: dict) -> tuple[dict, dict]:
    """(clean values, {field: [problem]}) of product values, checked the same way for
    creation, updates, the API, pages and imports; every problem of every field at once.
    Only the fields in `values` are judged."""
    errors: dict[str, list] = {}
    clean = dict(values)

    def problem(field: str, message) -> None:
        if message:
            errors.setdefault(field, []).append(message)

    if "name" in values:
        clean["name"] = (values["name"] or "").strip()
        problem("name", text_problem(clean["name"], most=TITLE_LENGTH))
    if "description" in values:
        clean["description"] = (values["description"] or "").strip()
        problem(
            "description",
            text_problem(clean["description"], most=DESCRIPTION_LENGTH, required=False),
        )
    if "category" in values and not isinstance(values["category"], Category):
        problem("category", _("Choose a category."))
    if "unit" in values and values["unit"] not in Unit.values:
        problem("unit", _("Choose a unit."))
    if "unit_price" in values:
        price, ceiling = values["unit_price"], price_ceiling()
        if rupiah_problem(price, least=1) is None and price > ceiling:
            problem(
                "unit_price",
                _(
                    "A unit may cost at most %(ceiling)s, the ceiling of a direct purchase; "
                    "dearer goods are bought by tender."
                )
                % {"ceiling": format_rupiah(ceiling)},
            )
        else:
            problem("unit_price", rupiah_problem(price, least=1))
    for field, least, message in (
        ("stock", Decimal(0), _("Stock cannot be negative.")),
        ("minimum_order", QUANTITY_STEP, _("The minimum order must be above zero.")),
    ):
        if field in values:
            number = _decimal(values[field], field, errors)
            if number is not None:
                if number < least:
                    problem(field, message)
                elif number > 0:
                    problem(field, quantity_problem(number))
            clean[field] = number
    if "tkdn_percent" in values:
        number = _decimal(values["tkdn_percent"], "tkdn_percent", errors)
        if number is not None and not (0 <= number <= 100 and number.as_tuple().exponent >= -2):
            problem("tkdn_percent", _("TKDN is a percentage from 0 to 100, two decimals at most."))
        clean["tkdn_percent"] = number
    if "lead_time_days" in values:
        days = values["lead_time_days"]
        if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= 365:
            problem("lead_time_days", _("Lead time is a number of days from 0 to 365."))
    return clean, errors


def product_problems(values: dict) -> dict:
    """{field: [problem]} of a product's values: the rules product_create and product_update
    keep, for the page's form and the API's input to name with their own, in one answer."""
    return _checked(values)[1]


def _validated(values: dict) -> dict:
    clean, errors = _checked(values)
    if errors:
        raise InvalidInput(errors)
    return clean


def search_document_for(product: Product) -> str:
    category, names = product.category, []
    while category is not None:
        names += [category.name, category.name_en]
        category = category.parent
    vendor = product.vendor
    parts = [product.name, product.description, *names, vendor.legal_name, vendor.trading_name]
    return " ".join(part for part in parts if part)


def refresh_search_vectors(*, product_ids) -> None:
    """Keep the stored full-text vector in step with the search document, with each product's
    words in search order (catalog.models.ProductWord) and the words typo search corrects to
    (catalog.models.SearchWord), on PostgreSQL only."""
    if connection.vendor != "postgresql":
        return
    ids = sorted({int(pk) for pk in product_ids})
    if not ids:
        return
    Product.objects.filter(pk__in=ids).update(
        search_vector=SearchVector("search_document", config="simple")
    )
    listed = ",".join(map(str, ids))
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM catalog_productword WHERE product_id IN ({listed})")
        cursor.execute(
            "INSERT INTO catalog_productword (product_id, word, sort_name) "
            "SELECT p.id, w.word, lower(p.name) FROM catalog_product p "
            "CROSS JOIN LATERAL unnest(tsvector_to_array(p.search_vector)) AS w(word) "
            f"WHERE p.id IN ({listed}) AND length(w.word) <= 100"
        )
        cursor.execute(
            "INSERT INTO catalog_searchword (word) SELECT word FROM ts_stat(%s) "
            "WHERE length(word) BETWEEN 3 AND 100 ON CONFLICT DO NOTHING",
            [f"SELECT search_vector FROM catalog_product WHERE id IN ({listed})"],
        )


def _snapshot(product: Product) -> dict:
    return {
        field: getattr(product, field if field != "category" else "category_id")
        for field in EDITABLE_FIELDS
    }


@action
def product_create(
    *,
    vendor: Vendor,
    by,
    category: Category,
    name: str,
    unit: str,
    unit_price: int,
    description: str = "",
    made_to_order: bool = False,
    stock=0,
    lead_time_days: int = 0,
    minimum_order=1,
    tkdn_percent=0,
    is_active: bool = True,
) -> Product:
    if not _may_edit_catalogue_of(by, vendor):
        raise NotAllowed(_("You can only add products to your own catalogue."))
    values = _validated(
        {
            "category": category,
            "name": name,
            "description": (description or "").strip(),
            "unit": unit,
            "unit_price": unit_price,
            "made_to_order": made_to_order,
            "stock": stock,
            "lead_time_days": lead_time_days,
            "minimum_order": minimum_order,
            "tkdn_percent": tkdn_percent,
            "is_active": is_active,
        }
    )
    product = Product(vendor=vendor, **values)
    product.search_document = search_document_for(product)
    product.save()
    refresh_search_vectors(product_ids=[product.pk])
    PriceChange.objects.create(product=product, old_price=None, new_price=unit_price, changed_by=by)
    audit_record(actor=by, action="product.create", target=product, after=_snapshot(product))
    return product


@action
def product_update(*, product: Product, by, **changes) -> Product:
    """Change some of a product's fields; a new price is kept in the price history."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput({name: [_("This field cannot be changed.")] for name in unknown})
    product = lock_row(Product.objects.select_related("vendor", "category"), product.pk)
    if not _may_edit_catalogue_of(by, product.vendor):
        raise NotAllowed(_("You can only change products of your own catalogue."))
    values = _validated(changes)
    if values.get("made_to_order") and not product.made_to_order and product.reserved > 0:
        raise InvalidInput(
            {
                "made_to_order": [
                    _("Open orders hold %(reserved)s from stock; ship them first.")
                    % {"reserved": format_number(product.reserved)}
                ]
            }
        )
    if (
        "stock" in values
        and not values.get("made_to_order", product.made_to_order)
        and values["stock"] < product.reserved
    ):
        raise InvalidInput(
            {
                "stock": [
                    _("%(reserved)s are held for orders; stock cannot be lower.")
                    % {"reserved": format_number(product.reserved)}
                ]
            }
        )
    before = _snapshot(product)
    old_price = product.unit_price
    for field, value in values.items():
        setattr(product, field, value)
    product.search_document = search_document_for(product)
    product.save()
    refresh_search_vectors(product_ids=[product.pk])
    if product.unit_price != old_price:
        PriceChange.objects.create(
            product=product, old_price=old_price, new_price=product.unit_price, changed_by=by
        )
    after = _snapshot(product)
    if after != before:
        audit_record(actor=by, action="product.update", target=product, before=before, after=after)
    return product


@action
def product_image_add(*, product: Product, upload, by) -> ProductImage:
    """Check a photo by its content, strip its metadata, store it; the thumbnail follows."""
    if not _may_edit_catalogue_of(by, product.vendor):
        raise NotAllowed(_("You can only add photos to your own products."))
    clean = clean_image(read_upload(upload, field="image"), field="image")
    image = ProductImage(
        product=product,
        content_type=clean.content_type,
        width=clean.width,
        height=clean.height,
        position=product.images.count(),
    )
    image.image.save(f"{uuid.uuid4().hex}{clean.extension}", ContentFile(clean.content), save=False)
    on_rollback(lambda: image.image.storage.delete(image.image.name))
    image.save()
    audit_record(
        actor=by,
        action="product.image_add",
        target=product,
        after={"image": image.image.name, "width": clean.width, "height": clean.height},
    )
    # Made by catalog.tasks.make_thumbnail once this commits (the outbox's relay and sweeper).
    job_queue(task="catalog.make_thumbnail", object_id=image.pk)
    return image


def product_image_make_thumbnail(*, image_id: int) -> ProductImage | None:
    """Make the thumbnail once; running it again changes nothing."""
    image = ProductImage.objects.filter(pk=image_id).first()
    if image is None or image.thumbnail:
        return image
    with image.image.open("rb") as source, Image.open(source) as picture:
        picture = ImageOps.exif_transpose(picture)
        picture.thumbnail(THUMBNAIL_SIZE)
        if picture.mode in ("RGBA", "LA", "P"):
            picture = picture.convert("RGBA")
            background = Image.new("RGB", picture.size, "white")
            background.paste(picture, mask=picture.getchannel("A"))
            picture = background
        elif picture.mode != "RGB":
            picture = picture.convert("RGB")
        output = BytesIO()
        picture.save(output, "JPEG", quality=82, optimize=True)
    return _store_thumbnail(image_id=image_id, content=output.getvalue())


@action
def _store_thumbnail(*, image_id: int, content: bytes) -> ProductImage:
    image = lock_row(ProductImage.objects, image_id)
    if not image.thumbnail:
        image.thumbnail.save(f"{uuid.uuid4().hex}.jpg", ContentFile(content), save=False)
        on_rollback(lambda: image.thumbnail.storage.delete(image.thumbnail.name))
        image.save(update_fields=["thumbnail"])
    return image


@action
def category_create(
    *,
    name: str,
    by=None,
    name_en: str = "",
    parent: Category | None = None,
    slug: str = "",
    position: int = 0,
    tax_class: str = TaxClass.TAXABLE,
    pph22_excluded: bool = False,
) -> Category:
    category = Category.objects.create(
        name=name,
        name_en=name_en,
        parent=parent,
        slug=slug or slugify(name_en or name),
        position=position,
        tax_class=tax_class,
        pph22_excluded=pph22_excluded,
    )
    audit_record(
        actor=by,
        action="category.create",
        target=category,
        after={
            "slug": category.slug,
            "name": name,
            "position": position,
            "tax_class": tax_class,
            "pph22_excluded": pph22_excluded,
        },
    )
    return category


@action
def category_update(
    *,
    category: Category,
    name: str,
    name_en: str,
    position: int | None = None,
    tax_class: str | None = None,
    pph22_excluded: bool | None = None,
    by=None,
) -> Category:
    """Rename or move a category among its siblings, or change its taxes (what orders invoiced
    already keep is not changed); the search text of the products under it follows its
    names."""
    category = lock_row(Category.objects, category.pk)
    kept = ("name", "name_en", "position", "tax_class", "pph22_excluded")
    before = {field: getattr(category, field) for field in kept}
    category.name, category.name_en = name, name_en
    for field, value in (
        ("position", position),
        ("tax_class", tax_class),
        ("pph22_excluded", pph22_excluded),
    ):
        if value is not None:
            setattr(category, field, value)
    category.save(update_fields=list(kept))
    products = lock_rows(
        Product.objects.select_related("vendor", "category__parent__parent"),
        Product.objects.filter(category_id__in=category_ids_with_descendants(category)).values_list(
            "pk", flat=True
        ),
    )
    for product in products:
        product.search_document = search_document_for(product)
    Product.objects.bulk_update(products, ["search_document"], batch_size=500)
    refresh_search_vectors(product_ids=[product.pk for product in products])
    audit_changes(
        actor=by,
        action="category.update",
        target=category,
        before=before,
        after={field: getattr(category, field) for field in kept},
    )
    return category


class StockError(DomainError):
    code = "out_of_stock"


def products_lock(product_ids) -> dict[int, Product]:
    """Lock products (market.locks: after vendors and categories, before budget lines)."""
    return {product.pk: product for product in lock_rows(Product.objects, product_ids)}


def _held_quantities_check(products: dict[int, Product], quantities: dict[int, Decimal]) -> None:
    for product_id, quantity in quantities.items():
        if quantity > products[product_id].reserved:
            raise StockError(
                _("%(product)s: the stock held for orders does not add up.")
                % {"product": products[product_id].name},
                code="stock_ledger_error",
            )


# What an order copies from a product: checked again under the lock when read before it.
ORDERED_FIELDS = ("vendor_id", "category_id", "name", "unit", "unit_price", "is_active")


def stock_reserve(
    *, quantities: dict[int, Decimal], as_read: dict[int, Product] | None = None
) -> set[int]:
    """Hold stock for submitted orders, inside the caller's action; never oversell.

    Returns the products whose stock was held (made-to-order products hold none), so the
    caller can release or ship exactly what it reserved even if the vendor later changes
    whether a product is made to order. `as_read`: the products as the caller read them
    before the lock; refused when one has changed since (its price, say).
    """
    held = set()
    for product in products_lock(quantities).values():
        seen = (as_read or {}).get(product.pk)
        if seen and any(getattr(seen, f) != getattr(product, f) for f in ORDERED_FIELDS):
            raise InvalidInput(
                {
                    "items": [
                        _("%(product)s changed while the order was being placed; look again.")
                        % {"product": product.name}
                    ]
                }
            )
        if product.made_to_order:
            continue
        wanted = quantities[product.pk]
        if wanted > product.available:
            raise StockError(
                _("Only %(available)s %(unit)s of %(product)s are left.")
                % {
                    "available": format_number(product.available),
                    "unit": product.get_unit_display(),
                    "product": product.name,
                },
                field="quantity",
            )
        product.reserved += wanted
        product.save(update_fields=["reserved"])
        held.add(product.pk)
    return held


def stock_release(*, quantities: dict[int, Decimal]) -> None:
    """Give back stock held by stock_reserve (an order refused, cancelled, or cut short)."""
    products = products_lock(quantities)
    _held_quantities_check(products, quantities)
    for product_id, quantity in quantities.items():
        products[product_id].reserved -= quantity
        products[product_id].save(update_fields=["reserved"])


def stock_ship(*, quantities: dict[int, Decimal]) -> None:
    """Shipped goods that were held leave the stock and the reservation together."""
    products = products_lock(quantities)
    _held_quantities_check(products, quantities)
    for product_id, quantity in quantities.items():
        products[product_id].reserved -= quantity
        products[product_id].stock -= quantity
        products[product_id].save(update_fields=["reserved", "stock"])
