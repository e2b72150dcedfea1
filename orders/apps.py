from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = _("Orders")

    def ready(self):
        from market.audit_scope import register_department_objects
        from market.audit_words import register_audit_words
        from market.home import register_panel
        from orders.actions import timeline_label
        from orders.audit_words import FIELDS, order_event_values
        from orders.models import PurchaseOrder, StandingOrder
        from orders.views import orders_panel

        register_panel(orders_panel, order=5)
        register_audit_words(
            "orders.purchaseorder", fields=FIELDS, summary=timeline_label, values=order_event_values
        )
        for object_type, model in (
            ("orders.purchaseorder", PurchaseOrder),
            ("orders.standingorder", StandingOrder),
        ):
            register_department_objects(
                object_type,
                lambda department, model=model: model.objects.filter(department=department),
            )
