from django.urls import path

from orders import payment_views, public_views, tax_register_views, views

urlpatterns = [
    path("cart/", views.cart, name="cart"),
    path("cart/add/<int:product_id>/", views.add_to_cart, name="cart-add"),
    path("orders/", views.order_list, name="order-list"),
    path("orders/<int:pk>/", views.order_detail, name="order-detail"),
    path("orders/<int:pk>/do/<slug:action>/", views.order_action, name="order-action"),
    path(
        "orders/<int:pk>/negotiation/<slug:move>/",
        views.negotiation_move,
        name="order-negotiation-move",
    ),
    path("orders/<int:pk>/pay/card/", payment_views.card_payment_begin, name="order-pay-card"),
    path(
        "orders/<int:pk>/pay/card/<int:payment_id>/",
        payment_views.card_payment_page,
        name="order-card-payment",
    ),
    path(
        "orders/<int:pk>/documents/<slug:kind>.pdf",
        views.order_document,
        name="order-document-pdf",
    ),
    path("vendor/orders/", views.vendor_orders, name="vendor-orders"),
    path("taxes/register/", tax_register_views.tax_register_page, name="tax-register"),
    path("exports/", views.export_list, name="export-list"),
    path("exports/<int:pk>/download/", views.export_download, name="export-download"),
    path("standing-orders/", views.standing_order_list, name="standing-order-list"),
    path("standing-orders/<int:pk>/stop/", views.standing_order_stop, name="standing-order-stop"),
    path("transparency/purchases/", public_views.purchase_list, name="public-purchases"),
]
