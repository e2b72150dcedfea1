"""The treasurer's card payment pages: start an attempt, then confirm the card with Stripe.js
on a page of its own. The order becomes paid when Stripe's webhook says so."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from market.errors import DomainError
from market.forms import show_domain_error
from orders.actions import PAY
from orders.selectors import orders_visible_to
from orders.services.payments import card_payment_resume, card_payment_start
from orders.services.transitions import may_act


@login_required
@require_POST
def card_payment_begin(request, pk):
    order = get_object_or_404(orders_visible_to(request.user), pk=pk)
    if not may_act(request.user, order, PAY):
        raise PermissionDenied
    try:
        card = card_payment_start(order=order, by=request.user, invoice=request.POST.get("invoice"))
    except DomainError as error:
        show_domain_error(request, error)  # someone who may not pay: 403
        return redirect("order-detail", pk=pk)
    return redirect("order-card-payment", pk=pk, payment_id=card.payment.pk)


@login_required
def card_payment_page(request, pk, payment_id):
    order = get_object_or_404(orders_visible_to(request.user), pk=pk)
    if not may_act(request.user, order, PAY):
        # The order is theirs to see, paying it is not.
        raise PermissionDenied(_("You may not do this to this order."))
    try:
        card = card_payment_resume(order=order, payment_id=payment_id)
    except DomainError as error:
        messages.info(request, error.message)
        return redirect("order-detail", pk=pk)
    response = render(
        request,
        "orders/card_payment.html",
        {
            "order": order,
            "card": card,
            "stripe_js_url": settings.STRIPE_JS_URL,
            # The demo's test card server: say so, and how to pay there.
            "test_card_server": bool(settings.STRIPE_TEST_SERVER),
        },
    )
    # Stripe.js, its card field's frames and its API: on this page only (django-csp).
    stripe = _origin(settings.STRIPE_JS_URL)
    api = _origin(settings.STRIPE_API_BASE or "https://api.stripe.com")
    response._csp_update = {
        "script-src": [stripe],
        "frame-src": [stripe, "https://hooks.stripe.com"],
        "connect-src": [stripe, api],
        "img-src": ["https://*.stripe.com"],
    }
    return response


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
