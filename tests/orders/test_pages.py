import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from market.models import DepartmentRole
from orders.models import OrderStatus, PurchaseOrder
from orders.services import transitions
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
    today = timezone.localdate().isoformat()
    steps = [
        (world.approver, "approve", lambda: {"confirmed": "yes"}),
        (world.rice_seller, "accept", dict),
        (world.rice_seller, "ship", lambda: {f"ship-quantities-{line.pk}": "100"}),
        (
            world.receiver,
            "receive",
            lambda: {
                f"receive-quantities-{line.pk}": "100",
                "receive-received_on": today,
                "receive-signed_by_name": "Siti",
            },
        ),
        (world.rice_seller, "invoice", lambda: {"confirmed": "yes"}),
        (world.treasurer, "pay", lambda: pay_form(order, "12/SP2D", today)),
        (world.requester, "close", dict),
    ]
    for person, action, data in steps:
        page = login(person).get(reverse("order-detail", args=[order.pk])).content.decode()
        assert reverse("order-action", args=[order.pk, action]) in page, action
        response = client.post(reverse("order-action", args=[order.pk, action]), data())
        assert response.status_code == 302 and response["Location"] == reverse(
            "order-detail", args=[order.pk]
        )
        client.logout()
    order.refresh_from_db()
    assert order.status == OrderStatus.CLOSED
    page = login(world.requester).get(reverse("order-detail", args=[order.pk])).content.decode()
    assert "Selesai" in page and "Kuitansi" in page


def pay_form(order, number, date, invoice=None):
    """What the pay form of an invoice (the only one waiting, unless named) posts, confirmed."""
    invoice = invoice or order.invoices.unpaid().get()
    prefix = f"pay-{invoice.pk}"
    return {
        "part": invoice.pk,
        f"{prefix}-invoice": invoice.pk,
        f"{prefix}-sp2d_number": number,
        f"{prefix}-sp2d_date": date,
        "confirmed": "yes",
    }


def test_a_refused_action_explains_itself_on_the_page(login, world):
    order = world.order((world.rice, "100"))[0]
    response = login(world.approver).post(
        reverse("order-action", args=[order.pk, "reject"]),
        {"reject-reason": "", "confirmed": "yes"},
        follow=True,
    )
    assert response.context["failed_form"].errors == {"reason": ["Isi alasannya."]}
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


def test_order_lists_show_the_day_each_order_was_placed(login, world):
    order = world.order((world.rice, "100"))[0]
    placed = timezone.now() - datetime.timedelta(days=40)
    PurchaseOrder.objects.filter(pk=order.pk).update(created_at=placed)
    transitions.order_approve(order=order, by=world.approver)
    shown = date_format(timezone.localtime(placed).date(), "SHORT_DATE_FORMAT")
    for person, address in ((world.requester, "order-list"), (world.rice_seller, "vendor-orders")):
        page = login(person).get(reverse(address)).content.decode()
        assert "<th>Tanggal pesan</th>" in page, address
        assert f'<td data-label="Tanggal pesan">{shown}</td>' in page, address


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


def test_who_may_not_stop_or_schedule_a_standing_order_is_refused_403(login, world):
    """The receiver sees the department's standing orders but neither stops nor schedules
    them (403, as the API); a vendor has none to see (404)."""
    standing = world.standing_order()
    receiver = login(world.receiver)
    assert receiver.get(reverse("standing-order-list")).status_code == 200
    refused = receiver.post(reverse("standing-order-stop", args=[standing.pk]))
    assert refused.status_code == 403
    assert "Hanya pemesan dan PPK perangkat daerah" in refused.content.decode()
    assert receiver.post(reverse("standing-order-list"), {"name": "x"}).status_code == 403
    standing.refresh_from_db()
    assert standing.is_active and world.department.standing_orders.count() == 1
    assert login(world.rice_seller).get(reverse("standing-order-list")).status_code == 404


def test_odd_form_input_never_answers_500(login, client, world):
    order = world.order((world.rice, "100"))[0]
    requester = login(world.requester)
    assert (
        requester.post(reverse("cart"), {"update": "1", "quantities-abc": "2"}).status_code == 302
    )
    assert requester.get(reverse("standing-order-list"), {"product": "abc"}).status_code == 200
    client.logout()
    login(world.approver).post(
        reverse("order-action", args=[order.pk, "approve"]), {"confirmed": "yes"}
    )
    client.logout()
    seller = login(world.rice_seller)
    seller.post(reverse("order-action", args=[order.pk, "accept"]))
    line = order.lines.get()
    response = seller.post(
        reverse("order-action", args=[order.pk, "ship"]), {"line-abc": "1"}, follow=True
    )
    assert response.status_code == 200
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
        follow=True,
    )
    assert response.status_code == 200
    assert list(response.context["failed_form"].errors) == ["received_on"]
    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED


def test_the_cart_shows_subtotals_remove_buttons_and_what_each_line_has_left(login, world):
    client = login(world.requester)
    for product, quantity in ((world.rice, "100"), (world.besek, "20"), (world.rice, "10")):
        client.post(reverse("cart-add", args=[product.pk]), {"quantity": quantity})
    response = client.get(reverse("cart"))
    page = response.content.decode()
    assert "Rp1.595.000" in page  # 110 kg of rice: the second add added to the first
    assert "Rp90.000" in page
    assert f'name="remove" value="{world.rice.pk}"' in page
    assert "tersedia Rp100.000.000" in page  # the budget line's dropdown says what is left
    form = response.context["form"]
    assert {f"budget_lines-{world.rice.vendor_id}", f"budget_lines-{world.besek.vendor_id}"} <= set(
        form.fields
    )

    client.post(reverse("cart"), {"remove": str(world.besek.pk)})
    assert "Besek bambu" not in client.get(reverse("cart")).content.decode()


def test_a_bad_cart_quantity_is_shown_on_its_line(login, world):
    client = login(world.requester)
    client.post(reverse("cart-add", args=[world.rice.pk]), {"quantity": "100"})
    response = client.post(reverse("cart"), {"update": "1", f"quantities-{world.rice.pk}": "5"})
    assert response.status_code == 200
    assert response.context["quantities_form"].errors == {
        f"quantities-{world.rice.pk}": ["Pemesanan Beras lokal paling sedikit 10 kg."]
    }


def test_checkout_charges_each_vendor_to_the_line_chosen_for_it(login, world):
    from tests.factories import BudgetLineFactory

    uniforms = BudgetLineFactory(department=world.department, name="Belanja Seragam")
    client = login(world.requester)
    client.post(reverse("cart-add", args=[world.rice.pk]), {"quantity": "100"})
    client.post(reverse("cart-add", args=[world.besek.pk]), {"quantity": "20"})
    response = client.post(
        reverse("cart"),
        {
            "checkout": "1",
            "budget_line": world.line.pk,
            f"budget_lines-{world.besek.vendor_id}": uniforms.pk,
            "approver": world.approver.pk,
            "delivery_address": "Kantor Dinas",
            "delivery_date": (timezone.localdate() + datetime.timedelta(days=3)).isoformat(),
        },
    )
    assert response.status_code == 302
    lines = dict(PurchaseOrder.objects.values_list("vendor_id", "budget_line_id"))
    assert lines == {world.rice.vendor_id: world.line.pk, world.besek.vendor_id: uniforms.pk}


def test_a_department_without_a_ppk_says_so_instead_of_offering_checkout(login, world):
    from tests.factories import BudgetLineFactory, DepartmentFactory

    dinkes = DepartmentFactory(code="DINKES")
    BudgetLineFactory(department=dinkes)
    requester = member(DepartmentRole.REQUESTER, dinkes)
    client = login(requester)
    client.post(
        reverse("cart-add", args=[world.rice.pk]) + "?department=DINKES", {"quantity": "10"}
    )
    page = client.get(reverse("cart"), {"department": "DINKES"}).content.decode()
    assert "DINKES belum memiliki Pejabat Pembuat Komitmen (PPK)" in page
    assert 'name="checkout"' not in page


def test_action_errors_are_shown_on_their_fields(login, world):
    order = world.order((world.rice, "100"))[0]
    login(world.approver).post(
        reverse("order-action", args=[order.pk, "approve"]), {"confirmed": "yes"}
    )
    seller = login(world.rice_seller)
    seller.post(reverse("order-action", args=[order.pk, "accept"]))
    line = order.lines.get()
    seller.post(
        reverse("order-action", args=[order.pk, "ship"]), {f"ship-quantities-{line.pk}": "60"}
    )
    response = login(world.receiver).post(
        reverse("order-action", args=[order.pk, "receive"]),
        {
            f"receive-quantities-{line.pk}": "70",
            "receive-received_on": "1900-01-01",
            "receive-signed_by_name": "",
        },
    )
    assert response.status_code == 302  # the problems wait on the order's page
    response = login(world.receiver).get(response["Location"])
    form = response.context["failed_form"]
    assert set(form.errors) == {f"quantities-{line.pk}", "received_on", "signed_by_name"}
    page = response.content.decode()
    assert "Beras lokal yang sudah dikirim dan belum diterima hanya 60 kg." in page
    assert "Beberapa isian tidak valid." not in page


def test_the_treasurer_pays_the_invoice_not_the_order_total(login, world):
    from tests.orders.test_inputs import receive, shipped

    order, line = shipped(world, "100", "100")
    receive(world, order, line, "40")  # Rp580.000 of the Rp1.450.000 ordered
    transitions.order_invoice(order=order, by=world.rice_seller)
    order.refresh_from_db()
    page = login(world.treasurer).get(reverse("order-detail", args=[order.pk])).content.decode()
    assert f"Bayar tagihan {order.invoices.get().number}: <strong>Rp580.000</strong>" in page


def test_the_vendor_inbox_shows_when_each_order_must_be_answered(login, world):
    order = world.order((world.rice, "100"))[0]
    transitions.order_approve(order=order, by=world.approver)
    response = login(world.rice_seller).get(reverse("vendor-orders"))
    assert "Jawab paling lambat" in response.content.decode()
    listed = list(response.context["page"].object_list)
    assert listed[0].response_deadline > timezone.localdate()
    detail = login(world.rice_seller).get(reverse("order-detail", args=[order.pk]))
    assert "harus menyanggupi atau menolak paling lambat" in detail.content.decode()


def test_quantities_are_written_with_thousands_separators(login, world):
    from catalog.models import Product

    Product.objects.filter(pk=world.rice.pk).update(stock=10_000)
    order = world.order((world.rice, "6790"))[0]
    page = login(world.requester).get(reverse("order-detail", args=[order.pk])).content.decode()
    assert "6.790 kg" in page and "6790 kg" not in page


def test_checkout_says_which_orders_were_approved_automatically(login, world):
    from procurement.models import Policy

    Policy.objects.update_or_create(
        fiscal_year=world.line.fiscal_year, defaults={"approval_threshold": 100_000}
    )
    client = login(world.requester)
    client.post(reverse("cart-add", args=[world.rice.pk]), {"quantity": "100"})  # Rp1.450.000
    client.post(reverse("cart-add", args=[world.besek.pk]), {"quantity": "20"})  # Rp90.000
    response = client.post(
        reverse("cart"),
        {
            "checkout": "1",
            "budget_line": world.line.pk,
            "approver": world.approver.pk,
            "delivery_address": "Kantor Dinas",
            "delivery_date": (timezone.localdate() + datetime.timedelta(days=3)).isoformat(),
        },
        follow=True,
    )
    rice, besek = (
        PurchaseOrder.objects.get(vendor=product.vendor) for product in (world.rice, world.besek)
    )
    assert (rice.status, besek.status) == (OrderStatus.SUBMITTED, OrderStatus.APPROVED)
    page = response.content.decode()
    assert f"Diajukan untuk persetujuan: {rice.number}" in page
    assert (
        f"Disetujui otomatis (dalam batas kebijakan), dikirim ke penyedia: {besek.number}" in page
    )
