from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = _("Orders")

    def ready(self):
        from market.audit_scope import register_department_objects
        from market.home import register_panel
        from orders.models import PurchaseOrder, StandingOrder
        from orders.views import orders_panel

        register_panel(orders_panel, order=5)
        for object_type, model in (
            ("orders.purchaseorder", PurchaseOrder),
            ("orders.standingorder", StandingOrder),
        ):
            register_department_objects(
                object_type,
                lambda department, model=model: model.objects.filter(department=department),
            )
