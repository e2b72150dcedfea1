from django.urls import path

from catalog import api

urlpatterns = [
    path("categories/", api.CategoryListApi.as_view(), name="category-list"),
    path("products/", api.ProductListApi.as_view(), name="product-list"),
    path("products/<int:pk>/", api.ProductDetailApi.as_view(), name="product-detail"),
    path("vendor/products/", api.VendorProductListApi.as_view(), name="vendor-product-list"),
    path(
        "vendor/products/<int:pk>/",
        api.VendorProductDetailApi.as_view(),
        name="vendor-product-detail",
    ),
    path(
        "vendor/products/<int:pk>/images/",
        api.VendorProductImageApi.as_view(),
        name="vendor-product-images",
    ),
]
