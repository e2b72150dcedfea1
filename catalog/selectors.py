"""Reads of the catalogue: the category tree, what buyers may see, and search.

On PostgreSQL search finds the products holding every word of the query (plain words through
ProductWord, read in name order from its index; quotes and operators through full text over the
stored search vector, GIN-indexed); when the words as typed find nothing, each unknown word is
corrected to the known word it most resembles (trigram similarity over the few thousand words
products hold, GIN-indexed) and the search runs again.
On SQLite every word must appear in the document, or failing that resemble one of its words.
"""

import hashlib
import re
from difflib import SequenceMatcher

from django.contrib.postgres.search import SearchQuery, TrigramSimilarity
from django.core.cache import cache
from django.db import connection
from django.db.models import Exists, F, FilteredRelation, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Lower

from catalog.models import Category, Product, ProductImage, ProductWord, SearchWord
from vendors.models import VendorStatus
from vendors.permissions import vendor_of
from vendors.selectors import best_rated_first, vendor_filter, vendors_named

PLAIN_WORD = re.compile(r"[0-9a-z]+")  # a word whose full-text lexeme is itself
TYPO_SIMILARITY = 0.8  # SQLite fallback: "bras" ~ "beras" is 0.89, "seragm" ~ "seragam" 0.92

ORDERINGS = {
    "price": ("unit_price", "id"),
    "-price": ("-unit_price", "id"),
    "name": ("name", "id"),
    "-name": ("-name", "id"),
    "newest": ("-created_at", "-id"),
}

# Products of the best rated vendors first ("new" vendors after them): vendors.selectors.
BEST_RATED = "best_rated"


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


def category_names(slugs) -> dict[str, str]:
    """{slug: the category's name in the reader's language} of these categories (an order
    line keeps its category's slug)."""
    slugs = set(slugs)
    if not slugs:
        return {}
    return {
        category.slug: category.display_name for category in Category.objects.filter(slug__in=slugs)
    }


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
    """The products matching the query, in name order."""
    query = " ".join((query or "").split())[:100]
    if not query:
        return products
    by_name = (Lower("name"), "id")
    if connection.vendor == "postgresql":
        words = query.lower().split()
        if all(PLAIN_WORD.fullmatch(word) for word in words) and "or" not in words:
            # Each word no product holds is replaced by the known word it most resembles
            # ("bras" -> "beras"); known words stay as they are.
            corrected = corrected_words(query)
            return _holding(products, corrected.split()) if corrected else products.none()
        # Quotes, "-word", "or": full text (GIN-indexed), corrected when it finds nothing.
        exact = products.filter(
            search_vector=SearchQuery(query, config="simple", search_type="websearch")
        ).order_by(*by_name)
        if exact.exists():
            return exact
        corrected = corrected_words(query)
        return _holding(products, corrected.split()) if corrected else products.none()
    exact = products
    for word in query.split():
        exact = exact.filter(search_document__icontains=word)
    if exact.exists():
        return exact.order_by(*by_name)
    return products.filter(pk__in=_similar_product_ids(products, query)).order_by(*by_name)


def _holding(products: QuerySet[Product], words: list[str]) -> QuerySet[Product]:
    """Products holding every word, joined to the first word's rows (ProductWord) so that
    name order can be read from their index; the other words are looked up per product."""
    first, *rest = words
    found = products.annotate(
        search_hit=FilteredRelation("words", condition=Q(words__word=first))
    ).filter(search_hit__word=first)
    for word in rest:
        found = found.filter(Exists(ProductWord.objects.filter(product=OuterRef("pk"), word=word)))
    return found.order_by("search_hit__sort_name", "search_hit__product_id")


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
    vendor_name: str = "",
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
    if vendor_name.strip():
        products = products.filter(vendor_id__in=vendors_named(vendor_name).values("pk"))
    if min_price is not None:
        products = products.filter(unit_price__gte=min_price)
    if max_price is not None:
        products = products.filter(unit_price__lte=max_price)
    if in_stock is True:
        products = products.filter(Q(made_to_order=True) | Q(stock__gt=F("reserved")))
    elif in_stock is False:
        products = products.filter(made_to_order=False, stock__lte=F("reserved"))
    products = vendor_filter(products, prefix="vendor__", **vendor_flags)
    if ordering == BEST_RATED:
        found = product_search(products, search)
        return found.order_by(*best_rated_first("vendor__"), "name", "id")
    if ordering in ORDERINGS:
        return product_search(products, search).order_by(*ORDERINGS[ordering])
    if not search:  # the catalogue's order, read a page at a time from its index
        return products.order_by(*ORDERINGS["name"])
    # Found products by name too: from the words' index in (word, name) order where the words
    # are plain, else sorted after full text found them all (walking the name index would read
    # every name before the first match: "telur", 80,000).
    return product_search(products, search)


def category_tree() -> QuerySet[Category]:
    return Category.objects.select_related("parent").order_by("parent_id", "position", "name")
