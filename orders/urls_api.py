from django.urls import path

from orders import api, negotiation_api, tax_register_views
from orders.actions import OFFERED

urlpatterns = [
    path("cart/", api.CartApi.as_view(), name="cart"),
    path("cart/items/", api.CartItemsApi.as_view(), name="cart-items"),
    path("cart/items/<int:product_id>/", api.CartItemApi.as_view(), name="cart-item"),
    path("cart/preview/", api.CartPreviewApi.as_view(), name="cart-preview"),
    path("cart/checkout/", api.CheckoutApi.as_view(), name="cart-checkout"),
    path("tax-register/", tax_register_views.TaxRegisterApi.as_view(), name="tax-register"),
    path("orders/", api.OrderListApi.as_view(), name="order-list"),
    path("orders/<int:pk>/", api.OrderDetailApi.as_view(), name="order-detail"),
    *[
        path(
            f"orders/<int:pk>/{action.name}/",
            api.OrderActionApi.for_action(action),
            name=f"order-{action.name}",
        )
        for action in OFFERED
    ],
    path(
        "orders/<int:pk>/negotiation/",
        negotiation_api.NegotiationApi.as_view(),
        name="order-negotiation",
    ),
    *[
        path(
            f"orders/<int:pk>/negotiation/{move}/",
            view.as_view(),
            name=f"order-negotiation-{move}",
        )
        for move, view in negotiation_api.MOVES.items()
    ],
    path(
        "orders/<int:pk>/documents/<slug:kind>/",
        api.OrderDocumentApi.as_view(),
        name="order-document",
    ),
    path("vendor/orders/", api.VendorOrderListApi.as_view(), name="vendor-order-list"),
    path("payments/stripe/webhook/", api.StripeWebhookApi.as_view(), name="stripe-webhook"),
    path("exports/", api.ExportListApi.as_view(), name="export-list"),
    path("public/ocds/", api.PublicOcdsApi.as_view(), name="public-ocds"),
    path("exports/<int:pk>/", api.ExportDetailApi.as_view(), name="export-detail"),
    path("exports/<int:pk>/file/", api.ExportFileApi.as_view(), name="export-file"),
    path("standing-orders/", api.StandingOrderListApi.as_view(), name="standing-order-list"),
    path(
        "standing-orders/<int:pk>/",
        api.StandingOrderDetailApi.as_view(),
        name="standing-order-detail",
    ),
    path(
        "standing-orders/<int:pk>/stop/",
        api.StandingOrderStopApi.as_view(),
        name="standing-order-stop",
    ),
]
