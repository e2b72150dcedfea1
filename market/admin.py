"""Admin for people, departments, roles, regions and (read-only) the audit trail."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from market.admin_mixins import ReadOnlyAdminMixin
from market.models import (
    AuditEvent,
    Department,
    District,
    Membership,
    Organisation,
    OrganisationMembership,
    User,
    Village,
)
from market.services import accounts


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["department"]


class OrganisationMembershipInline(admin.TabularInline):
    model = OrganisationMembership
    extra = 0


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Contact"), {"fields": ("full_name", "phone")}),
    )
    list_display = ["username", "full_name", "email", "is_active", "is_staff"]
    search_fields = ["username", "full_name", "email"]
    inlines = [MembershipInline, OrganisationMembershipInline]

    def save_formset(self, request, form, formset, change):
        """Roles are granted and revoked through the services, so each change is audited."""
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        instances = formset.save(commit=False)
        for membership in formset.deleted_objects:
            accounts.membership_revoke(membership=membership, by=request.user)
        for membership in instances:
            if membership.pk:  # an edited row: revoke the old role, grant the new one
                accounts.membership_revoke(
                    membership=Membership.objects.get(pk=membership.pk), by=request.user
                )
            accounts.membership_grant(
                user=form.instance,
                department=membership.department,
                role=membership.role,
                by=request.user,
            )


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "regency"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "name"]

    def save_model(self, request, obj, form, change):
        if change:
            accounts.department_update(
                department=obj,
                name=obj.name,
                address=obj.address,
                is_active=obj.is_active,
                by=request.user,
            )
        else:
            created = accounts.department_create(
                organisation=obj.organisation, code=obj.code, name=obj.name, by=request.user
            )
            obj.pk = created.pk


class VillageInline(admin.TabularInline):
    model = Village
    extra = 0


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name"]
    inlines = [VillageInline]


@admin.register(Village)
class VillageAdmin(admin.ModelAdmin):
    list_display = ["name", "district", "is_priority"]
    list_filter = ["district", "is_priority"]
    search_fields = ["name"]
    list_select_related = ["district"]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["sequence", "created_at", "actor_label", "action", "object_repr"]
    list_filter = ["action"]
    search_fields = ["object_repr", "actor_label", "object_id"]
    date_hierarchy = "created_at"
