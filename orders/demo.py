"""Demo orders in every state, so that each demo login finds work waiting."""

import datetime

from django.utils import timezone

from catalog.models import Product
from market.models import User
from orders.clock import due_at
from orders.models import Invoice, PurchaseOrder
from orders.services import negotiation, payments, placing, standing, transitions
from procurement.models import SpendEntry
from procurement.selectors import policy_for, working_days_between
from procurement.services import compliance_snapshots_refresh

DEMO_NOTE = "Demo"


def _people() -> dict[str, User]:
    names = ["requester", "approver", "receiver", "treasurer", "vendor", "vendor2"]
    return {user.username: user for user in User.objects.filter(username__in=names)}


def _all(order) -> dict:
    return {str(line.pk): line.quantity for line in order.lines.all()}


def _half(order) -> dict:
    return {str(line.pk): (line.quantity / 2).quantize(line.quantity) for line in order.lines.all()}


def seed(context: dict) -> None:
    if PurchaseOrder.objects.filter(notes__startswith=DEMO_NOTE).exists():
        return
    people, departments = _people(), context["departments"]
    disdik = departments["DISDIK"]
    fiscal_year = context["fiscal_year"]
    rice_line = disdik.budget_lines.get(fiscal_year=fiscal_year, account_code="5.1.02.01.01.0012")
    uniform_line = disdik.budget_lines.get(
        fiscal_year=fiscal_year, account_code="5.1.02.01.01.0029"
    )
    rice = Product.objects.get(vendor__members__user=people["vendor"], name="Beras lokal premium")
    uniform = Product.objects.get(
        vendor__members__user=people["vendor2"], name="Seragam sekolah SD putih-merah"
    )
    masks = Product.objects.get(
        vendor__members__user=people["vendor2"], name="Masker kain tiga lapis"
    )
    today = timezone.localdate()
    requester, approver, receiver = people["requester"], people["approver"], people["receiver"]
    treasurer, vendor, vendor2 = people["treasurer"], people["vendor"], people["vendor2"]

    def place(product, quantity, line=rice_line, note=""):
        return placing.orders_place(
            requester=requester,
            department=disdik,
            budget_line=line,
            approver=approver,
            delivery_address="Kantor Dinas Pendidikan, Jl. Arteri Supadio, Sungai Raya",
            delivery_date=today + datetime.timedelta(days=14),
            items=[placing.Item(product.pk, quantity)],
            notes=f"{DEMO_NOTE}: {note}",
        )[0]

    def advance(order, steps, seller):
        for step in steps:
            if step == "approve":
                transitions.order_approve(order=order, by=approver)
            elif step == "accept":
                transitions.order_accept(order=order, by=seller)
            elif step == "ship_half":
                transitions.order_ship(order=order, by=seller, quantities=_half(order))
            elif step == "ship_all":
                transitions.order_ship(order=order, by=seller, quantities=_all(order))
            elif step == "receive_half":
                transitions.order_receive(
                    order=order,
                    by=receiver,
                    quantities=_half(order),
                    received_on=today,
                    signed_by_name="Siti Aminah",
                )
            elif step == "receive_all":
                transitions.order_receive(
                    order=order,
                    by=receiver,
                    quantities=_all(order),
                    received_on=today,
                    signed_by_name="Siti Aminah",
                )
            elif step == "invoice":
                transitions.order_invoice(order=order, by=seller)
            elif step == "pay":
                payments.order_pay(
                    order=order,
                    by=treasurer,
                    sp2d_number=f"SP2D-{order.pk:04d}/BUD/2026",
                    sp2d_date=today,
                )
            elif step == "close":
                transitions.order_close(order=order, by=requester)

    plans = [
        (rice, 500, [], "beras ASN bulan depan"),
        (rice, 400, ["approve"], "menunggu jawaban penyedia"),
        (rice, 300, ["approve", "accept"], "siap dikirim"),
        (rice, 600, ["approve", "accept", "ship_half"], "dikirim sebagian"),
        (rice, 200, ["approve", "accept", "ship_all"], "menunggu BAST"),
        (rice, 250, ["approve", "accept", "ship_all", "receive_half"], "diterima sebagian"),
        (rice, 150, ["approve", "accept", "ship_all", "receive_all"], "siap ditagih"),
        (rice, 100, ["approve", "accept", "ship_all", "receive_all", "invoice"], "menunggu bayar"),
        (
            rice,
            320,
            ["approve", "accept", "ship_half", "receive_half", "invoice", "pay"],
            "termin pertama dibayar, sisanya masih dikirim",
        ),
        (rice, 120, ["approve", "accept", "ship_all", "receive_all", "invoice", "pay"], "lunas"),
        (
            rice,
            90,
            ["approve", "accept", "ship_all", "receive_all", "invoice", "pay", "close"],
            "selesai",
        ),
    ]
    for product, quantity, steps, note in plans:
        advance(place(product, quantity, note=note), steps, vendor)
    for steps, note in (
        ([], "seragam SD baru"),
        (["approve", "accept", "ship_all"], "seragam diterima gudang"),
    ):
        advance(place(uniform, 120, uniform_line, note), steps, vendor2)
    refused = place(masks, 500, uniform_line, "masker kegiatan")
    transitions.order_reject(order=refused, by=approver, reason="Anggaran dialihkan ke seragam.")
    declined = place(uniform, 60, uniform_line, "seragam pramuka")
    transitions.order_approve(order=declined, by=approver)
    transitions.order_decline(order=declined, by=vendor2, reason="Kain habis bulan ini.")
    cancelled = place(rice, 50, note="salah jumlah")
    transitions.order_cancel(order=cancelled, by=requester, reason="Jumlah salah, dipesan ulang.")
    expired = place(masks, 200, uniform_line, "masker cadangan")
    transitions.order_approve(order=expired, by=approver)
    transitions.order_expire(order=expired)

    standing.standing_order_create(
        by=requester,
        department=disdik,
        name="Beras ASN bulanan",
        budget_line=rice_line,
        approver=approver,
        day_of_month=1,
        start_date=today.replace(month=1, day=1),
        end_date=today.replace(month=12, day=31),
        delivery_address="Gudang Dinas Pendidikan, Sungai Raya",
        items=[placing.Item(rice.pk, 500)],
    )
    _taxes_and_the_payment_clock(advance, place, rice_line, uniform_line, vendor, vendor2)
    # A price being negotiated: the requester proposed, the vendor countered; the requester's
    # move (and the PPK's approval waits for it).
    haggled = place(rice, 450, note="harga dinegosiasi")
    line = haggled.lines.get()
    negotiation.negotiation_propose(
        order=haggled, by=requester, prices={line.pk: line.unit_price - 1_000}
    )
    negotiation.negotiation_counter(
        order=haggled, by=vendor, prices={line.pk: line.unit_price - 500}
    )
    compliance_snapshots_refresh(fiscal_year=fiscal_year)  # the charts' months, as beat would


def _taxes_and_the_payment_clock(advance, place, rice_line, uniform_line, vendor, vendor2):
    """The taxes' worked examples paid by SP2D (README, "Taxes"): Rp3.330.000 of rice from the
    certified micro rice mill, nothing collected; Rp11.100.000 of shirts from the PKP
    cooperative, PPN Rp1.100.000 and PPh 22 Rp150.000 collected, in this month's tax register.
    Then DISDIK's payment record (its invoices paid 1 to 7 working days after they were
    complete), one invoice overdue on the treasurer's home, and an order the cooperative has yet
    to accept, showing it its net and that record."""
    rice_packs = Product.objects.get(vendor__members__user=vendor, name="Beras premium karung 5 kg")
    shirts = Product.objects.get(vendor__members__user=vendor2, name="Kemeja lapangan (PDL) ASN")
    paid = ["approve", "accept", "ship_all", "receive_all", "invoice", "pay"]
    advance(place(rice_packs, 50, rice_line, "contoh pajak: beras Rp3.330.000"), paid, vendor)
    advance(place(shirts, 100, uniform_line, "contoh pajak: kemeja Rp11.100.000"), paid, vendor2)
    # Paid invoices as if they had waited: complete some working days before they were paid.
    invoices = Invoice.objects.filter(payments__status="succeeded").order_by("pk")
    for waited, invoice in zip((1, 2, 2, 3, 7), invoices, strict=False):
        _backdate(invoice, waited)
    waiting = Invoice.objects.unpaid().filter(order__notes__contains="menunggu bayar").first()
    if waiting is not None:
        _backdate(waiting, 8)  # overdue: first on the treasurer's list
    advance(place(shirts, 30, uniform_line, "kemeja untuk penyuluh"), ["approve"], vendor2)


def _backdate(invoice, working_days: int) -> None:
    """The invoice complete `working_days` before it was paid (or before today): its issue
    time, due time and the ledger's billed time move back alike."""
    paid = invoice.payments.filter(status="succeeded").first()
    end = timezone.localtime(paid.paid_at if paid else timezone.now())
    day = end.date()
    while working_days_between(day, end.date()) < working_days:
        day -= datetime.timedelta(days=1)
    issued = end.replace(year=day.year, month=day.month, day=day.day)
    days = policy_for(invoice.order.budget_line.fiscal_year).payment_due_days
    Invoice.objects.filter(pk=invoice.pk).update(issued_at=issued, due_at=due_at(issued, days))
    SpendEntry.objects.filter(order_id=invoice.order_id, billed_at=invoice.issued_at).update(
        billed_at=issued
    )
