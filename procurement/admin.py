"""Admin for fiscal years, budget lines, the policy, holidays and the tax rules; every change is
audited (fiscal years, budget lines, the policy and departments' targets through
procurement.services)."""

from django.contrib import admin

from market.admin_mixins import AuditedAdminMixin, ReadOnlyAdminMixin, ServiceAdminMixin
from procurement import services
from procurement.models import (
    BudgetLine,
    DepartmentTarget,
    FiscalYear,
    Holiday,
    Policy,
    SpendEntry,
    TaxRules,
)


@admin.register(FiscalYear)
class FiscalYearAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = ["year", "is_open"]
    fields = ["year"]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_through_service(self, request, obj, form, change):
        return services.fiscal_year_open(year=obj.year, by=request.user)


@admin.register(BudgetLine)
class BudgetLineAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = [
        "department",
        "fiscal_year",
        "account_code",
        "name",
        "allocated",
        "committed",
        "realised",
    ]
    list_filter = ["fiscal_year", "department"]
    search_fields = ["account_code", "name", "department__code"]
    list_select_related = ["department", "fiscal_year"]
    readonly_fields = ["committed", "realised"]

    def get_readonly_fields(self, request, obj=None):
        fixed = ["department", "fiscal_year", "account_code", "name"] if obj else []
        return [*fixed, *self.readonly_fields]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_through_service(self, request, obj, form, change):
        if change:
            return services.budget_line_set_allocation(
                line=obj, allocated=obj.allocated, by=request.user
            )
        return services.budget_line_create(
            department=obj.department,
            fiscal_year=obj.fiscal_year,
            account_code=obj.account_code,
            name=obj.name,
            allocated=obj.allocated,
            by=request.user,
        )


@admin.register(Policy)
class PolicyAdmin(ServiceAdminMixin, admin.ModelAdmin):
    """A fiscal year's policy, changed through procurement.services.policy_update as the
    policy page and the API change it: the same rules, the same audit event."""

    list_display = [
        "fiscal_year",
        "small_business_target",
        "direct_purchase_ceiling",
        "approval_threshold",
        "vendor_response_days",
    ]
    filter_horizontal = ["reserved_categories"]
    readonly_fields = ["fiscal_year"]

    def has_add_permission(self, request):
        return False  # a policy comes with its fiscal year (fiscal_year_open), defaults and all

    def has_delete_permission(self, request, obj=None):
        return False

    def save_through_service(self, request, obj, form, change):
        return services.policy_update(
            fiscal_year=obj.fiscal_year,
            by=request.user,
            **{name: form.cleaned_data[name] for name in form.changed_data},
        )


@admin.register(DepartmentTarget)
class DepartmentTargetAdmin(ServiceAdminMixin, admin.ModelAdmin):
    """A department's own target, never below the organisation's (procurement.services)."""

    list_display = ["department", "fiscal_year", "small_business_target"]
    list_filter = ["fiscal_year"]

    def save_through_service(self, request, obj, form, change):
        return services.department_target_set(
            fiscal_year=obj.fiscal_year,
            department=obj.department,
            target=obj.small_business_target,
            by=request.user,
        )


@admin.register(Holiday)
class HolidayAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["date", "name"]
    date_hierarchy = "date"


@admin.register(TaxRules)
class TaxRulesAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """A new regulation is a new row from its date; a row in force is never changed, so that
    the taxes computed under it can still be explained (procurement.taxes)."""

    list_display = ["effective_from", "source", "ppn_rate", "pph22_rate", "final_rate"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in TaxRules._meta.fields] if obj else []

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SpendEntry)
class SpendEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The ledger is written by services only; here it can be read and filtered."""

    list_display = [
        "occurred_at",
        "order_number",
        "kind",
        "amount",
        "department",
        "vendor_name",
        "vendor_scale",
    ]
    list_filter = ["kind", "fiscal_year", "department", "vendor_scale", "vendor_is_local"]
    search_fields = ["order_number", "vendor_name"]
    list_select_related = ["department"]
