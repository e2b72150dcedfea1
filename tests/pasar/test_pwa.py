"""The vendor's installable app (pasar.pwa): its service worker and manifest as served, the app
linked on a vendor's pages only, and the mark that lets a phone keep a page for offline."""

import json
import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from market.models import AuditEvent
from orders.models import OrderStatus
from orders.services import transitions

pytestmark = pytest.mark.django_db


def test_the_service_worker_is_served_from_the_root_and_never_taken_stale(client):
    answer = client.get("/sw.js")

    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/javascript")
    assert answer["Cache-Control"] == "no-cache"
    assert answer["Service-Worker-Allowed"] == "/"
    assert 'addEventListener("fetch"' in answer.content.decode()
    assert client.post("/sw.js").status_code == 405


def manifest(client, language=None):
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    answer = client.get("/manifest.webmanifest")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/manifest+json"
    return answer, json.loads(answer.content)


def test_the_manifest_opens_the_vendor_inbox_standalone_with_its_icons(client):
    answer, said = manifest(client)

    assert said["start_url"] == reverse("vendor-orders") == "/vendor/orders/"
    assert said["display"] == "standalone"
    assert said["theme_color"] and said["background_color"]
    assert answer["Cache-Control"] == "no-cache"
    sizes = {(icon["sizes"], icon["purpose"]) for icon in said["icons"]}
    assert sizes == {(f"{s}x{s}", p) for s in (192, 512) for p in ("any", "maskable")}
    for icon in said["icons"]:
        assert icon["type"] == "image/png"
        path = icon["src"].removeprefix(settings.STATIC_URL)
        assert finders.find(path), icon["src"]


def test_the_manifest_speaks_the_person_s_language(client):
    indonesian = manifest(client)[1]
    english = manifest(client, "en")[1]

    assert indonesian["name"] == "Pasar Sistemik · Pesanan masuk"
    assert indonesian["lang"] == "id"
    assert english["name"] == "Pasar Sistemik · Incoming orders"
    assert english["lang"] == "en"


APP_MARKS = ('rel="manifest"', "pwa/register.js", "pwa/queue.js", 'name="rendered-at"')


def test_a_vendor_s_pages_link_the_app_and_register_its_worker(login, world):
    client = login(world.rice_seller)
    order = world.order((world.rice, "100"))[0]
    transitions.order_approve(order=order, by=world.approver)

    for page in (reverse("vendor-orders"), reverse("order-detail", args=[order.pk])):
        html = client.get(page).content.decode()
        for mark in APP_MARKS:
            assert mark in html, (page, mark)
        assert 'id="offline-queue"' in html
    # The accept and decline forms say where the phone sends them when taken offline.
    html = client.get(reverse("order-detail", args=[order.pk])).content.decode()
    for action in ("accept", "decline"):
        assert f'data-queue-url="/api/v1/orders/{order.pk}/{action}/"' in html


def test_nobody_else_gets_the_app(login, world, client):
    order = world.order((world.rice, "100"))[0]
    pages = {
        world.requester: reverse("order-detail", args=[order.pk]),
        world.approver: reverse("order-list"),
    }
    for person, page in pages.items():
        html = login(person).get(page).content.decode()
        assert not [mark for mark in APP_MARKS if mark in html], person
        assert "offline-queue" not in html
    client.logout()
    html = client.get(reverse("login")).content.decode()
    assert not [mark for mark in APP_MARKS if mark in html]
    # The sign-in page forgets what the last vendor kept offline.
    assert "pwa/forget.js" in html


def test_only_a_vendor_s_inbox_orders_and_documents_are_marked_to_keep_offline(login, world):
    order = world.order((world.rice, "100"))[0]
    transitions.order_approve(order=order, by=world.approver)
    detail = reverse("order-detail", args=[order.pk])
    pdf = reverse("order-document-pdf", args=[order.pk, "purchase-order"])

    vendor = login(world.rice_seller)
    for page in (reverse("vendor-orders"), detail, pdf):
        answer = vendor.get(page)
        assert answer.status_code == 200, page
        assert answer["X-Offline-Copy"] == "keep", page
    assert "X-Offline-Copy" not in vendor.get(reverse("vendor-products"))
    assert "X-Offline-Copy" not in vendor.get(reverse("api:order-detail", args=[order.pk]))

    requester = login(world.requester)
    for page in (detail, pdf):
        answer = requester.get(page)
        assert answer.status_code == 200
        assert "X-Offline-Copy" not in answer


# --- What the phone sends when the connection returns (pasar/static/pwa/queue.js) -------------


def approved_order(world):
    order = world.order((world.rice, "100"))[0]
    return transitions.order_approve(order=order, by=world.approver)


def queued_forms(client, order) -> dict[str, dict]:
    """The order page's forms that a vendor may submit offline, by action: their data-queue-*
    attributes and fields, and the page's CSRF token, as queue.js reads them."""
    html = client.get(reverse("order-detail", args=[order.pk])).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    forms = {}
    for form in re.finditer(r"<form [^>]*data-queue-url=.*?</form>", html, re.S):
        text = form.group(0)
        attributes = dict(re.findall(r'data-queue-(url|prefix)="([^"]*)"', text))
        fields = re.findall(r'name="([^"]+)"', text)
        forms[attributes["prefix"]] = {**attributes, "fields": fields, "token": token}
    return forms


def send(client, form, body, key):
    """As queue.js sends an item: JSON, its Idempotency-Key, the page's CSRF token."""
    return client.post(
        form["url"],
        json.dumps(body),
        content_type="application/json",
        headers={"Idempotency-Key": key, "X-CSRFToken": form["token"]},
    )


@pytest.fixture
def phone(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.rice_seller, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_a_queued_acceptance_is_taken_once_however_often_it_is_sent(phone, world):
    order = approved_order(world)
    forms = queued_forms(phone, order)
    assert set(forms) == {"accept", "decline"}
    assert forms["decline"]["fields"][1:] == ["decline-reason", "confirmed"]

    first = send(phone, forms["accept"], {}, "key-1")
    again = send(phone, forms["accept"], {}, "key-1")  # a reload while it was being sent

    assert first.status_code == again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    order.refresh_from_db()
    assert order.status == OrderStatus.ACCEPTED
    assert AuditEvent.objects.filter(action="order.accept", object_id=str(order.pk)).count() == 1


def test_a_queued_shipment_sends_its_quantities_per_line_and_its_note(phone, world):
    order = approved_order(world)
    transitions.order_accept(order=order, by=world.rice_seller)
    ship = queued_forms(phone, order)["ship"]
    line = order.lines.get()
    assert f"ship-quantities-{line.pk}" in ship["fields"] and "ship-note" in ship["fields"]

    answer = send(phone, ship, {"quantities": {str(line.pk): "40"}, "note": "Truk pertama"}, "k")

    assert answer.status_code == 200, answer.json()
    order.refresh_from_db()
    assert order.status == OrderStatus.PARTIALLY_SHIPPED


def test_an_acceptance_queued_before_the_order_expired_is_refused_with_a_message(phone, world):
    order = approved_order(world)
    accept = queued_forms(phone, order)["accept"]
    transitions.order_expire(order=order)

    answer = send(phone, accept, {}, "key-2")

    assert answer.status_code == 409
    error = answer.json()["error"]
    assert error["code"] == "invalid_transition"
    assert order.number in error["message"]
    order.refresh_from_db()
    assert order.status == OrderStatus.EXPIRED
