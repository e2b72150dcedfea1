"""The catalogue: a category tree, vendors' products with photos, and their price history."""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from market.bounds import DESCRIPTION_LENGTH
from market.money import RupiahField
from vendors.models import Vendor


class TaxClass(models.TextChoices):
    """What PPN the goods of a category bear (procurement.taxes)."""

    TAXABLE = "taxable", _("Taxable")
    EXEMPT_STAPLE = "exempt", _("Exempt staple")
    LUXURY = "luxury", _("Luxury")


class Category(models.Model):
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name (Indonesian)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    tax_class = models.CharField(
        _("PPN class"),
        max_length=10,
        choices=TaxClass.choices,
        default=TaxClass.TAXABLE,
        help_text=_(
            # xgettext:no-python-format
            "Taxable: PPN 12 % on 11/12 of the price (PMK 131/2024). Exempt staple: rice, grain, "
            "maize, soybeans, salt, meat, eggs, milk, fruit, vegetables and the other basic needs "
            "PP 49/2022 frees from PPN. Luxury: PPN 12 % on the whole price (PMK 131/2024 art. 2)."
        ),
    )
    pph22_excluded = models.BooleanField(
        _("excluded from PPh 22"),
        default=False,
        help_text=_(
            "Treasurers withhold no PPh 22 on these goods. Summaries of PMK 59/2022 art. 12 read "
            "the exclusion of rice and grain purchases as covering every treasurer; PMK 34/2017 "
            "words it for Bulog's purchases only. The marketplace excludes rice and grain by "
            "default; untick it where the tax office reads it the narrow way."
        ),
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """Category names are data, so they carry their own English name."""
        return self.name_en if get_language() == "en" and self.name_en else self.name


class Unit(models.TextChoices):
    """The one vocabulary of units: stored as these codes everywhere (products, order lines),
    shown as their label in the reader's language (`pcs` is "buah" in Indonesian)."""

    KG = "kg", _("kg")
    PIECE = "pcs", _("pcs")
    PACK = "pack", _("pack")
    SET = "set", _("set")
    BOX = "box", _("box")
    LITRE = "litre", _("litre")


class Product(models.Model):
    vendor = models.ForeignKey(
        Vendor, on_delete=models.PROTECT, related_name="products", verbose_name=_("vendor")
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="products", verbose_name=_("category")
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), max_length=DESCRIPTION_LENGTH, blank=True)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)
    unit_price = RupiahField(_("unit price"))
    made_to_order = models.BooleanField(_("made to order"), default=False)
    stock = models.DecimalField(_("stock"), max_digits=12, decimal_places=3, default=0)
    # Held for submitted orders not yet shipped; kept by catalog.services under row locks.
    reserved = models.DecimalField(
        _("reserved"), max_digits=12, decimal_places=3, default=0, editable=False
    )
    lead_time_days = models.PositiveSmallIntegerField(_("lead time (days)"), default=0)
    minimum_order = models.DecimalField(
        _("minimum order"), max_digits=12, decimal_places=3, default=1
    )
    tkdn_percent = models.DecimalField(
        _("TKDN %"),
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Domestic component level (tingkat komponen dalam negeri)."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    # Name, description, category and vendor names in one column, kept by catalog.services,
    # so that search (full-text and trigram, GIN-indexed on PostgreSQL) reads a single field.
    search_document = models.TextField(editable=False, default="")
    # Its full-text form, kept by catalog.services on PostgreSQL (SQLite leaves it empty).
    search_vector = SearchVectorField(null=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        indexes = [
            models.Index(fields=["is_active", "unit_price"], name="product_active_price_idx"),
            models.Index(fields=["vendor", "is_active"], name="product_vendor_active_idx"),
            # The catalogue's order: a page of it reads 20 entries, not every product sorted.
            models.Index(
                fields=["name", "id"], condition=Q(is_active=True), name="product_active_name_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(unit_price__gt=0), name="product_price_positive"),
            models.CheckConstraint(condition=Q(stock__gte=0), name="product_stock_not_negative"),
            models.CheckConstraint(
                condition=Q(reserved__gte=0)
                & (Q(made_to_order=True) | Q(reserved__lte=F("stock"))),
                name="product_reserved_within_stock",
            ),
            models.CheckConstraint(
                condition=Q(minimum_order__gt=0), name="product_minimum_order_positive"
            ),
            models.CheckConstraint(
                condition=Q(tkdn_percent__gte=0, tkdn_percent__lte=100),
                name="product_tkdn_percent_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def in_stock(self) -> bool:
        return self.made_to_order or self.available > 0

    @property
    def available(self):
        """What can still be ordered: stock not held for other orders."""
        return self.stock - self.reserved


class PriceChange(models.Model):
    """Every price a product has had, so that a buyer or auditor can see what changed when."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="price_changes")
    old_price = RupiahField(_("old price"), null=True)
    new_price = RupiahField(_("new price"))
    changed_at = models.DateTimeField(_("changed"), auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("price change")
        verbose_name_plural = _("price changes")

    def __str__(self) -> str:
        return f"{self.product}: {self.old_price} → {self.new_price}"


class ProductImage(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    image = models.FileField(_("image"), upload_to="catalog/products/%Y/%m/")
    thumbnail = models.FileField(_("thumbnail"), upload_to="catalog/thumbnails/%Y/%m/", blank=True)
    content_type = models.CharField(max_length=20)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("product photo")
        verbose_name_plural = _("product photos")

    def __str__(self) -> str:
        return f"{self.product} #{self.position}"

    @property
    def thumbnail_url(self) -> str:
        return (self.thumbnail or self.image).url


class SearchWord(models.Model):
    """A word some product's search document holds (PostgreSQL keeps them, with a trigram
    index): a word typed with a typo is matched against these few thousand words, not against
    every product, and the products are then found by the word it was meant to be."""

    word = models.CharField(max_length=100, primary_key=True)

    class Meta:
        verbose_name = _("search word")
        verbose_name_plural = _("search words")

    def __str__(self) -> str:
        return self.word


class ProductWord(models.Model):
    """One word of one product's search vector, beside the product's name as search results
    sort it (PostgreSQL keeps them). Read in (word, name) order from its index, a page of a
    word's results costs that page, not every product holding the word ("beras": 6,000)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="words")
    word = models.CharField(max_length=100)
    sort_name = models.CharField(max_length=200)

    class Meta:
        verbose_name = _("product word")
        verbose_name_plural = _("product words")
        constraints = [
            models.UniqueConstraint(fields=["word", "product"], name="product_word_once"),
        ]
        indexes = [
            models.Index(fields=["word", "sort_name", "product"], name="product_word_order_idx"),
        ]

    def __str__(self) -> str:
        return self.word
