import datetime
import itertools
from decimal import Decimal

import pytest
from django.utils import timezone

from integrity.indicators.base import Scope
from orders.models import PurchaseOrder
from procurement.models import Policy, SpendEntry, SpendKind
from procurement.selectors import policy_for
from tests.factories import ProductFactory, VendorFactory

_numbers = itertools.count(1)


def own_vendor(**fields):
    """A vendor with contacts of its own (the factory's are shared by every vendor)."""
    n = next(_numbers)
    values = {
        "phone": f"+62813{n:08d}",
        "email": f"own{n}@umkm.example",
        "bank_account_number": f"77{n:08d}",
        "address": f"Jl. Sendiri No. {n}",
    }
    return VendorFactory(**{**values, **fields})


@pytest.fixture
def market(world):
    """The world with a small ceiling (Rp10.000.000), so that a few orders pass it."""
    Policy.objects.update_or_create(
        fiscal_year=world.line.fiscal_year,
        defaults={"direct_purchase_ceiling": 10_000_000, "approval_threshold": 0},
    )
    world.line.allocated = 500_000_000
    world.line.save()
    return world


def placed(world, product, quantity, *, days_ago: float = 0, **overrides):
    """An order of `quantity` of `product`, submitted `days_ago`."""
    (order,) = world.order((product, Decimal(quantity)), **overrides)
    at = timezone.now() - datetime.timedelta(days=days_ago)
    PurchaseOrder.objects.filter(pk=order.pk).update(submitted_at=at)
    order.refresh_from_db()
    return order


def product_of(vendor=None, price=1_000_000, **fields):
    return ProductFactory(
        vendor=vendor or own_vendor(), unit_price=price, stock=Decimal(100_000), **fields
    )


def scope_of(world) -> Scope:
    fiscal_year = world.line.fiscal_year
    return Scope(fiscal_year=fiscal_year, policy=policy_for(fiscal_year), now=timezone.now())


def paid(world, vendor, amount, *, department=None):
    """A realisation in the ledger, as a payment writes it."""
    return SpendEntry.objects.create(
        kind=SpendKind.REALISE,
        amount=amount,
        budget_line=world.line,
        department=department or world.department,
        fiscal_year=world.line.fiscal_year,
        occurred_at=timezone.now(),
        order_number=f"SP/X/{next(_numbers)}",
        order_id=next(_numbers),
        vendor_id=vendor.pk,
        vendor_name=vendor.legal_name,
        vendor_scale=vendor.scale,
        vendor_is_local=True,
        vendor_in_priority_area=False,
        vendor_is_women_led=False,
        vendor_is_cooperative=False,
        category="beras",
        category_path="/pangan/beras/",
    )
