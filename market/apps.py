from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class MarketConfig(AppConfig):
    name = "market"
    verbose_name = _("Accounts, regions and audit")

    def ready(self):
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import pre_save

        from market.audit_privacy import register_private_fields
        from market.audit_scope import register_department_objects
        from market.middleware import mark_signed_in
        from market.models import Department, Membership, User
        from market.permissions import PERSON_PRIVATE_FIELDS, person_private_fields_for
        from market.signals import revoke_tokens_when_access_changes
        from market.throttles import audit_lockout

        user_logged_in.connect(mark_signed_in, dispatch_uid="market.idle_timeout")
        user_locked_out.connect(audit_lockout, dispatch_uid="market.audit_lockout")
        pre_save.connect(
            revoke_tokens_when_access_changes, sender=User, dispatch_uid="market.revoke_tokens"
        )
        register_department_objects(
            "market.department", lambda department: Department.objects.filter(pk=department.pk)
        )
        register_department_objects(
            "market.membership", lambda department: Membership.objects.filter(department=department)
        )
        register_private_fields(
            "market.user", fields=PERSON_PRIVATE_FIELDS, readable=person_private_fields_for
        )


class AdminConfig(admin_apps.AdminConfig):
    """Django's admin, on the site that runs every change as one audited action."""

    default = False  # named in INSTALLED_APPS in place of django.contrib.admin
    default_site = "market.admin_site.AdminSite"
