"""Admin for the vendor registry. Changes go through vendors.services (checked and audited)."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from market.admin_mixins import AuditedAdminMixin
from market.errors import DomainError
from market.inputs import problems_of
from vendors import services
from vendors.models import Scale, ScaleCriteria, Vendor, VendorDocument, VendorMember

EDITABLE = [
    "legal_name",
    "trading_name",
    "nib",
    "npwp",
    "contact_person",
    "phone",
    "email",
    "address",
    "village",
    "is_cooperative",
    "is_women_led",
    "declared_capital",
    "declared_annual_sales",
    "bank_name",
    "bank_account_number",
    "bank_account_holder",
]


class VendorAdminForm(forms.ModelForm):
    """The same checks as the vendor's own pages: the service is asked before saving."""

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

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and not self.errors:
            problems = problems_of(
                lambda: services.vendor_update(
                    vendor=self.instance, by=self.administrator, **self.changes()
                )
            )
            for name, messages_ in problems.items():
                self.add_error(name if name in self.fields else None, messages_)
        return cleaned


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
    form = VendorAdminForm
    list_display = ["legal_name", "nib", "scale", "status", "village", "created_at"]
    list_filter = ["status", "scale", "is_cooperative", "is_women_led", "village__district"]
    search_fields = ["legal_name", "trading_name", "nib", "npwp"]
    list_select_related = ["village__district"]
    readonly_fields = ["status", "status_reason", "status_changed_at", "scale", "created_at"]
    inlines = [VendorMemberInline, VendorDocumentInline]
    actions = ["verify_selected"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.administrator = request.user
        return form

    def has_add_permission(self, request):
        return False  # vendors register themselves (or come in through import_vendors)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        services.vendor_update(vendor=obj, by=request.user, **form.changes())

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
