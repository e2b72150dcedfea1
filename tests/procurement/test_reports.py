"""Compliance and spend figures against sums worked out by hand, from orders taken through the
real flow: paid, cancelled, partially received, refunded, and only approved."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from market.models import Department, Village
from market.transactions import action_scope
from orders.models import OrderStatus
from orders.services import payments, transitions
from procurement.models import ComplianceSnapshot, SpendEntry
from procurement.reports import compliance_by_department, public_figures, spend_by
from procurement.services import (
    BudgetError,
    Spend,
    budget_commit,
    budget_refund,
    compliance_snapshots_refresh,
    department_target_set,
)
from tests.factories import (
    BudgetLineFactory,
    DepartmentFactory,
    ProductFactory,
    UserFactory,
    VendorFactory,
    vendor_member,
)
from tests.orders.test_services import flow_to_received
from vendors.models import Vendor

pytestmark = pytest.mark.django_db

PAID_RICE = 1_450_000  # 100 kg x 14,500
PARTLY_RECEIVED_RICE = 587_250  # 40.5 of 100 kg received and paid; the rest closed short
FURNITURE_PAID, REFUNDED = 10_000_000, 2_000_000
APPROVED_BESEK = 450_000  # 100 x 4,500, approved, not yet paid
DINKES_COOPERATIVE = 500_000


def invoice_and_pay(world, order, seller, sp2d):
    transitions.order_invoice(order=order, by=seller)
    payments.order_pay(
        order=order, by=world.treasurer, sp2d_number=sp2d, sp2d_date=timezone.localdate()
    )


@pytest.fixture
def year(world):
    """DISDIK: five orders, each a different way money moves. DINKES: a cooperative's order."""
    priority, ordinary = (
        Village.objects.filter(is_priority=True).first(),
        Village.objects.filter(is_priority=False).first(),
    )
    type(world.rice.vendor).objects.filter(pk=world.rice.vendor_id).update(village=priority)
    type(world.besek.vendor).objects.filter(pk=world.besek.vendor_id).update(village=ordinary)

    paid = world.order((world.rice, "100"))[0]
    invoice_and_pay(world, paid, flow_to_received(world, paid), "1/SP2D")

    cancelled = world.order((world.besek, "50"))[0]
    transitions.order_cancel(order=cancelled, by=world.requester, reason="Salah jumlah")

    partly = world.order((world.rice, "100"))[0]
    seller = flow_to_received(world, partly, ship="40.5", receive="40.5")
    invoice_and_pay(world, partly, seller, "2/SP2D")
    transitions.order_close_short(order=partly, by=world.approver, reason="Stok habis")

    # A medium business from outside the regency: spending, but none of the measures.
    furniture = ProductFactory(
        vendor=VendorFactory(scale="medium", village=None),
        category=world.besek.category,
        unit_price=1_000_000,
        stock=Decimal(100),
    )
    refunded = world.order((furniture, "10"))[0]
    transitions.order_approve(order=refunded, by=world.approver)
    seller = vendor_member(furniture.vendor)
    transitions.order_accept(order=refunded, by=seller)
    line = refunded.lines.get()
    transitions.order_ship(order=refunded, by=seller, quantities={line.pk: "10"})
    transitions.order_receive(
        order=refunded,
        by=world.receiver,
        quantities={line.pk: "10"},
        received_on=timezone.localdate(),
        signed_by_name="Siti",
    )
    invoice_and_pay(world, refunded, seller, "3/SP2D")
    with action_scope():
        budget_refund(
            line=world.line,
            spend=Spend(
                refunded.pk,
                refunded.number,
                furniture.vendor,
                {"kerajinan-anyaman/besek": REFUNDED},
            ),
        )

    approved = world.order((world.besek, "100"))[0]
    transitions.order_approve(order=approved, by=world.approver)

    dinkes = DepartmentFactory(code="DINKES", name="Dinas Kesehatan")
    dinkes_line = BudgetLineFactory(department=dinkes, allocated=1_000_000)
    department_target_set(
        fiscal_year=world.line.fiscal_year,
        department=dinkes,
        target="45",
        by=UserFactory(is_staff=True),
    )
    cooperative = VendorFactory(scale="medium", is_cooperative=True, village=None)
    with action_scope():
        budget_commit(
            line=dinkes_line,
            spend=Spend(99_999, "SP/DINKES/1", cooperative, {"beras": DINKES_COOPERATIVE}),
        )
    for order in (paid, cancelled, approved):
        order.refresh_from_db()
    assert [paid.status, cancelled.status, approved.status] == [
        OrderStatus.PAID,
        OrderStatus.CANCELLED,
        OrderStatus.APPROVED,
    ]
    return world.line.fiscal_year


def on(fiscal_year, month, day):
    return datetime.date(fiscal_year.year, month, day)


def test_compliance_figures_match_the_sums_by_hand(world, year):
    rows, total = compliance_by_department(
        fiscal_year=year, departments=Department.objects.all(), today=on(year, 1, 10)
    )
    dinkes, disdik = rows
    realised = PAID_RICE + PARTLY_RECEIVED_RICE + FURNITURE_PAID - REFUNDED
    assert (disdik.allocated, disdik.committed, disdik.realised, disdik.spent) == (
        100_000_000,
        APPROVED_BESEK,
        realised,
        realised + APPROVED_BESEK,
    )
    small = PAID_RICE + PARTLY_RECEIVED_RICE + APPROVED_BESEK
    assert disdik.measures == {
        "small_business": small,
        "local": small,
        "priority_area": PAID_RICE + PARTLY_RECEIVED_RICE,
        "women_led": APPROVED_BESEK,
    }
    # 2,487,250 of 100,000,000 and of 10,487,250; half-up to one decimal.
    assert disdik.shares["small_business"] == {
        "of_allocation": Decimal("2.5"),
        "of_spend": Decimal("23.7"),
    }
    assert disdik.shares["priority_area"]["of_spend"] == Decimal("19.4")
    assert disdik.shares["women_led"] == {
        "of_allocation": Decimal("0.5"),
        "of_spend": Decimal("4.3"),
    }
    # 10 January: 40 % x 10/365 = 1.1 by today; 2.5 is ahead of it.
    assert (disdik.target, disdik.pace, disdik.status) == (Decimal(40), Decimal("1.1"), "on_track")

    # A cooperative counts whatever its scale; DINKES aims at 45 % and has reached 50 %.
    assert dinkes.measures["small_business"] == DINKES_COOPERATIVE
    assert dinkes.measures["local"] == 0
    assert (dinkes.target, dinkes.small_business_share, dinkes.status) == (
        Decimal(45),
        Decimal("50.0"),
        "met",
    )

    assert (total.allocated, total.committed, total.spent) == (
        101_000_000,
        APPROVED_BESEK + DINKES_COOPERATIVE,
        realised + APPROVED_BESEK + DINKES_COOPERATIVE,
    )
    assert total.measures["small_business"] == small + DINKES_COOPERATIVE
    assert total.small_business_share == Decimal("3.0")  # 2,987,250 / 101,000,000
    assert total.target == Decimal(40)

    rows, _total = compliance_by_department(
        fiscal_year=year, departments=Department.objects.filter(code="DISDIK"), today=on(year, 7, 2)
    )
    assert rows[0].status == "behind"  # 2.5 % where 20.1 % is the pace on 2 July


def test_spend_is_broken_down_by_category_scale_district_vendor_and_month(world, year):
    disdik = Department.objects.filter(code="DISDIK")

    def by(group_by):
        return {
            row["key"]: (row["label"], row["committed"], row["realised"], row["small_business"])
            for row in spend_by(fiscal_year=year, departments=disdik, group_by=group_by)
        }

    rice, besek = PAID_RICE + PARTLY_RECEIVED_RICE, FURNITURE_PAID - REFUNDED
    assert by("category") == {
        "beras": ("Beras", 0, rice, rice),
        "besek": ("Besek", APPROVED_BESEK, besek, APPROVED_BESEK),
    }
    assert by("vendor_scale") == {
        "micro": ("Mikro", 0, rice, rice),
        "small": ("Kecil", APPROVED_BESEK, 0, APPROVED_BESEK),
        "medium": ("Menengah", 0, besek, 0),
    }
    districts = by("district")
    assert districts[""] == ("Di luar kabupaten", 0, besek, 0)
    assert sum(row[1] + row[2] for row in districts.values()) == rice + besek + APPROVED_BESEK
    vendors = by("vendor")
    assert vendors[world.rice.vendor_id][1:] == (0, rice, rice)
    assert len(vendors) == 3
    this_month = timezone.localdate().strftime("%Y-%m")
    assert by("month") == {
        this_month: (this_month, APPROVED_BESEK, rice + besek, rice + APPROVED_BESEK)
    }


def test_a_refund_never_exceeds_what_the_order_was_paid(world, year):
    entry = SpendEntry.objects.filter(kind="refund").get()
    with pytest.raises(BudgetError, match=r"Rp8\.000\.000"), action_scope():
        budget_refund(
            line=world.line,
            spend=Spend(
                entry.order_id,
                entry.order_number,
                VendorFactory(),
                {"kerajinan-anyaman/besek": 8_000_001},
            ),
        )


def test_monthly_snapshots_keep_the_position_at_each_months_end(world, year):
    # The first paid order was paid in March; the rest on 10 November.
    SpendEntry.objects.update(
        occurred_at=timezone.make_aware(datetime.datetime(year.year, 11, 10, 10))
    )
    first = SpendEntry.objects.filter(kind="commit").order_by("id").first().order_id
    SpendEntry.objects.filter(order_id=first).update(
        occurred_at=timezone.make_aware(datetime.datetime(year.year, 3, 15, 10))
    )
    today = on(year, 11, 24)
    written = compliance_snapshots_refresh(fiscal_year=year, today=today)
    assert written == 2 * 11  # two departments with a budget, January to November
    assert compliance_snapshots_refresh(fiscal_year=year, today=today) == 2 * 2  # Oct and Nov again
    assert ComplianceSnapshot.objects.count() == written

    disdik = ComplianceSnapshot.objects.filter(department__code="DISDIK")
    february, march, november = (disdik.get(month=on(year, m, 1)) for m in (2, 3, 11))
    assert (february.spent, february.small_business) == (0, 0)
    assert (march.realised, march.small_business) == (PAID_RICE, PAID_RICE)
    rows, _total = compliance_by_department(
        fiscal_year=year, departments=Department.objects.filter(code="DISDIK")
    )
    assert (november.spent, november.small_business) == (
        rows[0].spent,
        rows[0].measures["small_business"],
    )


def test_the_public_figures_show_small_local_spending_and_vendors_paid(world, year):
    figures = public_figures(fiscal_year=year, today=on(year, 1, 10))
    by_code = {row["code"]: row for row in figures.departments}
    # DINKES's cooperative is outside the regency: small business, but not local.
    assert (by_code["DINKES"]["small_business"], by_code["DINKES"]["small_local"]) == (
        DINKES_COOPERATIVE,
        0,
    )
    assert by_code["DISDIK"]["small_local"] == PAID_RICE + PARTLY_RECEIVED_RICE + APPROVED_BESEK
    # Paid: the rice producer (twice) and the medium business; the approved order is not paid.
    assert sum(row["vendors"] for row in figures.vendors_paid_by_district) == 2
    # Refunded in full, the medium business no longer counts as paid.
    entry = SpendEntry.objects.filter(kind="refund").get()
    with action_scope():
        budget_refund(
            line=world.line,
            spend=Spend(
                entry.order_id,
                entry.order_number,
                Vendor.objects.get(pk=entry.vendor_id),
                {"kerajinan-anyaman/besek": FURNITURE_PAID - REFUNDED},
            ),
        )
    figures = public_figures(fiscal_year=year)
    assert sum(row["vendors"] for row in figures.vendors_paid_by_district) == 1


def test_the_nightly_refresh_closes_last_years_december_in_january(world, year):
    from procurement.services import compliance_snapshots_refresh_nightly
    from procurement.tasks import refresh_compliance_snapshots

    assert refresh_compliance_snapshots.delay().get() > 0  # today's year, as beat runs it
    ComplianceSnapshot.objects.all().delete()
    written = compliance_snapshots_refresh_nightly(today=on(year, 1, 1).replace(year=year.year + 1))
    assert written == 2 * 12
    december = ComplianceSnapshot.objects.get(department__code="DISDIK", month=on(year, 12, 1))
    assert december.small_business == PAID_RICE + PARTLY_RECEIVED_RICE + APPROVED_BESEK
    assert compliance_snapshots_refresh_nightly(today=on(year, 2, 1)) == 2 * 2


@pytest.mark.parametrize(
    ("small", "status"),
    [
        (39_950_000, "on_track"),
        (40_000_000, "met"),
        (19_950_000, "behind"),
        (20_000_000, "on_track"),
    ],
)
def test_the_status_is_judged_on_exact_amounts_not_the_rounded_shares(small, status):
    from procurement.reports import Compliance

    row = Compliance(
        code="X",
        name="X",
        allocated=100_000_000,
        committed=small,
        realised=0,
        spent=small,
        measures={"small_business": small, "local": 0, "priority_area": 0, "women_led": 0},
        target=Decimal(40),
        exact_pace=Decimal(20),
    )
    assert row.status == status
    if small == 39_950_000:
        assert row.small_business_share == Decimal("40.0")  # shown rounded, yet not met


def test_settled_months_keep_the_budget_they_had(world, year):
    from procurement.services import budget_line_set_allocation

    today = on(year, 11, 24)
    compliance_snapshots_refresh(fiscal_year=year, today=today)
    budget_line_set_allocation(
        line=world.line, allocated=200_000_000, by=UserFactory(is_staff=True)
    )
    assert compliance_snapshots_refresh(fiscal_year=year, today=today) == 2 * 2  # Oct, Nov only
    disdik = ComplianceSnapshot.objects.filter(department__code="DISDIK")
    assert disdik.get(month=on(year, 9, 1)).allocated == 100_000_000
    assert disdik.get(month=on(year, 10, 1)).allocated == 200_000_000
