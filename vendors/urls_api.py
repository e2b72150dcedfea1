from django.urls import path

from vendors import api

urlpatterns = [
    path("vendors/register/", api.VendorRegisterApi.as_view(), name="vendor-register"),
    path("vendors/", api.VendorListApi.as_view(), name="vendor-list"),
    path("vendors/<int:pk>/", api.VendorDetailApi.as_view(), name="vendor-detail"),
    path(
        "vendors/<int:pk>/documents/",
        api.VendorDocumentsOfVendorApi.as_view(),
        name="vendor-documents-of-vendor",
    ),
    *[
        path(
            f"vendors/<int:pk>/{action}/",
            api.VendorActionApi.as_view(action_name=action),
            name=f"vendor-{action}",
        )
        for action in ("verify", "reject", "suspend", "reinstate")
    ],
    path(
        "vendors/<int:pk>/tax-profile/check/",
        api.VendorTaxProfileCheckApi.as_view(),
        name="vendor-tax-profile-check",
    ),
    path("vendor/profile/", api.VendorProfileApi.as_view(), name="vendor-profile"),
    path("vendor/tax-profile/", api.VendorTaxProfileApi.as_view(), name="vendor-tax-profile"),
    path("vendor/documents/", api.VendorDocumentListApi.as_view(), name="vendor-documents"),
    path(
        "vendor/documents/<int:pk>/file/",
        api.VendorDocumentFileApi.as_view(),
        name="vendor-document-file",
    ),
    path("public/vendor-stats/", api.VendorStatisticsApi.as_view(), name="vendor-stats"),
]
