"""What people read about an order says what is true: who the other party is, which fields they
must fill, the day a vendor must answer by, the vendor's note to the receiver, one word for each
unit, and dates as the reader writes them."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from catalog.models import Unit
from orders import documents
from orders.selectors import order_lines_table, response_deadline
from orders.services import transitions
from tests.orders.test_inputs import receive, shipped

pytestmark = pytest.mark.django_db


def label_of(page: str, field_id: str) -> str:
    """The text of the label for one input, tags stripped."""
    found = re.search(rf'<label for="{field_id}">(.*?)</label>', page, re.S)
    assert found, field_id
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


def order_page(login, person, order) -> str:
    return login(person).get(reverse("order-detail", args=[order.pk])).content.decode()


def test_fields_the_action_requires_are_not_labelled_optional(login, world):
    order = world.order((world.rice, "100"))[0]
    page = order_page(login, world.approver, order)
    assert label_of(page, "id_reject-reason") == "Alasan"
    assert label_of(page, "id_cancel-reason") == "Alasan"

    transitions.order_approve(order=order, by=world.approver)
    transitions.order_accept(order=order, by=world.rice_seller)
    line = order.lines.get()
    page = order_page(login, world.rice_seller, order)
    assert label_of(page, f"id_ship-quantities-{line.pk}") == "Beras lokal (kg)"
    # What may truly be left empty still says so.
    assert label_of(page, "id_ship-note") == "Catatan untuk penerima (opsional)"

    transitions.order_ship(order=order, by=world.rice_seller, quantities={line.pk: "100"})
    page = order_page(login, world.receiver, order)
    assert label_of(page, f"id_receive-quantities-{line.pk}") == "Beras lokal (kg)"
    assert label_of(page, "id_receive-condition") == "Keadaan barang (opsional)"


def test_the_vendor_inbox_names_the_buying_department_and_the_day_to_answer_by(login, world):
    order = world.order((world.rice, "100"))[0]
    transitions.order_approve(order=order, by=world.approver)
    page = login(world.rice_seller).get(reverse("vendor-orders")).content.decode()
    table = page.split("<table", 1)[1]
    assert "<th>Perangkat daerah</th>" in table
    assert 'data-label="Perangkat daerah">Dinas Pendidikan</td>' in table
    assert world.rice.vendor.display_name not in table
    # Department staff still read the vendor's name.
    page = login(world.requester).get(reverse("order-list")).content.decode()
    assert f'data-label="Penyedia">{world.rice.vendor.display_name}</td>' in page


def test_the_vendors_home_names_the_department_and_the_day_to_answer_by(login, world):
    order = world.order((world.rice, "100"))[0]
    transitions.order_approve(order=order, by=world.approver)
    order.refresh_from_db()
    day = response_deadline(order).strftime("%d-%m-%Y")
    page = login(world.rice_seller).get("/").content.decode()
    waiting = page.split("Menunggu tindakan Anda", 1)[1].split("</section>", 1)[0]
    assert order.number in waiting and "Dinas Pendidikan" in waiting
    assert world.rice.vendor.display_name not in waiting
    assert f"jawab paling lambat {day}" in waiting


def test_the_receiver_reads_the_vendors_note_on_the_order_and_in_the_bast(login, world):
    order, line = shipped(world, "100", "60")
    transitions.order_ship(
        order=order, by=world.rice_seller, quantities={line.pk: "40"}, note="Dua karung basah"
    )
    page = order_page(login, world.receiver, order)
    shipments = page.split("Pengiriman</h2>", 1)[1].split("</section>", 1)[0]
    assert "60 kg Beras lokal" in shipments and "40 kg Beras lokal" in shipments
    assert "Catatan penyedia: Dua karung basah" in shipments

    receipt = receive(world, order, line, "100")
    bast = documents.html(order, f"bast-{receipt.pk}")[0]
    assert "Catatan pengiriman dari penyedia:" in bast and "Dua karung basah" in bast


def test_a_unit_reads_the_same_in_the_catalogue_the_order_its_papers_and_exports(login, world):
    world.besek.unit = Unit.PIECE
    world.besek.save()
    order = world.order((world.besek, "20"))[0]
    client = login(world.requester)
    catalogue = client.get(reverse("product-detail", args=[world.besek.pk])).content.decode()
    assert "/ buah" in catalogue
    page = client.get(reverse("order-detail", args=[order.pk])).content.decode()
    assert "20 buah" in page and "pcs" not in page
    assert "<td>buah</td>" in documents.html(order, "purchase-order")[0]
    for language, column, word in (("id", "Satuan", "buah"), ("en", "Unit", "pcs")):
        with translation.override(language):
            header, rows, _count = order_lines_table(
                fiscal_year=world.line.fiscal_year, departments=[world.department]
            )
            (row,) = list(rows)
        assert row[header.index(column)] == word
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("order-detail", args=[order.pk])).content.decode()
    assert "20 pcs" in page


def test_english_dates_put_the_day_first(login, world):
    delivery = timezone.localdate() + datetime.timedelta(days=7)
    while delivery.day == delivery.month or delivery.day > 12:
        delivery += datetime.timedelta(days=1)  # a day that could be read as a month
    world.order((world.rice, "100"), delivery_date=delivery)
    client = login(world.requester)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("order-list")).content.decode()
    assert delivery.strftime("%d/%m/%Y") in page
    assert delivery.strftime("%m/%d/%Y") not in page
