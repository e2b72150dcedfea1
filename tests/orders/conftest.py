"""A small world for order tests: DISDIK's four roles, a budget line, two vendors' products."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from catalog.models import Category, Product
from market.models import Department, DepartmentRole, User
from orders.services import placing
from procurement.models import BudgetLine
from tests.factories import (
    BudgetLineFactory,
    DepartmentFactory,
    ProductFactory,
    VendorFactory,
    member,
    vendor_member,
)


@dataclass
class World:
    department: Department
    requester: User
    approver: User
    receiver: User
    treasurer: User
    line: BudgetLine
    rice: Product
    besek: Product
    rice_seller: User
    besek_seller: User

    def order(self, *items, line=None, **overrides):
        """Place orders directly (as a cart checkout would) and return them."""
        values = {
            "requester": self.requester,
            "department": self.department,
            "budget_line": line or self.line,
            "approver": self.approver,
            "delivery_address": "Kantor Dinas Pendidikan",
            "delivery_date": timezone.localdate() + datetime.timedelta(days=7),
            "items": [placing.Item(product.pk, Decimal(quantity)) for product, quantity in items],
        }
        return placing.orders_place(**{**values, **overrides})


@pytest.fixture
def world(db):
    department = DepartmentFactory(code="DISDIK", name="Dinas Pendidikan")
    people = {role: member(role, department) for role in DepartmentRole.values}
    rice_vendor, besek_vendor = VendorFactory(), VendorFactory(is_women_led=True, scale="small")
    return World(
        department=department,
        requester=people["requester"],
        approver=people["approver"],
        receiver=people["receiver"],
        treasurer=people["treasurer"],
        line=BudgetLineFactory(department=department, allocated=100_000_000),
        rice=ProductFactory(
            vendor=rice_vendor,
            name="Beras lokal",
            unit_price=14_500,
            stock=Decimal(1000),
            minimum_order=Decimal(10),
        ),
        besek=ProductFactory(
            vendor=besek_vendor,
            name="Besek bambu",
            unit_price=4_500,
            stock=Decimal(300),
            category=Category.objects.get(slug="besek"),
        ),
        rice_seller=vendor_member(rice_vendor),
        besek_seller=vendor_member(besek_vendor),
    )
