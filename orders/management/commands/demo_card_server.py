"""The demo's card server (`make demo` without Stripe keys): localstripe on the loopback port of
STRIPE_TEST_SERVER, posting its signed events to this app's webhook. Never in production: the
settings accept STRIPE_TEST_SERVER only with DEBUG on."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from orders.card_test_server import serve


class Command(BaseCommand):
    help = "Run the demo's test card server (localstripe) at STRIPE_TEST_SERVER."

    def add_arguments(self, parser):
        parser.add_argument(
            "--webhook",
            default="",
            help="where it posts its events (default: SITE_URL's Stripe webhook)",
        )

    def handle(self, *args, webhook: str, **options):
        if not settings.STRIPE_TEST_SERVER:
            raise CommandError("Set STRIPE_TEST_SERVER (make demo does) to run the card server.")
        address = urlsplit(settings.STRIPE_TEST_SERVER)
        if address.hostname not in {"127.0.0.1", "localhost"} or not address.port:
            raise CommandError("STRIPE_TEST_SERVER must be a loopback address with a port.")
        serve(
            address.port,
            webhook=webhook or settings.SITE_URL.rstrip("/") + reverse("api:stripe-webhook"),
            secret=settings.STRIPE_WEBHOOK_SECRET,
        )
