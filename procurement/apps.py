from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcurementConfig(AppConfig):
    name = "procurement"
    verbose_name = _("Budgets and procurement policy")

    def ready(self):
        from market.home import register_panel
        from procurement.views import budget_panel

        register_panel(budget_panel, order=20)
