"""A mini-competition's world: DISDIK (the `world` fixture) needs 1.200 boxed meals; three local
caterers sell them, a medium caterer from outside the regency too (not invited: the category is
reserved), and the rice seller sells none (not invited)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from catalog.models import Category
from market.models import User, Village
from procurement.models import Policy
from quotes.models import Quote
from quotes.services import earliest_closing, offer_submit, quote_publish
from tests.factories import ProductFactory, VendorFactory, vendor_member


@dataclass
class Caterer:
    member: User
    product: object

    @property
    def vendor(self):
        return self.product.vendor


@dataclass
class Quoting:
    world: object
    caterers: list[Caterer]
    outsider: Caterer
    policy: Policy

    def publish(self, **overrides) -> Quote:
        world = self.world
        fiscal_year = world.line.fiscal_year
        values = {
            "by": world.requester,
            "department": world.department,
            "budget_line": world.line,
            "approver": world.approver,
            "category": Category.objects.get(slug="nasi-kotak"),
            "title": "Nasi kotak acara kecamatan",
            "description": "Nasi, ayam, sayur, buah; kotak kertas.",
            "quantity": Decimal(1200),
            "unit": "box",
            "delivery_village": Village.objects.order_by("pk").last(),
            "delivery_address": "Aula Kantor Camat Sungai Kakap",
            "delivery_date": timezone.localdate() + datetime.timedelta(days=20),
            "estimated_unit_price": 25_000,
            "closes_at": earliest_closing(fiscal_year) + datetime.timedelta(hours=1),
        }
        return quote_publish(**{**values, **overrides})

    def offer(self, caterer: Caterer, quote: Quote, price: int, **overrides):
        values = {
            "by": caterer.member,
            "quote": quote,
            "product": caterer.product,
            "unit_price": price,
            "delivery_date": timezone.localdate() + datetime.timedelta(days=19),
            "note": "Menu bisa disesuaikan",
        }
        return offer_submit(**{**values, **overrides})


def caterer(**vendor_fields) -> Caterer:
    vendor = VendorFactory(**vendor_fields)
    product = ProductFactory(
        vendor=vendor,
        name=f"Nasi kotak {vendor.legal_name}",
        category=Category.objects.get(slug="nasi-kotak"),
        unit="box",
        unit_price=27_000,
        made_to_order=True,
        stock=Decimal(0),
        minimum_order=Decimal(50),
    )
    return Caterer(member=vendor_member(vendor), product=product)


@pytest.fixture
def quoting(world):
    policy, _ = Policy.objects.get_or_create(fiscal_year=world.line.fiscal_year)
    policy.reserved_categories.set(Category.objects.filter(slug="makanan-ringan-konsumsi-rapat"))
    return Quoting(
        world=world,
        caterers=[caterer(), caterer(scale="small"), caterer()],
        outsider=caterer(scale="medium", village=None),
        policy=policy,
    )
