"""The spend ledger: each order's own commitment, the signs of its entries, categories with
their ancestors."""

import pytest
from django.db.models import Sum
from django.utils import timezone

from catalog.models import Category
from procurement.models import SpendEntry, SpendKind, ledger_committed, ledger_realised
from procurement.services import BudgetError, Spend, budget_commit, budget_release
from tests.factories import BudgetLineFactory, VendorFactory

pytestmark = pytest.mark.django_db


def spend(order_id: int, amounts: dict) -> Spend:
    return Spend(
        order_id=order_id,
        order_number=f"SP/DISDIK/2026/{order_id:05d}",
        vendor=VendorFactory(),
        amounts_by_category=amounts,
    )


def test_a_release_is_checked_against_that_orders_commitment_not_the_lines():
    line = BudgetLineFactory(allocated=10_000_000)
    budget_commit(line=line, spend=spend(1, {"beras-biji-bijian/beras": 1_000_000}))
    budget_commit(line=line, spend=spend(2, {"beras-biji-bijian/beras": 5_000_000}))

    # The line has 6,000,000 committed, but order 1 only 1,000,000 of it.
    with pytest.raises(BudgetError, match="SP/DISDIK/2026/00001") as refused:
        budget_release(line=line, spend=spend(1, {"beras-biji-bijian/beras": 2_000_000}))
    assert refused.value.code == "ledger_error"
    # ... and not in another category than it committed.
    with pytest.raises(BudgetError):
        budget_release(line=line, spend=spend(1, {"suvenir": 500_000}))

    budget_release(line=line, spend=spend(1, {"beras-biji-bijian/beras": 1_000_000}))
    line.refresh_from_db()
    assert line.committed == 5_000_000


def test_entries_carry_their_categorys_ancestors_so_a_parent_counts_its_children():
    line = BudgetLineFactory(allocated=10_000_000)
    cakes = Category.objects.get(slug="kue-tradisional")
    meals = Category.objects.get(slug="nasi-kotak")
    parent = cakes.parent.slug
    budget_commit(
        line=line,
        spend=spend(
            1, {f"{parent}/{cakes.slug}": 300_000, f"{parent}/{meals.slug}": 700_000, "suvenir": 5}
        ),
    )
    snacks = SpendEntry.objects.filter(category_path__contains=f"/{parent}/")
    assert snacks.aggregate(total=Sum("amount"))["total"] == 1_000_000
    assert set(snacks.values_list("category", flat=True)) == {"kue-tradisional", "nasi-kotak"}


def test_the_sign_of_each_kind_is_defined_once_and_read_by_the_counters():
    line = BudgetLineFactory(allocated=10_000_000)
    vendor = VendorFactory()
    for kind, amount in (
        (SpendKind.COMMIT, 1_000),
        (SpendKind.RELEASE, 100),
        (SpendKind.REALISE, 600),
        (SpendKind.REFUND, 50),
    ):
        SpendEntry.objects.create(
            kind=kind,
            amount=amount,
            budget_line=line,
            department=line.department,
            fiscal_year=line.fiscal_year,
            occurred_at=timezone.now(),
            order_number="SP/X/1",
            order_id=1,
            vendor_id=vendor.pk,
            vendor_name="x",
            vendor_scale="micro",
            vendor_is_local=True,
            vendor_in_priority_area=False,
            vendor_is_women_led=False,
            vendor_is_cooperative=False,
            category="beras",
            category_path="/beras-biji-bijian/beras/",
        )
    totals = SpendEntry.objects.aggregate(committed=ledger_committed(), realised=ledger_realised())
    # committed: 1000 - 100 - 600; realised: 600 - 50
    assert totals == {"committed": 300, "realised": 550}


def test_a_release_counts_against_the_measures_its_commitment_counted_towards():
    from market.models import Department
    from market.transactions import action_scope
    from procurement.reports import compliance_by_department, spend_by

    line = BudgetLineFactory(allocated=10_000_000)
    vendor = VendorFactory(scale="micro", is_women_led=True)
    order = Spend(7, "SP/X/7", vendor, {"beras-biji-bijian/beras": 1_450_000})
    with action_scope():
        budget_commit(line=line, spend=order)
    # The vendor moves out of the regency and grows before the order is cancelled.
    type(vendor).objects.filter(pk=vendor.pk).update(
        scale="medium", village=None, is_women_led=False
    )
    vendor.refresh_from_db()
    with action_scope():
        budget_release(line=line, spend=Spend(7, "SP/X/7", vendor, order.amounts_by_category))

    departments = Department.objects.filter(pk=line.department_id)
    rows, _total = compliance_by_department(fiscal_year=line.fiscal_year, departments=departments)
    assert rows[0].measures == {"small_business": 0, "local": 0, "priority_area": 0, "women_led": 0}
    by_scale = spend_by(
        fiscal_year=line.fiscal_year, departments=departments, group_by="vendor_scale"
    )
    assert [(row["key"], row["committed"]) for row in by_scale] == [("micro", 0)]
