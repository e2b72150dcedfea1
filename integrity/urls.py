from django.urls import path

from integrity import views

urlpatterns = [
    path("integrity/", views.console, name="integrity-console"),
    path("integrity/flags/<int:pk>/", views.flag_detail, name="integrity-flag"),
    path("integrity/scan/", views.scan_start, name="integrity-scan"),
    path("integrity/export/", views.export_flags, name="integrity-export"),
]
