"""Root URLs: every app's pages, the REST API under /api/v1/, its schema and docs, the
probes and the admin."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.views.decorators.cache import cache_control
from django.views.static import serve as static_serve
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from market import (
    account_views,
    api,
    notification_api,
    notification_views,
    token_api,
    views,
)
from pasar import health, home, pwa
from worker import whatsapp_views

api_v1 = [
    path("auth/token/", token_api.TokenCreateApi.as_view(), name="token-create"),
    path("auth/tokens/", token_api.TokenListApi.as_view(), name="token-list"),
    path("auth/tokens/<uuid:public_id>/", token_api.TokenRevokeApi.as_view(), name="token-revoke"),
    path("auth/logout/", token_api.TokenLogoutApi.as_view(), name="token-logout"),
    path("auth/logout-all/", token_api.TokenLogoutAllApi.as_view(), name="token-logout-all"),
    path("me/", api.MeApi.as_view(), name="me"),
    path("districts/", api.DistrictListApi.as_view(), name="district-list"),
    path(
        "public/audit-checkpoints/",
        api.PublicAuditCheckpointsApi.as_view(),
        name="public-audit-checkpoints",
    ),
    path(
        "notifications/",
        notification_api.NotificationListApi.as_view(),
        name="notification-list",
    ),
    path(
        "notifications/read-all/",
        notification_api.NotificationReadAllApi.as_view(),
        name="notification-read-all",
    ),
    path(
        "notifications/preferences/",
        notification_api.PreferencesApi.as_view(),
        name="notification-preferences",
    ),
    path(
        "notifications/preferences/whatsapp-code/",
        notification_api.WhatsAppCodeApi.as_view(),
        name="whatsapp-code",
    ),
    path(
        "notifications/preferences/whatsapp-verify/",
        notification_api.WhatsAppVerifyApi.as_view(),
        name="whatsapp-verify",
    ),
    path("whatsapp/webhook/", whatsapp_views.WhatsAppWebhookApi.as_view(), name="whatsapp-webhook"),
    path(
        "notifications/<int:pk>/read/",
        notification_api.NotificationReadApi.as_view(),
        name="notification-read",
    ),
    path("", include("vendors.urls_api")),
    path("", include("catalog.urls_api")),
    path("", include("procurement.urls_api")),
    path("", include("orders.urls_api")),
    path("", include("ratings.urls_api")),
    path("", include("quotes.urls_api")),
    path("", include("integrity.urls_api")),
]

urlpatterns = [
    path("", home.home, name="home"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", views.LogoutView.as_view(), name="logout"),
    path("accounts/", account_views.account, name="account"),
    path(
        "accounts/devices/<uuid:public_id>/sign-out/",
        account_views.device_sign_out,
        name="account-device-sign-out",
    ),
    path(
        "accounts/devices/sign-out/",
        account_views.devices_sign_out,
        name="account-devices-sign-out",
    ),
    # Forgotten passwords: Django's views (the answer never says whether an address is known).
    path(
        "accounts/password-reset/",
        auth_views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("notifications/", notification_views.notification_list, name="notification-list"),
    path(
        "notifications/read-all/",
        notification_views.notification_read_all,
        name="notification-read-all",
    ),
    path(
        "notifications/preferences/",
        notification_views.notification_preferences,
        name="notification-preferences",
    ),
    path(
        "notifications/preferences/whatsapp-code/",
        notification_views.whatsapp_code_send,
        name="whatsapp-code-send",
    ),
    path(
        "notifications/preferences/whatsapp-verify/",
        notification_views.whatsapp_code_check,
        name="whatsapp-code-check",
    ),
    path(
        "notifications/<int:pk>/open/",
        notification_views.notification_open,
        name="notification-open",
    ),
    path(
        "whatsapp/documents/<str:token>/",
        whatsapp_views.whatsapp_document,
        name="whatsapp-document",
    ),
    # The vendor's installable app: its worker at the root controls every page under it.
    path("sw.js", pwa.service_worker, name="pwa-service-worker"),
    path("manifest.webmanifest", pwa.manifest, name="pwa-manifest"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("audit/", views.audit_trail, name="audit-trail"),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its script as a file: no inline script for the CSP to allow.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("", include("vendors.urls")),
    path("", include("catalog.urls")),
    path("", include("procurement.urls")),
    path("", include("orders.urls")),
    path("", include("ratings.urls")),
    path("", include("quotes.urls")),
    path("", include("integrity.urls")),
    # Product photos are public and served by the app itself (no CDN); vendors' documents
    # live elsewhere (PRIVATE_MEDIA_ROOT) and only pass through a permission check.
    re_path(
        r"^media/(?P<path>catalog/.+)$",
        cache_control(max_age=86400, public=True)(static_serve),
        {"document_root": settings.MEDIA_ROOT},
    ),
]

# Refusals, unknown addresses and crashes: the API's error format under /api/ (market.views).
handler403 = "market.views.permission_denied"
handler404 = "market.views.not_found"
handler500 = "market.views.server_error"
