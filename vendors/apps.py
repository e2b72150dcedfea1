from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VendorsConfig(AppConfig):
    name = "vendors"
    verbose_name = _("Vendors")

    def ready(self):
        from market.audit_privacy import register_private_fields
        from market.home import register_panel
        from vendors.permissions import AUDIT_FINGERPRINTED, private_fields_for
        from vendors.views import vendor_panel

        register_panel(vendor_panel, order=10)
        register_private_fields(
            "vendors.vendor",
            fields=AUDIT_FINGERPRINTED,
            last_digits={"bank_account_number"},
            readable=private_fields_for,
        )
