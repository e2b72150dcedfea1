"""Admin for people, departments, roles, regions and (read-only) the audit trail.

Every change made here is audited (AuditedAdminMixin, or the service a save goes through).
"""

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from market.admin_mixins import AuditedAdminMixin, ReadOnlyAdminMixin, ServiceAdminMixin
from market.models import (
    ApiToken,
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
from market.services.api_tokens import api_token_revoke
from market.services.audit import audit_record


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["department"]


class OrganisationMembershipInline(admin.TabularInline):
    model = OrganisationMembership
    extra = 0


@admin.register(User)
class UserAdmin(AuditedAdminMixin, DjangoUserAdmin):
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Contact"), {"fields": ("full_name", "phone", "language", "message_language")}),
    )
    list_display = ["username", "full_name", "email", "is_active", "is_staff"]
    readonly_fields = ["date_joined", "last_login"]  # kept by Django, not typed
    search_fields = ["username", "full_name", "email"]
    inlines = [MembershipInline, OrganisationMembershipInline]

    def save_formset(self, request, form, formset, change):
        """Roles are granted and revoked through the services, so each change is audited."""
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)  # audited by the mixin
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

    def deleted_snapshot(self, obj) -> dict:
        """Deleting a person deletes their roles with them: the event lists those too."""
        return {
            **super().deleted_snapshot(obj),
            "memberships": [
                f"{m.department.code}:{m.role}"
                for m in obj.memberships.select_related("department")
            ],
            "organisation_roles": list(obj.organisation_memberships.values_list("role", flat=True)),
            "vendor": str(getattr(getattr(obj, "vendor_membership", None), "vendor", "") or ""),
        }

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:  # the password was set
            audit_record(
                actor=request.user,
                action="admin.user.set_password",
                target=User.objects.get(pk=id),
            )
        return response


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(AuditedAdminMixin, DjangoGroupAdmin):
    pass


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Signed-in devices: an administrator can sign one out (a lost phone), never make one,
    since a token's secret is shown only to the device that signed in."""

    list_display = ["user", "name", "created", "last_used_at", "expiry"]
    search_fields = ["user__username", "name"]
    list_select_related = ["user"]
    fields = ["user", "name", "created", "last_used_at", "expiry"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    # Through the service, which audits the device signed out without the token's digest.
    def delete_model(self, request, obj):
        api_token_revoke(token=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for token in queryset:
            api_token_revoke(token=token, by=request.user)


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "short_name", "regency"]


@admin.register(Department)
class DepartmentAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "name"]

    def get_fields(self, request, obj=None):
        return ["organisation", "code", "name", "address", *(["is_active"] if obj else [])]

    def get_readonly_fields(self, request, obj=None):
        return ["organisation", "code"] if obj else []  # a department keeps its code

    def save_through_service(self, request, obj, form, change):
        if change:
            return accounts.department_update(
                department=obj,
                name=obj.name,
                address=obj.address,
                is_active=obj.is_active,
                by=request.user,
            )
        return accounts.department_create(
            organisation=obj.organisation,
            code=obj.code,
            name=obj.name,
            address=obj.address,
            by=request.user,
        )


class VillageInline(admin.TabularInline):
    model = Village
    extra = 0


@admin.register(District)
class DistrictAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name"]
    inlines = [VillageInline]


@admin.register(Village)
class VillageAdmin(AuditedAdminMixin, admin.ModelAdmin):
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
