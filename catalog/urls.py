from django.urls import path

from catalog import views

urlpatterns = [
    path("catalog/", views.catalogue, name="catalogue"),
    path("catalog/<int:pk>/", views.product_detail, name="product-detail"),
    path("vendor/products/", views.vendor_products, name="vendor-products"),
    path("vendor/products/new/", views.vendor_product_edit, name="vendor-product-new"),
    path("vendor/products/<int:pk>/", views.vendor_product_edit, name="vendor-product-edit"),
]
