"""Card payments in the demo: with no Stripe key, `make demo` runs the test card server
(`manage.py demo_card_server`, localstripe) and the settings point every STRIPE_ setting at
it. The treasurer pays on the pay page as with Stripe, the page saying it is a test server,
and the server's signed webhook marks the order paid; nothing in the test touches the intent."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

from orders.models import Payment, PurchaseOrder
from pasar.settings import card_test_server_settings
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD
from tests.markers import committing
from tests.orders.test_inputs import invoiced
from tests.waiting import wait_until

pytestmark = [pytest.mark.browser, committing]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def demo_card_server(settings, live_server):
    """The demo's card server as serve_demo starts it, its events sent to the live server; the
    app's settings as the demo's settings module makes them from STRIPE_TEST_SERVER."""
    from pasar.management.commands.serve_demo import _answers, free_port

    port = free_port()
    address = f"http://127.0.0.1:{port}"
    environment = {key: value for key, value in os.environ.items() if not key.startswith("STRIPE_")}
    environment.update(DEBUG="true", STRIPE_TEST_SERVER=address)
    server = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "demo_card_server",
            "--webhook",
            f"{live_server.url}/api/v1/payments/stripe/webhook/",
        ],
        cwd=ROOT,
        env=environment,
    )
    try:
        assert _answers(port), "the demo's card server did not start"
        for name, value in card_test_server_settings(address).items():
            setattr(settings, name, value)
        settings.STRIPE_TEST_SERVER = address
        yield address
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_the_treasurer_pays_by_card_in_the_demo(page, live_server, world, demo_card_server):
    order = invoiced(world)
    sign_in(page, live_server.url, world.treasurer.username, PASSWORD)
    page.goto(f"{live_server.url}/orders/{order.pk}/")
    page.get_by_role("button", name="Bayar dengan kartu pemerintah").click()
    expect(page.get_by_text("Server kartu uji, bukan bank")).to_be_visible()
    expect(page.get_by_text("4242 4242 4242 4242")).to_be_visible()
    inputs = page.locator("#card-element input")
    for index, value in enumerate(("4242424242424242", "12", "30", "123", "78111")):
        inputs.nth(index).fill(value)
    page.get_by_role("button", name=re.compile(r"^Bayar Rp")).click()
    page.get_by_role("button", name="Complete authentication").click()
    expect(page).to_have_url(f"{live_server.url}/orders/{order.pk}/", timeout=30_000)
    expect(page.locator(".status-paid")).to_be_visible()
    assert wait_until(lambda: Payment.objects.get().status == "succeeded")
    assert PurchaseOrder.objects.get(pk=order.pk).status == "paid"
