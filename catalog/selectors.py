"""Reads of the catalogue: the category tree, what buyers may see, and search.

On PostgreSQL search is full-text over the product's stored search vector (GIN-indexed); when
the words as typed find nothing, each unknown word is corrected to the known word it most
resembles (trigram similarity over the few thousand words products hold, GIN-indexed) and the
search runs again. Results come in name order, read a page at a time from an index.
On SQLite every word must appear in the document, or failing that resemble one of its words.
"""

import hashlib
import re
from difflib import SequenceMatcher

from django.contrib.postgres.search import SearchQuery, TrigramSimilarity
from django.core.cache import cache
from django.db import connection
from django.db.models import F, Prefetch, Q, QuerySet
from django.db.models.functions import Lower

from catalog.models import Category, Product, ProductImage, SearchWord
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
    """Active products of verified vendors: a suspended vendor's products vanish at once. The
    search columns stay behind: a list never shows them, and they are the widest."""
    return _with_images(
        Product.objects.filter(is_active=True, vendor__status=VendorStatus.VERIFIED).defer(
            "search_document", "search_vector"
        )
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
        # Words as typed first (full text, GIN-indexed); when they find nothing, each word not
        # in any product is replaced by the known word it most resembles ("bras" -> "beras").
        exact = products.filter(
            search_vector=SearchQuery(query, config="simple", search_type="websearch")
        )
        if exact.exists():
            return exact
        corrected = corrected_words(query)
        if not corrected:
            return products.none()
        return products.filter(search_vector=SearchQuery(corrected, config="simple"))
    exact = products
    for word in query.split():
        exact = exact.filter(search_document__icontains=word)
    if exact.exists():
        return exact
    return products.filter(pk__in=_similar_product_ids(products, query))


def corrected_words(query: str) -> str:
    """The query with each word no product holds replaced by the most similar word one does
    (pg_trgm similarity over SearchWord, GIN-indexed); "" when a word resembles none. Kept
    ten minutes: buyers make the same typos, and the words change slowly."""
    key = "search-correction:" + hashlib.sha256(query.lower().encode()).hexdigest()
    corrected = cache.get(key)
    if corrected is None:
        corrected = _corrected_words(query)
        cache.set(key, corrected, 600)
    return corrected


def _corrected_words(query: str) -> str:
    words = [word for word in re.findall(r"\w+", query.lower()) if word]
    known = set(SearchWord.objects.filter(word__in=words).values_list("word", flat=True))
    corrected = []
    for word in words:
        if word in known or len(word) < 3:
            corrected.append(word)
            continue
        closest = (
            SearchWord.objects.filter(word__trigram_similar=word)
            .annotate(similarity=TrigramSimilarity("word", word))
            .order_by("-similarity", "word")
            .values_list("word", flat=True)
            .first()
        )
        if closest is None:
            return ""
        corrected.append(closest)
    return " ".join(corrected)


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
    if ordering in ORDERINGS:
        return product_search(products, search).order_by(*ORDERINGS[ordering])
    if not search:  # the catalogue's order, read a page at a time from its index
        return products.order_by(*ORDERINGS["name"])
    # Found products by name too, but sorted after the search's index found them all: walking
    # the name index instead would read every name before the first match ("telur": 80,000).
    return product_search(products, search).order_by(Lower("name"), "id")


def category_tree() -> QuerySet[Category]:
    return Category.objects.select_related("parent").order_by("parent_id", "position", "name")
