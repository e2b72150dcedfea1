"""The vendor's pages as an installable, offline-readable web app: its manifest, its service
worker (pasar/static/pwa/sw.js) served from the site's root so that it may control /vendor/ and
/orders/ pages, and the header that tells the worker which answers it may keep for offline.

Only the server decides what a device keeps: a vendor's own inbox, order pages and their PDFs,
marked with OFFLINE_COPY_HEADER. The worker keeps nothing else (besides the public static files),
so a department's pages seen on the same phone are never stored."""

from pathlib import Path

from django.http import HttpResponse, JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from vendors.permissions import vendor_of

SERVICE_WORKER = Path(__file__).parent / "static" / "pwa" / "sw.js"
THEME_COLOUR = "#1f6f43"  # the site's green (market/static/market/site.css)
OFFLINE_COPY_HEADER = "X-Offline-Copy"
# The pages (url names) a vendor reads offline: the inbox, an order and its documents.
KEPT_OFFLINE = frozenset({"vendor-orders", "order-detail", "order-document-pdf"})


@require_safe
def service_worker(request):
    """The worker's script, never taken from a cache without asking (a new version is seen on
    the next visit). At the root, its scope is the whole site."""
    response = HttpResponse(
        SERVICE_WORKER.read_text(encoding="utf-8"), content_type="text/javascript; charset=utf-8"
    )
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


@require_safe
def manifest(request):
    """The web app manifest, in the person's language."""
    icons = [
        {
            "src": static(f"pwa/icon{'-maskable' if maskable else ''}-{size}.png"),
            "sizes": f"{size}x{size}",
            "type": "image/png",
            "purpose": "maskable" if maskable else "any",
        }
        for maskable in (False, True)
        for size in (192, 512)
    ]
    inbox = reverse("vendor-orders")
    response = JsonResponse(
        {
            "id": inbox,
            "name": f"Pasar Sistemik · {_('Incoming orders')}",
            "short_name": "Pasar",
            "description": _(
                "Your incoming orders, readable without a connection; what you accept, decline "
                "or ship offline is sent when the connection returns."
            ),
            "lang": get_language(),
            "start_url": inbox,
            "scope": "/",
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": THEME_COLOUR,
            "icons": icons,
        },
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )
    response["Cache-Control"] = "no-cache"
    patch_vary_headers(response, ["Cookie", "Accept-Language"])
    return response


class OfflineCopyMiddleware:
    """Marks the answers a vendor may keep on the phone for reading offline (the service worker
    stores only what carries the mark)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if (
            request.method == "GET"
            and response.status_code == 200
            and match is not None
            and match.view_name in KEPT_OFFLINE
            and vendor_of(getattr(request, "user", None)) is not None
        ):
            response[OFFLINE_COPY_HEADER] = "keep"
        return response
