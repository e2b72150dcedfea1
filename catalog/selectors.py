"""Reads of the catalogue: the category tree, what buyers may see, and search.

On PostgreSQL search is full-text over the product's stored search vector, ranked, and when the
words as typed find nothing, trigram word similarity forgives typos; both are GIN-indexed
(see the catalog migrations).
On SQLite every word must appear in the document, or failing that resemble one of its words.
"""

from difflib import SequenceMatcher

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.db import connection
from django.db.models import F, Prefetch, Q, QuerySet

from catalog.models import Category, Product, ProductImage
from vendors.models import VendorStatus
from vendors.permissions import vendor_of
from vendors.selectors import vendor_filter

TYPO_SIMILARITY = 0.8  # SQLite fallback: "bras" ~ "beras" is 0.89, "seragm" ~ "seragam" 0.92

ORDERINGS = {
    "price": ("unit_price", "id"),
    "-price": ("-unit_price", "id"),
    "name": ("name", "id"),
    "-name": ("-name", "id"),
    "newest": ("-created_at", "-id"),
}


def category_ids_with_descendants(category: Category) -> list[int]:
    """The category and everything below it (the tree is small: one query, walked here)."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Category.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    found, queue = [], [category.pk]
    while queue:
        current = queue.pop()
        found.append(current)
        queue.extend(children.get(current, []))
    return found


def category_paths() -> dict[int, str]:
    """Each category's slug with its ancestors', from the top: {id: "parent/child"}."""
    rows = {
        pk: (slug, parent)
        for pk, slug, parent in Category.objects.values_list("pk", "slug", "parent_id")
    }

    def path(pk: int) -> str:
        slug, parent = rows[pk]
        return f"{path(parent)}/{slug}" if parent in rows else slug

    return {pk: path(pk) for pk in rows}


def _with_images(products: QuerySet[Product]) -> QuerySet[Product]:
    return products.select_related("vendor__village__district", "category").prefetch_related(
        Prefetch("images", queryset=ProductImage.objects.order_by("position", "id"))
    )


def products_for_buyers() -> QuerySet[Product]:
    """Active products of verified vendors: a suspended vendor's products vanish at once."""
    return _with_images(
        Product.objects.filter(is_active=True, vendor__status=VendorStatus.VERIFIED)
    )


def products_of_vendor_for(user) -> QuerySet[Product]:
    """The catalogue a vendor member manages: every product of their own vendor, active or not."""
    vendor = vendor_of(user)
    if vendor is None:
        return Product.objects.none()
    return _with_images(Product.objects.filter(vendor=vendor))


def product_search(products: QuerySet[Product], query: str) -> QuerySet[Product]:
    query = " ".join((query or "").split())[:100]
    if not query:
        return products
    if connection.vendor == "postgresql":
        # Words as typed first; only when they find nothing, words that look alike (typos).
        search_query = SearchQuery(query, config="simple", search_type="websearch")
        exact = products.filter(search_vector=search_query)
        if exact.exists():
            return exact.annotate(
                rank=SearchRank(F("search_vector"), search_query),
                name_similarity=TrigramWordSimilarity(query, "name"),
            ).order_by("-rank", "-name_similarity", "id")
        return (
            products.filter(search_document__trigram_word_similar=query)
            .annotate(
                name_similarity=TrigramWordSimilarity(query, "name"),
                similarity=TrigramWordSimilarity(query, "search_document"),
            )
            .order_by("-name_similarity", "-similarity", "id")
        )
    exact = products
    for word in query.split():
        exact = exact.filter(search_document__icontains=word)
    if exact.exists():
        return exact
    return products.filter(pk__in=_similar_product_ids(products, query))


def _similar_product_ids(products: QuerySet[Product], query: str) -> list[int]:
    """SQLite has no trigrams: compare words in Python, which is enough for the embedded demo."""
    wanted = query.lower().split()
    found = []
    for pk, document in products.values_list("pk", "search_document").iterator(chunk_size=2000):
        words = set(document.lower().split())
        if all(
            any(SequenceMatcher(None, typed, word).ratio() >= TYPO_SIMILARITY for word in words)
            for typed in wanted
        ):
            found.append(pk)
    return found


def product_filter(
    products: QuerySet[Product],
    *,
    search: str = "",
    category: Category | None = None,
    vendor: int | None = None,
    min_price: int | None = None,
    max_price: int | None = None,
    in_stock: bool | None = None,
    ordering: str = "",
    **vendor_flags,
) -> QuerySet[Product]:
    """Every buyer filter in one place, used by the catalogue page and the API alike."""
    if category is not None:
        products = products.filter(category_id__in=category_ids_with_descendants(category))
    if vendor:
        products = products.filter(vendor_id=vendor)
    if min_price is not None:
        products = products.filter(unit_price__gte=min_price)
    if max_price is not None:
        products = products.filter(unit_price__lte=max_price)
    if in_stock is True:
        products = products.filter(Q(made_to_order=True) | Q(stock__gt=F("reserved")))
    elif in_stock is False:
        products = products.filter(made_to_order=False, stock__lte=F("reserved"))
    products = vendor_filter(products, prefix="vendor__", **vendor_flags)
    searched = product_search(products, search)
    if ordering in ORDERINGS:
        return searched.order_by(*ORDERINGS[ordering])
    return searched if search else searched.order_by("name", "id")


def category_tree() -> QuerySet[Category]:
    return Category.objects.select_related("parent").order_by("parent_id", "position", "name")
