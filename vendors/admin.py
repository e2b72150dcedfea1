"""Admin for the vendor registry. Changes go through vendors.services (checked and audited)."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from market.admin_mixins import AuditedAdminMixin, ReadOnlyAdminMixin, ServiceAdminMixin
from market.errors import DomainError
from vendors import services
from vendors.models import (
    Scale,
    ScaleCriteria,
    Vendor,
    VendorDocument,
    VendorMember,
    VendorTaxProfile,
)
from vendors.selectors import vendor_documents_missing

EDITABLE = [field for field in services.DECLARED_FIELDS if field != "declared_scale"]


class VendorAdminForm(forms.ModelForm):
    """The registry's fields, changed through vendors.services.vendor_update like the vendor's
    own page; the scale follows the figures or, when they are withheld, the declared scale."""

    declared_scale = forms.ChoiceField(
        label=_("Scale, if the figures are withheld"),
        choices=[("", "—"), *Scale.choices],
        required=False,
    )

    class Meta:
        model = Vendor
        fields = EDITABLE

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.scale_is_declared:
            self.fields["declared_scale"].initial = self.instance.scale

    def changes(self) -> dict:
        changes = {name: self.cleaned_data.get(name) for name in self.changed_data}
        if "village" in changes and changes["village"] is None:
            changes["village"] = services.OUTSIDE_REGENCY  # the admin leaves it empty for that
        return changes


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
class VendorAdmin(ServiceAdminMixin, admin.ModelAdmin):
    form = VendorAdminForm
    list_display = ["legal_name", "nib", "scale", "status", "village", "created_at"]
    list_filter = ["status", "scale", "is_cooperative", "is_women_led", "village__district"]
    search_fields = ["legal_name", "trading_name", "nib", "npwp"]
    list_select_related = ["village__district"]
    readonly_fields = [
        "status",
        "status_reason",
        "status_changed_at",
        "documents_missing",
        "scale",
        "created_at",
    ]
    inlines = [VendorMemberInline, VendorDocumentInline]
    actions = ["verify_selected"]

    def has_add_permission(self, request):
        return False  # vendors register themselves (or come in through import_vendors)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("documents missing for verification"))
    def documents_missing(self, vendor):
        return services.document_names(vendor_documents_missing(vendor)) if vendor.pk else ""

    def save_through_service(self, request, obj, form, change):
        return services.vendor_update(vendor=obj, by=request.user, **form.changes())

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


@admin.register(VendorTaxProfile)
class VendorTaxProfileAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read here; declared by the vendor's owner and checked on the vendor's page, so that each
    change goes through its service (vendors.tax_profile) and is audited."""

    list_display = ["vendor", "taxpayer_kind", "is_pkp", "final_valid_to", "status"]
    list_filter = ["status", "is_pkp", "taxpayer_kind"]
