"""The demo's WhatsApp Cloud API (`make demo` without a WHATSAPP_TOKEN): the fake on the loopback
port of WHATSAPP_TEST_SERVER, posting its signed status callbacks to this app's webhook. Never in
production: the settings accept WHATSAPP_TEST_SERVER only with DEBUG on."""

import signal
import threading
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from worker.cloud_api_fake import FakeCloudApi


class Command(BaseCommand):
    help = "Run the demo's fake WhatsApp Cloud API at WHATSAPP_TEST_SERVER."

    def handle(self, *args, **options):
        if not settings.WHATSAPP_TEST_SERVER:
            raise CommandError("Set WHATSAPP_TEST_SERVER (make demo does) to run the fake.")
        address = urlsplit(settings.WHATSAPP_TEST_SERVER)
        if address.hostname not in {"127.0.0.1", "localhost"} or not address.port:
            raise CommandError("WHATSAPP_TEST_SERVER must be a loopback address with a port.")
        fake = FakeCloudApi(
            token=settings.WHATSAPP_TOKEN,
            phone_number_id=settings.WHATSAPP_PHONE_NUMBER_ID,
            port=address.port,
        )
        fake.webhook_url = settings.SITE_URL.rstrip("/") + reverse("api:whatsapp-webhook")
        fake.app_secret = settings.WHATSAPP_APP_SECRET
        fake.start()
        stopped = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stopped.set())
        self.stdout.write(f"Fake WhatsApp Cloud API at {fake.api_base}")
        try:
            stopped.wait()
        except KeyboardInterrupt:
            pass
        finally:
            fake.stop()
