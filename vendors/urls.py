from django.urls import path

from vendors import views

urlpatterns = [
    path("vendors/register/", views.register, name="vendor-register"),
    path("vendors/", views.vendor_directory, name="vendor-directory"),
    path("vendors/review/", views.vendor_review, name="vendor-review"),
    path("vendors/<int:pk>/", views.vendor_detail, name="vendor-detail"),
    path(
        "vendors/<int:pk>/tax-profile/check/",
        views.vendor_tax_profile_check,
        name="vendor-tax-profile-check",
    ),
    path("vendors/<int:pk>/<str:action>/", views.vendor_action, name="vendor-action"),
    path("vendor/", views.vendor_home, name="vendor-home"),
    path("vendor/profile/", views.vendor_profile, name="vendor-profile"),
    path("vendor/tax-profile/", views.vendor_tax_profile, name="vendor-tax-profile"),
    path("vendor/documents/<int:pk>/", views.document_download, name="vendor-document"),
    path("umkm/", views.vendor_statistics_page, name="vendor-statistics"),
]
