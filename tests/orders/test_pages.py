import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from market.models import DepartmentRole
from orders.models import OrderStatus, PurchaseOrder
from tests.factories import finance_officer, member

pytestmark = pytest.mark.django_db


def test_requester_fills_the_cart_and_checks_out_on_the_pages(login, world):
    client = login(world.requester)
    client.post(reverse("cart-add", args=[world.rice.pk]), {"quantity": "100"})
    client.post(reverse("cart-add", args=[world.besek.pk]), {"quantity": "20"})
    page = client.get(reverse("cart")).content.decode()
    assert "Beras lokal" in page and "Besek bambu" in page and "Rp1.540.000" in page

    response = client.post(
        reverse("cart"),
        {
            "checkout": "1",
            "budget_line": world.line.pk,
            "approver": world.approver.pk,
            "delivery_address": "Kantor Dinas",
            "delivery_date": (timezone.localdate() + datetime.timedelta(days=3)).isoformat(),
        },
    )
    assert response.status_code == 302
    assert PurchaseOrder.objects.filter(status=OrderStatus.SUBMITTED).count() == 2


def test_a_bad_cart_quantity_is_shown_and_changes_nothing(login, world):
    client = login(world.requester)
    response = client.post(
        reverse("cart-add", args=[world.rice.pk]), {"quantity": "5"}, follow=True
    )
    assert "10" in response.content.decode()  # the minimum order is named
    assert not client.get(reverse("cart")).context["vendors"]


def test_each_role_moves_the_order_on_its_page(login, client, world):
    order = world.order((world.rice, "100"))[0]
    line = order.lines.get()
    steps = [
        (world.approver, "approve", {}),
        (world.rice_seller, "accept", {}),
        (world.rice_seller, "ship", {f"ship-quantities-{line.pk}": "100"}),
        (
            world.receiver,
            "receive",
            {
                f"receive-quantities-{line.pk}": "100",
                "receive-received_on": timezone.localdate().isoformat(),
                "receive-signed_by_name": "Siti",
            },
        ),
        (world.rice_seller, "invoice", {}),
        (
            world.treasurer,
            "pay",
            {"pay-sp2d_number": "12/SP2D", "pay-sp2d_date": timezone.localdate().isoformat()},
        ),
        (world.requester, "close", {}),
    ]
    for person, action, data in steps:
        page = login(person).get(reverse("order-detail", args=[order.pk])).content.decode()
        assert reverse("order-action", args=[order.pk, action]) in page, action
        client.post(reverse("order-action", args=[order.pk, action]), data)
        client.logout()
    order.refresh_from_db()
    assert order.status == OrderStatus.CLOSED
    page = login(world.requester).get(reverse("order-detail", args=[order.pk])).content.decode()
    assert "Selesai" in page and "Kuitansi" in page


def test_a_refused_action_explains_itself_on_the_page(login, world):
    order = world.order((world.rice, "100"))[0]
    response = login(world.approver).post(
        reverse("order-action", args=[order.pk, "reject"]), {"reason": ""}, follow=True
    )
    assert "alasan" in response.content.decode().lower()
    order.refresh_from_db()
    assert order.status == OrderStatus.SUBMITTED


def test_other_departments_and_vendors_cannot_open_an_order(login, client, world):
    order = world.order((world.rice, "100"))[0]
    for person in (member(DepartmentRole.APPROVER), world.besek_seller, world.rice_seller):
        assert login(person).get(reverse("order-detail", args=[order.pk])).status_code == 404
        client.post(reverse("order-action", args=[order.pk, "approve"]))
        client.logout()
    order.refresh_from_db()
    assert order.status == OrderStatus.SUBMITTED


def test_documents_download_as_pdf(login, world):
    order = world.order((world.rice, "100"))[0]
    client = login(world.requester)
    response = client.get(reverse("order-document-pdf", args=[order.pk, "purchase-order"]))
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert client.get(reverse("order-document-pdf", args=[order.pk, "invoice"])).status_code == 404


def test_home_shows_the_work_waiting(login, world):
    world.order((world.rice, "100"))
    page = login(world.approver).get("/").content.decode()
    assert "Menunggu tindakan Anda" in page and "SP/DISDIK/" in page


@pytest.mark.parametrize("count", [10, 40])
def test_order_list_page_runs_a_bounded_number_of_queries(
    login, world, django_assert_max_num_queries, count
):
    for _ in range(count):
        world.order((world.besek, "1"))
    client = login(finance_officer())
    with django_assert_max_num_queries(12):
        assert client.get(reverse("order-list")).status_code == 200


def test_standing_order_page_schedules_and_stops(login, world):
    client = login(world.requester)
    page = client.get(reverse("standing-order-list"), {"product": world.rice.pk}).content.decode()
    assert "Beras lokal" in page
    today = timezone.localdate()
    response = client.post(
        reverse("standing-order-list") + f"?product={world.rice.pk}",
        {
            "name": "Beras ASN",
            "product": world.rice.pk,
            "quantity": "500",
            "budget_line": world.line.pk,
            "approver": world.approver.pk,
            "day_of_month": "1",
            "start_date": today.isoformat(),
            "end_date": today.replace(month=12, day=31).isoformat(),
            "delivery_address": "Gudang",
        },
    )
    assert response.status_code == 302
    standing = world.department.standing_orders.get()
    client.post(reverse("standing-order-stop", args=[standing.pk]))
    standing.refresh_from_db()
    assert not standing.is_active


def test_odd_form_input_never_answers_500(login, client, world):
    order = world.order((world.rice, "100"))[0]
    requester = login(world.requester)
    assert (
        requester.post(reverse("cart"), {"update": "1", "quantities-abc": "2"}).status_code == 302
    )
    assert requester.get(reverse("standing-order-list"), {"product": "abc"}).status_code == 200
    client.logout()
    login(world.approver).post(reverse("order-action", args=[order.pk, "approve"]))
    client.logout()
    seller = login(world.rice_seller)
    seller.post(reverse("order-action", args=[order.pk, "accept"]))
    line = order.lines.get()
    response = seller.post(reverse("order-action", args=[order.pk, "ship"]), {"line-abc": "1"})
    assert response.status_code == 400
    assert "Isi jumlah untuk sedikitnya satu baris." in response.content.decode()
    seller.post(
        reverse("order-action", args=[order.pk, "ship"]), {f"ship-quantities-{line.pk}": "100"}
    )
    client.logout()
    receiver = login(world.receiver)
    response = receiver.post(
        reverse("order-action", args=[order.pk, "receive"]),
        {
            f"receive-quantities-{line.pk}": "10",
            "receive-received_on": "2026-02-30",
            "receive-signed_by_name": "Siti",
        },
    )
    assert response.status_code == 400
    form = response.context["actions"][0]["form"]
    assert list(form.errors) == ["received_on"]
    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED
