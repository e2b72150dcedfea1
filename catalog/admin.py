"""Admin for the category tree and a read-mostly view of products."""

from django.contrib import admin

from catalog import services
from catalog.models import Category, PriceChange, Product, ProductImage
from market.admin_mixins import ReadOnlyAdminMixin, ServiceAdminMixin


@admin.register(Category)
class CategoryAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = ["name", "name_en", "parent", "slug", "position", "tax_class", "pph22_excluded"]
    list_filter = ["parent", "tax_class", "pph22_excluded"]
    search_fields = ["name", "name_en"]

    def get_prepopulated_fields(self, request, obj=None):
        # Only while adding: the slug is read-only once made, and a prepopulated field that is
        # not on the form breaks the change page.
        return {} if obj else {"slug": ["name_en"]}

    def get_readonly_fields(self, request, obj=None):
        return ["slug", "parent"] if obj else []

    def has_delete_permission(self, request, obj=None):
        return False

    def save_through_service(self, request, obj, form, change):
        if change:
            return services.category_update(
                category=obj,
                name=obj.name,
                name_en=obj.name_en,
                position=obj.position,
                tax_class=obj.tax_class,
                pph22_excluded=obj.pph22_excluded,
                by=request.user,
            )
        return services.category_create(
            name=obj.name,
            name_en=obj.name_en,
            parent=obj.parent,
            slug=obj.slug,
            position=obj.position,
            tax_class=obj.tax_class,
            pph22_excluded=obj.pph22_excluded,
            by=request.user,
        )


class ProductImageInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ProductImage
    extra = 0
    fields = ["image", "thumbnail", "width", "height"]
    readonly_fields = fields


class PriceChangeInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = PriceChange
    extra = 0
    readonly_fields = ["old_price", "new_price", "changed_at", "changed_by"]


@admin.register(Product)
class ProductAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Vendors keep their own catalogues; administrators read them here."""

    list_display = ["name", "vendor", "category", "unit_price", "unit", "is_active"]
    list_filter = ["is_active", "category", "vendor__status"]
    search_fields = ["name", "vendor__legal_name"]
    list_select_related = ["vendor", "category"]
    inlines = [ProductImageInline, PriceChangeInline]
