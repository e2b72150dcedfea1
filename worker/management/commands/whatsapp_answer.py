"""Answer an order as its vendor would from WhatsApp, for the demo and for trying a connection:
find the new-order message the app sent for the order, and post to the webhook what Meta posts
when the vendor taps *Terima* (or *Tolak*, then writes the reason), signed with the app secret.

    manage.py whatsapp_answer                      # the orders waiting for an answer
    manage.py whatsapp_answer SP/DISDIK/2026/00001 terima
    manage.py whatsapp_answer SP/DISDIK/2026/00001 tolak --reason "Stok habis"
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from orders.models import OrderStatus, PurchaseOrder
from worker.cloud_api_fake import button_reply, post_webhook, quick_reply_payloads, text_reply
from worker.cloud_api_fake import webhook as webhook_body
from worker.models import WhatsAppMessage
from worker.whatsapp_tokens import BadToken, ExpiredToken, reply_of

BUTTONS = {"terima": (0, "Terima"), "tolak": (1, "Tolak")}


def new_order_message(order: PurchaseOrder) -> WhatsAppMessage | None:
    """The latest message sent with reply buttons for this order."""
    sent = WhatsAppMessage.objects.filter(direction=WhatsAppMessage.Direction.OUT).exclude(
        status=WhatsAppMessage.Status.FAILED
    )
    for message in sent.filter(body__type="template").order_by("-pk")[:500]:
        for payload in quick_reply_payloads(message.body)[:1]:
            try:
                if reply_of(payload)[0] == order.pk:
                    return message
            except (BadToken, ExpiredToken):
                continue
    return None


class Command(BaseCommand):
    help = "Post to the webhook a vendor's Terima or Tolak for an order, as Meta would."

    def add_arguments(self, parser):
        parser.add_argument(
            "number", nargs="?", help="the order's number, e.g. SP/DISDIK/2026/00001"
        )
        parser.add_argument("button", nargs="?", choices=sorted(BUTTONS), default="terima")
        parser.add_argument("--reason", default="", help="with tolak: the reason written back")
        parser.add_argument(
            "--url", default="", help="the webhook (default: SITE_URL's /api/v1/whatsapp/webhook/)"
        )

    def handle(self, *args, number, button, reason, url, **options):
        if not number:
            self._waiting()
            return
        if not settings.WHATSAPP_APP_SECRET:
            raise CommandError("WHATSAPP_APP_SECRET is not set: the webhook would refuse it.")
        order = PurchaseOrder.objects.filter(number=number).first()
        if order is None:
            raise CommandError(f"No order is numbered {number}.")
        message = new_order_message(order)
        if message is None:
            raise CommandError(f"No WhatsApp message with answer buttons was sent for {number}.")
        index, text = BUTTONS[button]
        payload = quick_reply_payloads(message.body)[index]
        url = url or settings.SITE_URL.rstrip("/") + reverse("api:whatsapp-webhook")
        tap = button_reply(
            sender=message.phone, payload=payload, text=text, replying_to=message.wamid
        )
        posts = [tap] + ([text_reply(sender=message.phone, text=reason)] if reason else [])
        for posted in posts:
            body = webhook_body(settings.WHATSAPP_PHONE_NUMBER_ID, messages=[posted])
            status, answer = post_webhook(url, body, settings.WHATSAPP_APP_SECRET)
            self.stdout.write(f"{url}: HTTP {status} {answer}")
        order.refresh_from_db()
        self.stdout.write(f"Order {order.number}: {order.get_status_display()}")

    def _waiting(self) -> None:
        waiting = PurchaseOrder.objects.filter(status=OrderStatus.APPROVED).select_related("vendor")
        found = [order for order in waiting.order_by("pk") if new_order_message(order)]
        if not found:
            self.stdout.write("No order waits for an answer sent by WhatsApp.")
        for order in found:
            self.stdout.write(f"{order.number}  {order.vendor.display_name}")
