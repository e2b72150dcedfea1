"""Demo mini-competitions of DISDIK, among the rice sellers: one open, 500 kg of local rice for
a school event, that the demo's rice producers (`vendor` among them) find on /vendor/quotes/
and `requester` follows on /quotes/; and one closed and awarded, 200 kg of rice for a school
canteen, published weeks ago, with three sellers' offers opened and ranked, the winner proposed
by `requester` and approved by the PPK (`approver`): its purchase order is an ordinary one.
Everything goes through the services (ledger, audit trail, numbering); only the clock is
moved back, as the beat task would have found it, where the services take the time as now."""

import datetime
from decimal import Decimal

from django.utils import timezone

from catalog.models import Category
from market.models import User, Village
from quotes.models import Offer, Quote
from quotes.selectors import offer_products_of
from quotes.services import (
    earliest_closing,
    offer_submit,
    quote_award,
    quote_close,
    quote_propose,
    quote_publish,
)
from vendors.models import VendorMember

OPEN_TITLE = "Beras lokal untuk lomba sekolah"
AWARDED_TITLE = "Beras untuk kantin sekolah"
# The awarded quote's days, counted back from today: published, offered (each seller), closed.
PUBLISHED_DAYS_AGO, OFFERED_DAYS_AGO, CLOSED_DAYS_AGO = 24, (23, 22, 21), 20
# The sellers' unit prices, in the order the invitations list them (`vendor` first).
PRICES = (13_250, 13_600, 12_900)
RICE = "Beras lokal premium"  # the product each seller offers, where it sells it


def seed(context: dict) -> None:
    disdik, fiscal_year = context["departments"]["DISDIK"], context["fiscal_year"]
    line = disdik.budget_lines.filter(fiscal_year=fiscal_year).order_by("account_code").first()
    requester, approver = (
        User.objects.get(username="requester"),
        User.objects.get(username="approver"),
    )
    village = Village.objects.filter(name__icontains="Sungai Kakap").first()
    frame = {
        "by": requester,
        "department": disdik,
        "budget_line": line,
        "approver": approver,
        "category": Category.objects.get(slug="beras"),
        "unit": "kg",
        "delivery_village": village or Village.objects.order_by("pk").first(),
    }
    if not Quote.objects.filter(title=AWARDED_TITLE).exists():
        _awarded(frame, approver)
    if not Quote.objects.filter(title=OPEN_TITLE).exists():
        quote_publish(
            **frame,
            title=OPEN_TITLE,
            description="Beras medium, kemasan 5 kg.",
            quantity=Decimal(500),
            delivery_address="SDN 1 Sungai Kakap",
            delivery_date=timezone.localdate() + datetime.timedelta(days=21),
            estimated_unit_price=14_000,
            closes_at=earliest_closing(fiscal_year) + datetime.timedelta(days=3),
        )


def _awarded(frame: dict, approver: User) -> None:
    """Published, offered, closed, proposed, approved: a mini-competition become an order."""
    quote = quote_publish(
        **frame,
        title=AWARDED_TITLE,
        description="Beras premium untuk makan siang kantin, kemasan 10 kg.",
        quantity=Decimal(200),
        delivery_address="SMPN 2 Sungai Kakap, kantin sekolah",
        delivery_date=timezone.localdate() + datetime.timedelta(days=14),
        estimated_unit_price=14_000,
        closes_at=earliest_closing(frame["budget_line"].fiscal_year) + datetime.timedelta(hours=1),
    )
    # `vendor` first, then the other invited rice sellers with a member to act for them
    invited = sorted(
        (invitation.vendor for invitation in quote.invitations.select_related("vendor")),
        key=lambda vendor: (not vendor.members.filter(user__username="vendor").exists(), vendor.pk),
    )
    offers = []
    for vendor, price in zip(invited, PRICES, strict=False):
        member = VendorMember.objects.filter(vendor=vendor).select_related("user").first()
        products = offer_products_of(vendor, quote).filter(unit="kg", minimum_order__lte=200)
        product = products.filter(name=RICE).first() or products.first()
        if member is None or product is None:
            continue
        offers.append(
            offer_submit(
                by=member.user,
                quote=quote,
                product=product,
                unit_price=price,
                delivery_date=timezone.localdate() + datetime.timedelta(days=10),
                note="Beras panen baru, diantar ke sekolah.",
            )
        )
    # The clock back: published weeks ago, each offer a day after the other, closed since.
    now = timezone.now()
    Quote.objects.filter(pk=quote.pk).update(
        created_at=now - datetime.timedelta(days=PUBLISHED_DAYS_AGO),
        closes_at=now - datetime.timedelta(days=CLOSED_DAYS_AGO),
    )
    for offer, days in zip(offers, OFFERED_DAYS_AGO, strict=False):
        Offer.objects.filter(pk=offer.pk).update(submitted_at=now - datetime.timedelta(days=days))
    # the beat task's run just after the closing: opened and ranked
    quote_close(
        quote_id=quote.pk,
        now=now - datetime.timedelta(days=CLOSED_DAYS_AGO) + datetime.timedelta(minutes=1),
    )
    first = Offer.objects.get(quote=quote, rank=1)
    quote = quote_propose(by=frame["by"], quote=quote, offer_id=first.pk)
    quote_award(by=approver, quote=quote)
