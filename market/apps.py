from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class MarketConfig(AppConfig):
    name = "market"
    verbose_name = _("Accounts, regions and audit")


class AdminConfig(admin_apps.AdminConfig):
    """Django's admin, on the site that runs every change as one audited action."""

    default = False  # named in INSTALLED_APPS in place of django.contrib.admin
    default_site = "market.admin_site.AdminSite"
