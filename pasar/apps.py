from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class PasarConfig(AppConfig):
    """The project shell: settings, root URLs, the home page, probes, the demo's commands."""

    name = "pasar"
    verbose_name = _("Pasar Sistemik")


class AdminConfig(admin_apps.AdminConfig):
    """Django's admin, on the site that runs every change as one audited action."""

    default = False  # named in INSTALLED_APPS in place of django.contrib.admin
    default_site = "pasar.admin_site.AdminSite"
