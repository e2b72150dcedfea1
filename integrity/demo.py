"""Demo red flags: DINKES buys rice from a mill that shares its bank account with another demo
vendor and its phone with one of DINKES's receivers, in orders cut under the ceiling, bunched
just under it, paid to that one vendor, and once at a price far above the catalogue's. The
night's scan is run once, so that the finance officer and the inspector find each indicator
on /integrity/ after `make demo`."""

import datetime
from decimal import Decimal

from django.utils import timezone

from catalog.models import Category
from catalog.services import product_create
from integrity.models import Flag
from integrity.services import scan_request, scan_run
from market.demo import demo_password_hash
from market.models import User
from orders.models import PurchaseOrder
from orders.services import payments, placing, transitions
from vendors.demo import BOTH_DOCUMENTS, draw_document
from vendors.models import DocumentKind, Vendor, VendorMember, VendorRole, VendorStatus
from vendors.services import vendor_document_add

NOTE = "Demo integritas"


def _vendor(twin: Vendor, phone: str) -> tuple[Vendor, User]:
    vendor = Vendor.objects.create(
        legal_name="UD Beras Kubu Jaya",
        nib="9120000000999",
        npwp="310000000000999",
        contact_person="Pemilik Kubu Jaya",
        phone=phone,
        email="kubujaya@umkm.example",
        address="Jl. Raya Kubu No. 9",
        village=twin.village,
        scale=twin.scale,
        bank_name=twin.bank_name,
        bank_account_number=twin.bank_account_number,  # one owner behind two vendors?
        status=VendorStatus.VERIFIED,
    )
    user = User.objects.create(
        username="vendor3", full_name="Pemilik Kubu Jaya", password=demo_password_hash()
    )
    VendorMember.objects.create(vendor=vendor, user=user, role=VendorRole.OWNER)
    for kind in BOTH_DOCUMENTS:  # verified as every demo vendor is: with its NIB and NPWP
        number = vendor.nib if kind == DocumentKind.NIB_CERTIFICATE else vendor.npwp
        upload = draw_document(str(DocumentKind(kind).label), number)
        vendor_document_add(vendor=vendor, kind=kind, upload=upload, by=user)
    return vendor, user


def seed(context: dict) -> None:
    if PurchaseOrder.objects.filter(notes__startswith=NOTE).exists():
        return
    people = {
        u.username: u
        for u in User.objects.filter(
            username__in=[
                "admin",
                "requester2",
                "approver2",
                "receiver2",
                "treasurer2",
                "vendor",
            ]
        )
    }
    dinkes, fiscal_year = context["departments"]["DINKES"], context["fiscal_year"]
    line = dinkes.budget_lines.get(fiscal_year=fiscal_year, account_code="5.1.02.01.01.0012")
    receiver = people["receiver2"]
    receiver.phone = "+6281345670099"
    receiver.save(update_fields=["phone"])
    twin = Vendor.objects.get(members__user=people["vendor"])
    mill, seller = _vendor(twin, phone=receiver.phone)  # a vendor with a DINKES receiver's phone
    rice = Category.objects.get(slug="beras")

    def product(name, price):
        return product_create(
            vendor=mill,
            by=seller,
            category=rice,
            name=name,
            unit="kg",
            unit_price=price,
            made_to_order=True,
            lead_time_days=3,
        )

    milled, organic = product("Beras giling Kubu", 14_000), product("Beras organik Kubu", 45_000)
    today = timezone.localdate()

    def order(item, kilograms, days_ago, note):
        placed = placing.orders_place(
            requester=people["requester2"],
            department=dinkes,
            budget_line=line,
            approver=people["approver2"],
            delivery_address="Gudang Dinas Kesehatan, Sungai Raya",
            delivery_date=today + datetime.timedelta(days=14),
            items=[placing.Item(item.pk, Decimal(kilograms))],
            notes=f"{NOTE}: {note}",
        )[0]
        at = timezone.now() - datetime.timedelta(days=days_ago)
        PurchaseOrder.objects.filter(pk=placed.pk).update(submitted_at=at)
        return placed

    # Bunched just under the Rp200.000.000 ceiling, months apart.
    for days in (300, 250, 200):
        order(milled, 13_900, days, "beras puskesmas (triwulan)")
    # One purchase cut in three within three weeks, Rp218.400.000 together, and paid.
    for days in (25, 15, 5):
        cut = order(milled, 5_200, days, "beras posyandu")
        _pay(cut, people, seller, today)
    # A price far above the catalogue's.
    order(organic, 50, 3, "beras organik rapat")
    scan_run(scan_id=scan_request(by=None, fiscal_year=fiscal_year).pk)
    context["flags"] = Flag.objects.count()


def _pay(order, people, seller, today) -> None:
    everything = {str(line.pk): line.quantity for line in order.lines.all()}
    transitions.order_approve(order=order, by=people["approver2"])
    transitions.order_accept(order=order, by=seller)
    transitions.order_ship(order=order, by=seller, quantities=everything)
    transitions.order_receive(
        order=order,
        by=people["receiver2"],
        quantities=everything,
        received_on=today,
        signed_by_name="Fransiska Lim",
    )
    transitions.order_invoice(order=order, by=seller)
    payments.order_pay(
        order=order,
        by=people["treasurer2"],
        sp2d_number=f"SP2D-{order.pk:04d}/BUD/2026",
        sp2d_date=today,
    )
