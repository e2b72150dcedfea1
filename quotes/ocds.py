"""Open data: opened mini-competitions as OCDS 1.1 releases, one per quote.

The tender is selective (procurementMethod "selective": only the vendors the rules found
eligible were invited), its period the window, its value the owner's estimate (HPS: published
only once the offers are opened). The invited vendors are parties ("interestedParty", and
"tenderer" for those who offered), the offers are the bids (OCDS's bid extension, declared in
the package), the award the approved winner, titled with the purchase order it became (whose
own release, under orders' open data, follows the contract). A quote that was never opened is not
published: its offers stay sealed.
"""

from django.conf import settings
from django.utils import timezone, translation

from quotes.models import Offer, OfferStatus, Quote, QuoteStatus
from vendors.models import Scale

VERSION = "1.1"
EXTENSIONS = [
    "https://raw.githubusercontent.com/open-contracting-extensions/"
    "ocds_partyScale_extension/master/extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/"
    "ocds_bid_extension/master/extension.json",
]
SCALES = {Scale.MICRO: "micro", Scale.SMALL: "sme", Scale.MEDIUM: "sme", Scale.LARGE: "large"}


def _value(amount) -> dict:
    return {"amount": amount, "currency": "IDR"}


def _date(moment) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds")


def _tender_status(quote: Quote) -> str:
    if quote.status == QuoteStatus.CANCELLED:
        return "cancelled"
    return "complete" if quote.status == QuoteStatus.AWARDED else "active"


def release(quote: Quote, *, prefix: str) -> dict:
    number = quote.number.replace("/", "-")
    buyer = {"id": f"ID-PEMDA-{quote.department.code}", "name": quote.department.name}
    offers = [offer for offer in quote.offers.all() if offer.status == OfferStatus.SUBMITTED]
    offered = {offer.vendor_id for offer in offers}

    def supplier(vendor) -> dict:
        return {"id": f"{prefix}-vendor-{vendor.pk}", "name": vendor.display_name}

    parties = [{**buyer, "roles": ["buyer", "procuringEntity"]}]
    for invitation in quote.invitations.all():
        vendor = invitation.vendor
        parties.append(
            {
                **supplier(vendor),
                "roles": ["interestedParty", *(["tenderer"] if vendor.pk in offered else [])],
                "details": {"scale": SCALES.get(vendor.scale, "sme")},
            }
        )
    with translation.override("id"):
        item = {
            "id": "1",
            "description": quote.title,
            "classification": {
                "scheme": "x_PasarSistemik",
                "id": quote.category.slug,
                "description": quote.category.name,
            },
            "quantity": float(quote.quantity),
            "unit": {"name": quote.get_unit_display(), "value": _value(quote.estimated_unit_price)},
        }
    tags = ["tender"]
    if quote.status == QuoteStatus.CANCELLED:
        tags = ["tenderCancellation"]
    body = {
        "ocid": f"{prefix}-{number}",
        "id": f"{number}-{quote.updated_at:%Y%m%dT%H%M%S%f}",
        "date": _date(quote.updated_at),
        "tag": tags,
        "initiationType": "tender",
        "language": "id",
        "parties": parties,
        "buyer": buyer,
        "tender": {
            "id": quote.number,
            "title": quote.title,
            "description": quote.description or quote.title,
            "status": _tender_status(quote),
            "procuringEntity": buyer,
            "procurementMethod": "selective",
            "procurementMethodDetails": "Mini-kompetisi (permintaan penawaran cepat)",
            "mainProcurementCategory": "goods",
            "awardCriteria": "priceOnly",
            "value": _value(round(quote.estimated_unit_price * quote.quantity)),
            "items": [item],
            "tenderPeriod": {
                "startDate": _date(quote.created_at),
                "endDate": _date(quote.closes_at),
            },
            "numberOfTenderers": len(offers),
            "tenderers": [supplier(offer.vendor) for offer in offers],
        },
        "bids": {
            "details": [
                {
                    "id": f"{number}-bid-{offer.pk}",
                    "date": _date(offer.submitted_at),
                    "status": "valid",
                    "tenderers": [supplier(offer.vendor)],
                    "value": _value(round(offer.unit_price * quote.quantity)),
                }
                for offer in offers
            ]
        },
    }
    if quote.status == QuoteStatus.AWARDED and quote.order is not None:
        winner: Offer = quote.proposed_offer
        tags.append("award")
        body["awards"] = [
            {
                "id": f"{number}-award",
                "title": quote.order.number,
                "description": f"Surat pesanan {quote.order.number}",
                "status": "active",
                "date": _date(quote.awarded_at),
                "value": _value(quote.order.total),
                "suppliers": [supplier(winner.vendor)],
                "items": [{**item, "unit": {**item["unit"], "value": _value(winner.unit_price)}}],
            }
        ]
    return body


def quote_release_package(*, quotes, uri: str, publisher: str) -> dict:
    quotes = list(
        quotes.prefetch_related("offers__vendor", "invitations__vendor").select_related(
            "order", "proposed_offer__vendor"
        )
    )
    releases = [release(quote, prefix=settings.OCDS_OCID_PREFIX) for quote in quotes]
    latest = max((quote.updated_at for quote in quotes), default=timezone.now())
    return {
        "uri": uri,
        "version": VERSION,
        "extensions": EXTENSIONS,
        "publishedDate": _date(latest),
        "publisher": {"name": publisher},
        "releases": releases,
    }
