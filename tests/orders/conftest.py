"""Fixtures of the orders tests: Stripe's keys and the SDK driven through a fake transport."""

import pytest

from orders import stripe_gateway
from tests.orders.stripe_fakes import WEBHOOK_SECRET, FakeStripe


@pytest.fixture
def stripe_keys(settings):
    settings.STRIPE_SECRET_KEY = "sk_test_pasar"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_pasar"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET


@pytest.fixture
def fake_stripe(monkeypatch, stripe_keys):
    fake = FakeStripe()
    monkeypatch.setattr(stripe_gateway, "http_client", fake)
    return fake
