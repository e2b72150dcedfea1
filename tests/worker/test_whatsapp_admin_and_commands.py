"""What an administrator and a regency's technician use: the page of WhatsApp messages sent,
the templates to register, the command that answers an order as its vendor would, and the
document links Meta fetches."""

import json
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from market.notices import all_notices
from orders.models import OrderStatus
from orders.services.transitions import order_approve
from tests.factories import UserFactory
from tests.markers import committing
from worker.models import WhatsAppMessage
from worker.whatsapp_tokens import document_path

pytestmark = pytest.mark.django_db
VENDOR_PHONE = "+6281234500001"


def waiting_order(world, capture):
    seller = world.rice_seller
    seller.phone, seller.phone_verified_at = VENDOR_PHONE, timezone.now()
    seller.save()
    with capture(execute=True):
        (order,) = world.order((world.rice, "100"))
        order_approve(order=order, by=world.approver)
    return order


def test_the_administrator_reads_each_message_sent_with_its_buttons(
    admin_client, world, whatsapp_cloud, django_capture_on_commit_callbacks
):
    order = waiting_order(world, django_capture_on_commit_callbacks)
    sent = WhatsAppMessage.objects.get(kind="pasar_order_to_accept")
    listing = admin_client.get("/admin/worker/whatsappmessage/?direction=out")
    assert listing.status_code == 200
    assert "pasar_order_to_accept" in listing.text and "Terima (pesanan #" in listing.text
    page = admin_client.get(f"/admin/worker/whatsappmessage/{sent.pk}/change/")
    assert page.status_code == 200
    for words in ("Terima", "Tolak", f"Lihat → http://127.0.0.1:8000/orders/{order.pk}/"):
        assert words in page.text
    assert order.number in page.text
    # Read only: the record of what was sent is not edited.
    assert admin_client.post(f"/admin/worker/whatsappmessage/{sent.pk}/change/").status_code == 403


def test_the_templates_to_register_match_what_is_sent():
    call_command("whatsapp_templates", "--language", "id", stdout=(out := _Out()))
    templates = {item["name"]: item for item in json.loads(out.text)}
    new_order = templates["pasar_order_to_accept"]
    buttons = new_order["components"][-1]["buttons"]
    assert [button["text"] for button in buttons] == ["Terima", "Tolak", "Lihat"]
    assert buttons[2]["url"] == "http://127.0.0.1:8000/{{1}}"
    assert templates["pasar_order_purchase_order"]["components"][0]["format"] == "DOCUMENT"
    assert templates["pasar_phone_code"]["category"] == "AUTHENTICATION"
    for kind, notice in all_notices().items():
        components = templates[notice.template_name(kind)]["components"]
        body = next(component for component in components if component["type"] == "BODY")
        # Only the parameters the message sends: the reader's name ({{1}}) and its facts.
        found = {int(number) for number in re.findall(r"\{\{(\d+)\}\}", body["text"])}
        assert 1 in found and found <= set(range(1, len(notice.whatsapp) + 2)), kind
        assert "%(" not in body["text"], kind


class _Out:
    def __init__(self):
        self.text = ""

    def write(self, text):
        self.text += text

    def flush(self):
        pass


def test_a_document_link_opens_only_for_whom_it_was_sent_while_they_may_read_it(
    client, world, whatsapp_cloud, django_capture_on_commit_callbacks, settings
):
    order = waiting_order(world, django_capture_on_commit_callbacks)
    mine = document_path(order_id=order.pk, kind="purchase-order", person_id=world.rice_seller.pk)
    assert client.get(mine).status_code == 200
    stranger = UserFactory()
    theirs = document_path(order_id=order.pk, kind="purchase-order", person_id=stranger.pk)
    assert client.get(theirs).status_code == 404
    settings.WHATSAPP_DOCUMENT_DAYS = -1  # every link has expired
    assert client.get(mine).status_code == 404


@committing
def test_the_answer_command_accepts_an_order_through_the_running_webhook(
    live_server, world, whatsapp_cloud, settings
):
    settings.SITE_URL = live_server.url
    seller = world.rice_seller
    seller.phone, seller.phone_verified_at = VENDOR_PHONE, timezone.now()
    seller.save()
    (order,) = world.order((world.rice, "100"))
    order_approve(order=order, by=world.approver)
    assert WhatsAppMessage.objects.filter(kind="pasar_order_to_accept").exists()
    call_command("whatsapp_answer", order.number, "terima", stdout=(out := _Out()))
    assert "HTTP 200" in out.text
    order.refresh_from_db()
    assert order.status == OrderStatus.ACCEPTED
    assert WhatsAppMessage.objects.get(direction="in").status == "done"
