"""A vendor on a phone with a weak signal (pasar.pwa): the app installs (its manifest and icons
load, its service worker controls the pages), the inbox reads offline as it was last seen, and
an acceptance made offline waits on the phone and is sent once when the connection returns, or
is refused, with the API's reason, when the order expired meanwhile."""

import datetime
import io
import re
from pathlib import Path

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from market.models import AuditEvent
from orders.models import OrderStatus
from orders.services import transitions
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD
from tests.markers import committing

pytestmark = [pytest.mark.browser, committing]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}
MEASURE = (Path(__file__).parent / "overflow.js").read_text()


def approved_order(world):
    order = world.order((world.rice, "100"))[0]
    return transitions.order_approve(order=order, by=world.approver)


def vendor_on_phone(new_page, url, world):
    page = new_page(viewport=PHONE, is_mobile=True)
    sign_in(page, url, world.rice_seller.username, PASSWORD)
    return page


def readable_offline(page):
    """The worker controls the page and keeps it (register.js marks <html> once it has)."""
    expect(page.locator("html")).to_have_attribute("data-offline-ready", "yes")


def fits(page):
    """The banner and the queue's panel fit a phone and a laptop (tests/browser/overflow.js)."""
    for size in (PHONE, LAPTOP):
        page.set_viewport_size(size)
        assert page.evaluate(MEASURE) == [], size
    page.set_viewport_size(PHONE)


def accept_events(order) -> int:
    return AuditEvent.objects.filter(
        action="order.accept", object_type="orders.purchaseorder", object_id=str(order.pk)
    ).count()


def test_the_app_installs_its_manifest_and_icons_load_and_its_worker_controls_the_page(
    new_page, live_server, world
):
    url = live_server.url
    page = vendor_on_phone(new_page, url, world)
    page.goto(f"{url}/vendor/orders/")

    manifest_link = page.locator('link[rel="manifest"]')
    expect(manifest_link).to_have_attribute("href", "/manifest.webmanifest")
    answer = page.request.get(f"{url}/manifest.webmanifest")
    assert answer.ok
    manifest = answer.json()
    assert manifest["start_url"] == "/vendor/orders/"
    assert manifest["display"] == "standalone"
    for icon in manifest["icons"]:
        image = page.request.get(f"{url}{icon['src']}")
        assert image.ok, icon
        assert image.headers["content-type"] == "image/png"
        side = int(icon["sizes"].split("x")[0])
        assert Image.open(io.BytesIO(image.body())).size == (side, side)

    script = page.evaluate("navigator.serviceWorker.ready.then((r) => r.active.scriptURL)")
    assert script == f"{url}/sw.js"
    readable_offline(page)
    page.reload()
    assert page.evaluate("navigator.serviceWorker.controller.scriptURL") == f"{url}/sw.js"


def test_offline_the_inbox_shows_as_it_was_last_read_and_says_as_of_when(
    new_page, live_server, world
):
    url = live_server.url
    order = approved_order(world)
    page = vendor_on_phone(new_page, url, world)
    page.goto(f"{url}/vendor/orders/")
    expect(page.get_by_role("link", name=order.number)).to_be_visible()
    readable_offline(page)
    banner = page.locator("#offline-banner")
    expect(banner).to_be_hidden()
    rendered_at = page.locator('meta[name="rendered-at"]').get_attribute("content")

    # An order placed meanwhile is not on the copy kept on the phone: this is that copy.
    later = approved_order(world)
    page.context.set_offline(True)
    page.reload()
    expect(page.get_by_role("link", name=order.number)).to_be_visible()
    expect(page.get_by_role("link", name=later.number)).to_have_count(0)
    expect(banner).to_be_visible()
    # The copy kept is the page as read then: the one shown, or (a page read before the worker
    # controlled it) the worker's own fetch of it a moment later, before the later order.
    kept = datetime.datetime.fromisoformat(
        page.locator('meta[name="rendered-at"]').get_attribute("content")
    )
    assert datetime.datetime.fromisoformat(rendered_at) <= kept < later.created_at
    assert timezone.now() - kept < datetime.timedelta(minutes=5)
    expect(banner).to_contain_text(str(timezone.localtime(kept).year))
    fits(page)

    page.context.set_offline(False)
    expect(banner).to_be_hidden()  # the `online` event
    page.reload()
    expect(page.get_by_role("link", name=later.number)).to_be_visible()


def queue_acceptance(page, url, order):
    """Opens the order online, then accepts it offline: kept in the queue, not sent."""
    page.goto(f"{url}/orders/{order.pk}/")
    readable_offline(page)
    page.context.set_offline(True)
    expect(page.locator("#offline-banner")).to_be_visible()
    page.locator(f'form[data-queue-url="/api/v1/orders/{order.pk}/accept/"] button').click()
    item = page.locator("#offline-queue li", has_text=order.number)
    expect(item).to_have_attribute("data-state", "waiting")
    expect(page.locator(".queued-note")).to_contain_text(order.number)
    return item


def test_an_acceptance_made_offline_is_sent_once_when_the_connection_returns(
    new_page, live_server, world
):
    url = live_server.url
    order = approved_order(world)
    page = vendor_on_phone(new_page, url, world)
    item = queue_acceptance(page, url, order)
    fits(page)
    order.refresh_from_db()
    assert order.status == OrderStatus.APPROVED
    assert accept_events(order) == 0

    page.context.set_offline(False)
    expect(item).to_have_attribute("data-state", "done")
    order.refresh_from_db()
    assert order.status == OrderStatus.ACCEPTED
    assert accept_events(order) == 1

    # Reloading, and the inbox in another tab, send nothing again; both list it as done.
    page.reload()
    expect(page.locator(".status")).to_have_class(re.compile(r"\bstatus-accepted\b"))
    expect(page.locator("#offline-queue li", has_text=order.number)).to_have_attribute(
        "data-state", "done"
    )
    inbox = page.context.new_page()
    inbox.goto(f"{url}/vendor/orders/")
    expect(inbox.locator("#offline-queue li", has_text=order.number)).to_have_attribute(
        "data-state", "done"
    )
    assert accept_events(order) == 1


def test_an_acceptance_queued_for_an_order_that_expired_meanwhile_is_refused_with_the_reason(
    new_page, live_server, world
):
    url = live_server.url
    order = approved_order(world)
    page = vendor_on_phone(new_page, url, world)
    item = queue_acceptance(page, url, order)

    transitions.order_expire(order=order)  # while the phone is offline
    page.context.set_offline(False)

    expect(item).to_have_attribute("data-state", "refused")
    # The API's own message (409 invalid_transition), which names the order.
    expect(item.locator(".queue-state")).to_contain_text(order.number)
    fits(page)
    order.refresh_from_db()
    assert order.status == OrderStatus.EXPIRED
    assert accept_events(order) == 0
