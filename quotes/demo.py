"""Demo mini-competition: DISDIK asks the rice sellers for 500 kg of local rice for a school
event; the demo's rice producers (`vendor` among them) find the invitation on
/vendor/quotes/ and `requester` follows it on /quotes/."""

import datetime
from decimal import Decimal

from django.utils import timezone

from catalog.models import Category
from market.models import User, Village
from quotes.models import Quote
from quotes.services import earliest_closing, quote_publish


def seed(context: dict) -> None:
    if Quote.objects.exists():
        return
    disdik, fiscal_year = context["departments"]["DISDIK"], context["fiscal_year"]
    line = disdik.budget_lines.filter(fiscal_year=fiscal_year).order_by("account_code").first()
    requester, approver = (
        User.objects.get(username="requester"),
        User.objects.get(username="approver"),
    )
    village = Village.objects.filter(name__icontains="Sungai Kakap").first()
    quote_publish(
        by=requester,
        department=disdik,
        budget_line=line,
        approver=approver,
        category=Category.objects.get(slug="beras"),
        title="Beras lokal untuk lomba sekolah",
        description="Beras medium, kemasan 5 kg.",
        quantity=Decimal(500),
        unit="kg",
        delivery_village=village or Village.objects.order_by("pk").first(),
        delivery_address="SDN 1 Sungai Kakap",
        delivery_date=timezone.localdate() + datetime.timedelta(days=21),
        estimated_unit_price=14_000,
        closes_at=earliest_closing(fiscal_year) + datetime.timedelta(days=3),
    )
