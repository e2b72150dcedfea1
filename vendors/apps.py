from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VendorsConfig(AppConfig):
    name = "vendors"
    verbose_name = _("Vendors")

    def ready(self):
        from market.home import register_panel
        from vendors.views import vendor_panel

        register_panel(vendor_panel, order=10)
