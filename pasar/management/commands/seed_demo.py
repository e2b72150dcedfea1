"""seed_demo: fill the database with the demo's organisation, people, budgets, vendors, products
and orders, each app's seed in turn. Safe to run again: every seed is idempotent.

With the demo's fake WhatsApp Cloud API configured (WHATSAPP_TEST_SERVER, as `make demo` sets
it) and not yet running, one runs while seeding, so that the messages the seeded orders send
(the new-order template with its buttons among them) are sent and kept under "WhatsApp
messages" in the admin."""

import contextlib
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand

from catalog import demo as catalog_demo
from integrity import demo as integrity_demo
from market import demo as market_demo
from market.services.audit import audit_head_sign
from market.transactions import action_scope
from orders import demo as orders_demo
from procurement import demo as procurement_demo
from quotes import demo as quotes_demo
from ratings import demo as ratings_demo
from vendors import demo as vendors_demo
from worker.cloud_api_fake import FakeCloudApi

# In the order data flows, so that each seed can use what the earlier ones made.
SEEDS = (
    ("market", market_demo),
    ("vendors", vendors_demo),
    ("catalog", catalog_demo),
    ("procurement", procurement_demo),
    ("orders", orders_demo),
    ("ratings", ratings_demo),
    ("quotes", quotes_demo),
    ("integrity", integrity_demo),
)


class Command(BaseCommand):
    help = "Seed the demo data (idempotent)."

    def handle(self, *args, **options):
        context: dict = {}
        with _fake_whatsapp_while_seeding():
            for label, demo in SEEDS:  # what a seed made is passed to the next in `context`
                with action_scope():  # each app's seed commits once; its services join it
                    demo.seed(context)
                self.stdout.write(f"Seeded {label}.")
        # The transparency page shows the trail's signed head from the start, also where no
        # beat runs to sign it (the demo without Redis).
        audit_head_sign()
        self.stdout.write(self.style.SUCCESS("Demo data ready."))


@contextlib.contextmanager
def _fake_whatsapp_while_seeding():
    address = urlsplit(settings.WHATSAPP_TEST_SERVER) if settings.WHATSAPP_TEST_SERVER else None
    if address is None or address.hostname not in {"127.0.0.1", "localhost"}:
        yield
        return
    try:
        fake = FakeCloudApi(
            token=settings.WHATSAPP_TOKEN,
            phone_number_id=settings.WHATSAPP_PHONE_NUMBER_ID,
            port=address.port,
        ).start()
    except OSError:  # the demo's own fake is running already
        yield
        return
    try:
        yield
    finally:
        fake.stop()
