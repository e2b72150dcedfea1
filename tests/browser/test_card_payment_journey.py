"""The treasurer pays an invoice by government card on the pay page: Stripe.js as localstripe
serves it (STRIPE_JS_URL pointed at it), its card Element and stripe.confirmCardPayment; the
order turns paid when localstripe's signed webhook reaches the app.

localstripe's Stripe.js fakes only the 3-D Secure step of confirmCardPayment (it does not read
the card typed into its Element): the test plays the card network's part by attaching a card
that asks for 3-D Secure to the intent, as Stripe does when the card is confirmed, and the
treasurer completes the authentication in the page."""

import pytest
import stripe
from playwright.sync_api import expect

from orders.models import Payment
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD
from tests.markers import committing
from tests.orders.test_inputs import invoiced

pytestmark = [pytest.mark.browser, committing]
CARD_ASKING_FOR_3D_SECURE = "4000002500003155"


def test_the_treasurer_pays_an_invoice_by_card(page, live_server, world, stripe_at):
    order = invoiced(world)
    sign_in(page, live_server.url, world.treasurer.username, PASSWORD)
    page.goto(f"{live_server.url}/orders/{order.pk}/")
    page.get_by_role("button", name="Bayar dengan kartu pemerintah").click()
    expect(page.get_by_role("heading", name=f"Bayar {order.number} dengan kartu")).to_be_visible()
    # localstripe's Element: inputs for number, month, year, CVC and postal code, in that order.
    inputs = page.locator("#card-element input")
    for index, value in enumerate(("4242424242424242", "12", "30", "123", "78111")):
        inputs.nth(index).fill(value)
    payment = Payment.objects.get()
    client = stripe.StripeClient("sk_test_pasar", base_addresses={"api": stripe_at})
    card = client.v1.payment_methods.create(
        params={
            "type": "card",
            "card": {
                "number": CARD_ASKING_FOR_3D_SECURE,
                "exp_month": 12,
                "exp_year": 2030,
                "cvc": "123",
            },
        }
    )
    client.v1.payment_intents.update(
        payment.provider_payment_id, params={"payment_method": card.id}
    )
    assert (
        client.v1.payment_intents.confirm(payment.provider_payment_id).status == "requires_action"
    )

    page.get_by_role("button", name="Bayar Rp1.450.000").click()
    page.get_by_role("button", name="Complete authentication").click()
    expect(page.get_by_text("Kartu diterima")).to_be_visible()
    expect(page).to_have_url(f"{live_server.url}/orders/{order.pk}/", timeout=30_000)
    expect(page.locator(".status-paid")).to_be_visible()
    expect(page.get_by_role("heading", name="Pembayaran")).to_be_visible()
    payment.refresh_from_db()
    assert payment.status == "succeeded"
