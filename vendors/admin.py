"""Admin for the vendor registry. Status changes go through vendors.services (audited)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from market.admin_mixins import AuditedAdminMixin
from market.errors import DomainError
from vendors import services
from vendors.models import ScaleCriteria, Vendor, VendorDocument, VendorMember


class VendorMemberInline(admin.TabularInline):
    model = VendorMember
    extra = 0
    raw_id_fields = ["user"]


class VendorDocumentInline(admin.TabularInline):
    model = VendorDocument
    extra = 0
    fields = ["kind", "original_name", "content_type", "size", "uploaded_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Vendor)
class VendorAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["legal_name", "nib", "scale", "status", "village", "created_at"]
    list_filter = ["status", "scale", "is_cooperative", "is_women_led", "village__district"]
    search_fields = ["legal_name", "trading_name", "nib", "npwp"]
    list_select_related = ["village__district"]
    readonly_fields = ["status", "status_reason", "status_changed_at", "scale", "created_at"]
    inlines = [VendorMemberInline, VendorDocumentInline]
    actions = ["verify_selected"]

    def has_add_permission(self, request):
        return False  # vendors register themselves (or come in through import_vendors)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Verify the selected applications"))
    def verify_selected(self, request, queryset):
        for vendor in queryset:
            try:
                services.vendor_verify(vendor=vendor, by=request.user)
            except DomainError as error:
                self.message_user(request, f"{vendor}: {error.message}", messages.WARNING)


@admin.register(ScaleCriteria)
class ScaleCriteriaAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["regulation", "effective_from"]
