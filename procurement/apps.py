from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcurementConfig(AppConfig):
    name = "procurement"
    verbose_name = _("Budgets and procurement policy")

    def ready(self):
        from catalog.pricing import register_price_ceiling
        from market.audit_scope import register_department_objects
        from market.home import register_panel
        from procurement.models import BudgetLine
        from procurement.selectors import direct_purchase_ceiling
        from procurement.views import budget_panel

        register_panel(budget_panel, order=20)
        register_price_ceiling(direct_purchase_ceiling)
        register_department_objects(
            "procurement.budgetline",
            lambda department: BudgetLine.objects.filter(department=department),
        )
