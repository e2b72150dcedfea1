"""A test card server: localstripe, the fake Stripe server from PyPI, on a loopback port. The
tests run it (tests/fake_stripe.py), and so does `make demo` when no Stripe key is set
(`manage.py demo_card_server`), so that card payments can be tried end to end with no account
and no money.

localstripe's Stripe.js shows its card field but does not send the card typed into it: it only
plays the 3-D Secure step of stripe.confirmCardPayment ("Complete authentication" or "Fail
authentication"). When that step is asked for an intent that has no card yet, this server
attaches a test card that asks for 3-D Secure first, as the card network would for the card
typed, so that the button the treasurer chooses decides the payment. Nothing is kept on disk.
"""

import datetime
import re

from aiohttp import web
from localstripe import server
from localstripe.errors import UserError
from localstripe.resources import PaymentIntent, PaymentMethod, store
from localstripe.webhooks import register_webhook

# Stripe's test card that asks for 3-D Secure on every payment.
CARD_ASKING_FOR_3D_SECURE = "4000002500003155"
AUTHENTICATE = re.compile(r"^/v1/payment_intents/(pi_\w+)/_authenticate$")


@web.middleware
async def card_for_the_3d_secure_step(request, handler):
    """Before localstripe authenticates an intent that has no card, attach one that asks for
    3-D Secure and confirm it (the intent then waits for the treasurer's answer)."""
    found = AUTHENTICATE.match(request.path) if request.method == "POST" else None
    if found:
        body = await server.get_post_data(request, remove_auth=False) or {}
        try:
            intent = PaymentIntent._api_retrieve(found[1])
        except UserError:
            intent = None  # localstripe answers 404 itself
        if (
            intent is not None
            and intent.status == "requires_payment_method"
            and body.get("client_secret") == intent.client_secret
        ):
            card = PaymentMethod(
                type="card",
                card={
                    "number": CARD_ASKING_FOR_3D_SECURE,
                    "exp_month": 12,
                    "exp_year": datetime.date.today().year + 2,
                    "cvc": "123",
                },
            )
            intent.payment_method = card.id
            intent._confirm(on_failure_now=intent._report_failure)
    return await handler(request)


def serve(port: int, *, webhook: str = "", secret: str = "") -> None:
    """Run the server on 127.0.0.1:`port` until stopped; with `webhook` (a URL) and `secret`,
    it posts its signed events there, as Stripe does to a registered endpoint."""
    store.dump_to_disk = lambda: None
    if webhook:
        register_webhook("pasar", webhook, secret, None)
    server.app.middlewares.append(card_for_the_3d_secure_step)
    web.run_app(server.app, host="127.0.0.1", port=port, print=None)
