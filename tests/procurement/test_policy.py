"""The fiscal year's policy, checked on every submission, and changed only by administrators."""

import calendar
import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from catalog.models import Category, Product
from market.models import AuditEvent
from orders.models import OrderStatus, PurchaseOrder
from procurement.evaluation import PolicyViolation, policy_evaluate, quota_position
from procurement.models import DepartmentTarget, Policy
from procurement.services import Spend, department_target_set, fiscal_year_open
from tests.factories import BudgetLineFactory, UserFactory, VendorFactory, finance_officer

pytestmark = pytest.mark.django_db


@pytest.fixture
def policy(world):
    policy, _ = Policy.objects.get_or_create(fiscal_year=world.line.fiscal_year)
    policy.reserved_categories.set(Category.objects.filter(slug="beras-biji-bijian"))
    return policy


def test_an_order_exactly_at_the_ceiling_passes_and_one_rupiah_more_is_refused(world, policy):
    Product.objects.filter(pk=world.besek.pk).update(unit_price=1_000_000, stock=1000)
    type(world.line).objects.filter(pk=world.line.pk).update(allocated=500_000_000)
    policy.direct_purchase_ceiling = 200_000_000
    policy.save()
    assert world.order((world.besek, "200"))[0].total == 200_000_000

    Product.objects.filter(pk=world.besek.pk).update(unit_price=1_000_001)
    with pytest.raises(PolicyViolation) as refused:
        world.order((world.besek, "200"))
    assert "Rp200.000.200" in refused.value.message and "Rp200.000.000" in refused.value.message
    assert list(refused.value.fields["orders"]) == [str(world.besek.vendor_id)]
    assert PurchaseOrder.objects.count() == 1


def test_a_reserved_category_is_bought_only_from_local_small_vendors(world, policy):
    outside = VendorFactory(village=None)
    medium = VendorFactory(scale="medium")
    for vendor in (outside, medium):
        Product.objects.filter(pk=world.rice.pk).update(vendor=vendor)
        with pytest.raises(PolicyViolation, match="Beras dan biji-bijian"):
            world.order((world.rice, "10"))
    Product.objects.filter(pk=world.rice.pk).update(vendor=VendorFactory(scale="small"))
    assert world.order((world.rice, "10"))  # local and small: allowed
    # Besek is not reserved: an outside vendor may sell it.
    Product.objects.filter(pk=world.besek.pk).update(vendor=outside)
    assert world.order((world.besek, "10"))


def test_one_refused_order_refuses_the_whole_checkout(world, policy):
    Product.objects.filter(pk=world.besek.pk).update(unit_price=300_000_000)
    with pytest.raises(PolicyViolation):
        world.order((world.rice, "10"), (world.besek, "1"))
    assert not PurchaseOrder.objects.exists()
    world.rice.refresh_from_db()
    assert world.rice.reserved == 0


def test_a_vendor_that_is_not_verified_is_refused(world, policy):
    vendor = VendorFactory(status="suspended")
    evaluation = policy_evaluate(
        department=world.department,
        fiscal_year=world.line.fiscal_year,
        spends=[Spend(0, "", vendor, {"kerajinan-anyaman/besek": 10_000})],
    )
    assert [finding.vendor_id for finding in evaluation.violations] == [vendor.pk]
    assert "dibekukan" in evaluation.violations[0].message


def test_orders_at_or_under_the_approval_threshold_need_no_ppk(world, policy):
    policy.approval_threshold = 145_000
    policy.save()
    small, large = world.order((world.rice, "10"))[0], world.order((world.rice, "11"))[0]
    assert (small.status, large.status) == (OrderStatus.APPROVED, OrderStatus.SUBMITTED)
    event = AuditEvent.objects.get(action="order.approve", object_id=str(small.pk))
    assert event.actor is None and event.after["automatically_up_to"] == 145_000
    # Nobody but the PPK approves an order above the threshold, not the system either.
    from market.errors import NotAllowed
    from orders.services import transitions

    with pytest.raises(NotAllowed):
        transitions.order_approve(order=large, by=None)


def test_the_position_moves_by_the_orders_of_small_businesses(world, policy):
    # 100,000,000 allocated; 31,200,000 already spent with small businesses.
    earlier = Spend(0, "SP/OLD", world.rice.vendor, {"beras-biji-bijian/beras": 31_200_000})
    from procurement.services import budget_commit

    BudgetLineFactory(department=world.department, allocated=0)
    budget_commit(line=world.line, spend=earlier)
    position = quota_position(
        department=world.department,
        fiscal_year=world.line.fiscal_year,
        adding=1_800_000,
        today=datetime.date(world.line.fiscal_year.year, 7, 2),
    )
    assert (position.share_before, position.share_after) == (Decimal("31.2"), Decimal("33.0"))
    assert position.describe() == "pangsa usaha kecil 31,2 % → 33,0 % dari anggaran; target 40 %"
    # 2 July is day 183: 40 % * 183/365 = 20.05 → 20.1 (a leap year: * 183/366 = 20.0).
    leap = calendar.isleap(world.line.fiscal_year.year)
    assert position.pace == (Decimal("20.0") if leap else Decimal("20.1"))


def test_the_preview_shows_the_position_and_warns_a_department_behind(api_as, login, world, policy):
    from orders.services import placing

    placing.cart_add_item(
        user=world.requester, department=world.department, product_id=world.rice.pk, quantity=100
    )
    response = api_as(world.requester).post("/api/v1/cart/preview/", {"department": "DISDIK"})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["position"]["after"] == 1_450_000 and body["violations"] == []
    assert body["position"]["text"].startswith("pangsa usaha kecil 0,0 % → 1,5 %")
    assert "tertinggal" in body["warnings"][0]["message"]
    page = login(world.requester).get("/cart/")
    assert page.status_code == 200
    assert "Pangsa usaha kecil 0,0 % → 1,5 %" in page.content.decode()
    assert "tertinggal" in page.content.decode()


def test_a_department_may_aim_higher_never_lower(world, policy):
    admin = UserFactory(is_staff=True)
    department_target_set(
        fiscal_year=world.line.fiscal_year, department=world.department, target="45", by=admin
    )
    assert DepartmentTarget.objects.get().small_business_target == 45
    from market.errors import InvalidInput

    with pytest.raises(InvalidInput) as refused:
        department_target_set(
            fiscal_year=world.line.fiscal_year, department=world.department, target="30", by=admin
        )
    assert "small_business_target" in refused.value.fields
    position = quota_position(department=world.department, fiscal_year=world.line.fiscal_year)
    assert position.target == 45


def test_only_administrators_change_the_policy_every_value_bounded_and_audited(api_as, world):
    fiscal_year = fiscal_year_open(year=world.line.fiscal_year.year)
    url = f"/api/v1/policies/{fiscal_year.year}/"
    assert api_as(finance_officer()).patch(url, {"card_cap": 1}, format="json").status_code == 403
    admin = api_as(UserFactory(is_staff=True))
    refused = admin.patch(
        url,
        {
            "small_business_target": "140",
            "direct_purchase_ceiling": 0,
            "vendor_response_days": 99,
            "department_targets": {"DISDIK": "10", "NOPE": "50"},
        },
        format="json",
    )
    assert refused.status_code == 400
    assert {"small_business_target", "direct_purchase_ceiling", "vendor_response_days"} <= set(
        refused.json()["error"]["fields"]
    )
    changed = admin.patch(
        url,
        {
            "small_business_target": "42.5",
            "reserved_categories": ["beras-biji-bijian", "suvenir"],
            "department_targets": {"DISDIK": "50"},
        },
        format="json",
    )
    assert changed.status_code == 200, changed.json()
    body = changed.json()
    assert body["small_business_target"] == "42.50"
    assert body["reserved_categories"] == ["beras-biji-bijian", "suvenir"]
    assert body["department_targets"] == {"DISDIK": "50.00"}
    event = AuditEvent.objects.get(action="policy.update")
    assert event.before["small_business_target"] == "40.00"
    assert event.after["reserved_categories"] == ["beras-biji-bijian", "suvenir"]
    assert AuditEvent.objects.filter(action="department_target.set").exists()
    listed = api_as(finance_officer()).get("/api/v1/policies/").json()["results"]
    assert listed[0]["fiscal_year"] == fiscal_year.year


def test_the_policy_page_shows_each_regulation_and_lets_administrators_change_it(login, world):
    fiscal_year_open(year=world.line.fiscal_year.year)
    page = login(world.requester).get("/policies/").content.decode()
    assert "Perpres 12/2021" in page and "UU 10/2020" in page
    # Everyone reads the policy; changing it is the administrators' (403, as the API's PATCH).
    refused = login(world.requester).get(f"/policies/{world.line.fiscal_year.year}/")
    assert refused.status_code == 403
    assert "Hanya administrator platform yang mengubah kebijakan." in refused.content.decode()
    admin = login(UserFactory(is_staff=True))
    url = f"/policies/{world.line.fiscal_year.year}/"
    form = admin.get(url).context["form"]
    data = {name: field.initial for name, field in form.fields.items() if field.initial is not None}
    data["reserved_categories"] = [category.pk for category in data["reserved_categories"]]
    response = admin.post(
        url,
        {**data, "approval_threshold": "-5", "payment_due_days": "0", "target-DISDIK": "30"},
    )
    # Every problem at once, each beside its field: the department's too.
    assert set(response.context["form"].errors) == {
        "approval_threshold",
        "payment_due_days",
        "target-DISDIK",
    }
    response = admin.post(url, {**data, "approval_threshold": "5000000"})
    assert response.status_code == 302
    assert Policy.objects.get().approval_threshold == 5_000_000


def test_a_standing_order_passes_through_the_same_evaluator(world, policy):
    from orders.services.placing import Item
    from orders.services.standing import standing_order_run

    standing = world.standing_order(items=[Item(world.rice.pk, Decimal(10))])
    Product.objects.filter(pk=world.rice.pk).update(vendor=VendorFactory(village=None))
    run = standing_order_run(standing_order=standing, period=timezone.localdate().replace(day=1))
    assert run.outcome == "failed" and "dicadangkan bagi usaha mikro dan kecil lokal" in run.message
    assert not PurchaseOrder.objects.filter(standing_order=standing).exists()


def test_automatic_approval_never_reaches_above_the_ceiling(world):
    from market.errors import InvalidInput
    from procurement.services import policy_update

    admin = UserFactory(is_staff=True)
    with pytest.raises(InvalidInput) as refused:
        policy_update(fiscal_year=world.line.fiscal_year, by=admin, approval_threshold=300_000_000)
    assert "Rp200.000.000" in refused.value.fields["approval_threshold"][0]
    policy_update(fiscal_year=world.line.fiscal_year, by=admin, approval_threshold=200_000_000)
