from django.urls import path

from integrity import api

urlpatterns = [
    path("integrity/flags/", api.FlagListApi.as_view(), name="integrity-flag-list"),
    path("integrity/flags/<int:pk>/", api.FlagDetailApi.as_view(), name="integrity-flag-detail"),
    path(
        "integrity/flags/<int:pk>/review/",
        api.FlagReviewApi.as_view(),
        name="integrity-flag-review",
    ),
    path("integrity/scans/", api.ScanListApi.as_view(), name="integrity-scan-list"),
    path("integrity/scans/<int:pk>/", api.ScanDetailApi.as_view(), name="integrity-scan-detail"),
]
