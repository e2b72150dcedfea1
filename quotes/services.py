"""Every change of a mini-competition, one action each: publish (with its invitations), offer,
withdraw, close (open and rank, or stop short), extend, cancel, propose, send back, and the
award that places the purchase order.

Sealed offers: an offer is a row like any other, but nothing shows it before opening
(quotes.selectors.offers_visible_to), and its steps are written to the audit trail only at
opening, each with its own time: the trail, read by auditors before closing, would otherwise
tell who offered and how many. Locks (market.locks): a quote, then its offers, then what
placing the order locks.
"""

import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from catalog.models import Category, Product, Unit
from market.bounds import (
    MAX_DAYS_AHEAD,
    NOTE_LENGTH,
    TITLE_LENGTH,
    date_problem,
    format_number,
    quantity_problem,
    rupiah_problem,
    text_problem,
)
from market.errors import Conflict, InvalidInput, NotAllowed
from market.locks import lock_row
from market.models import Department, DepartmentRole, User, Village
from market.permissions import has_department_role
from market.services.audit import audit_record
from market.services.notifications import notify
from market.transactions import action
from orders.services.numbering import next_number
from orders.services.placing import Item, order_frame_problems, orders_place
from procurement.models import BudgetLine
from procurement.selectors import policy_for, working_days_after
from quotes.models import STEPS, Invitation, Offer, OfferStatus, Quote, QuoteStatus
from quotes.selectors import eligible_vendors, offer_products_of, quotes_due, vendor_members
from vendors.models import SMALL_BUSINESS_SCALES
from vendors.permissions import vendor_of

QUOTE_FIELDS = (
    "budget_line",
    "approver",
    "category",
    "title",
    "description",
    "quantity",
    "unit",
    "delivery_village",
    "delivery_address",
    "delivery_date",
    "estimated_unit_price",
    "closes_at",
)


def earliest_closing(fiscal_year, now: datetime.datetime | None = None) -> datetime.datetime:
    """The earliest a quote published now may close: the policy's least window in working
    days (the holiday calendar), at the same time of day."""
    now = timezone.localtime(now or timezone.now())
    days = policy_for(fiscal_year).quote_window_days
    day = working_days_after(now.date(), days)
    return now.replace(year=day.year, month=day.month, day=day.day, second=0, microsecond=0)


def _closing_problem(closes_at, fiscal_year) -> str | None:
    if closes_at is None:
        return _("Enter the closing date and time.")
    earliest = earliest_closing(fiscal_year)
    if closes_at < earliest:
        return _("Close at %(earliest)s or later: vendors have %(days)s working days at least.") % {
            "earliest": date_format(timezone.localtime(earliest), "j F Y H:i"),
            "days": policy_for(fiscal_year).quote_window_days,
        }
    if closes_at > earliest + datetime.timedelta(days=60):
        return _("Close within 60 days.")
    return None


def quote_problems(*, requester: User | None, values: dict) -> dict[str, list]:
    """{field: [problem]} of a new quote, as far as `values` gives it (the page's form and the
    API's input ask here, quote_publish keeps the same rules)."""
    errors = order_frame_problems(requester=requester, values=values)
    found: dict[str, str | None] = {}
    today = timezone.localdate()
    line = values.get("budget_line")
    if "title" in values:
        found["title"] = text_problem(values["title"], most=TITLE_LENGTH)
    if "description" in values:
        found["description"] = text_problem(values["description"], most=NOTE_LENGTH, required=False)
    if "quantity" in values:
        quantity = values["quantity"]
        found["quantity"] = (
            _("Enter a quantity.")
            if not isinstance(quantity, Decimal) or not quantity.is_finite()
            else quantity_problem(quantity)
        )
    if "unit" in values and values["unit"] not in Unit.values:
        found["unit"] = _("Choose a unit.")
    if "category" in values and not isinstance(values["category"], Category):
        found["category"] = _("Choose a category.")
    if "delivery_village" in values and not isinstance(values["delivery_village"], Village):
        found["delivery_village"] = _("Choose the village to deliver to.")
    if "estimated_unit_price" in values:
        found["estimated_unit_price"] = rupiah_problem(values["estimated_unit_price"], least=1)
    if "delivery_date" in values:
        found["delivery_date"] = date_problem(
            values["delivery_date"],
            earliest=today,
            latest=today + datetime.timedelta(days=MAX_DAYS_AHEAD),
        )
    if "closes_at" in values and isinstance(line, BudgetLine):
        found["closes_at"] = _closing_problem(values["closes_at"], line.fiscal_year)
        closes_at, delivery = values["closes_at"], values.get("delivery_date")
        judged = not found["closes_at"] and delivery and not found.get("delivery_date")
        if judged and delivery <= timezone.localtime(closes_at).date():
            found["delivery_date"] = _("Deliver after the closing day.")
    category = values.get("category")
    judged = isinstance(category, Category) and isinstance(line, BudgetLine)
    if judged and not eligible_vendors(category=category, fiscal_year=line.fiscal_year).exists():
        found["category"] = _("No vendor of this category can be invited.")
    errors.update({field: [problem] for field, problem in found.items() if problem})
    return errors


def _requester_of(user: User, quote: Quote) -> None:
    if not has_department_role(user, quote.department_id, DepartmentRole.REQUESTER):
        raise NotAllowed(_("Only a requester of the department can do this."))


def _step(quote: Quote, step: str) -> Quote:
    """Lock the quote and check it stands where `step` starts."""
    quote = lock_row(Quote.objects, quote.pk)
    if quote.status not in STEPS[step]:
        raise Conflict(
            _("Mini-competition %(number)s is %(status)s: this cannot be done now.")
            % {"number": quote.number, "status": quote.get_status_display().lower()}
        )
    return quote


def _facts(quote: Quote, **more) -> dict:
    return {"number": quote.number, "title": quote.title, **more}


def _link(quote: Quote, *, vendor: bool = False) -> str:
    return f"/vendor/quotes/{quote.pk}/" if vendor else f"/quotes/{quote.pk}/"


def _tell_vendors(quote: Quote, kind: str, vendor_ids, **facts) -> None:
    notify(
        kind=kind,
        recipients=vendor_members(vendor_ids),
        params=_facts(quote, **facts),
        target=quote,
        link=_link(quote, vendor=True),
    )


def _invited_ids(quote: Quote) -> list[int]:
    return list(quote.invitations.values_list("vendor_id", flat=True))


@action
def quote_publish(*, by: User, department: Department, **values) -> Quote:
    """A requester puts a need to every eligible vendor at once: the quote is published as it
    is made, the vendors invited (recorded) and told."""
    if not has_department_role(by, department, DepartmentRole.REQUESTER):
        raise NotAllowed(_("Only a requester of the department can ask for offers."))
    values = {field: values.get(field) for field in QUOTE_FIELDS}
    values["description"] = values["description"] or ""
    errors = quote_problems(requester=by, values={**values, "department": department})
    if errors:
        raise InvalidInput(errors)
    line: BudgetLine = values["budget_line"]
    quote = Quote.objects.create(
        number=next_number(kind="MK", department=department, year=line.fiscal_year.year),
        department=department,
        requester=by,
        status=QuoteStatus.OPEN,
        **{
            **values,
            "title": values["title"].strip(),
            "description": values["description"].strip(),
            "delivery_address": values["delivery_address"].strip(),
        },
    )
    vendors = list(eligible_vendors(category=quote.category, fiscal_year=line.fiscal_year))
    Invitation.objects.bulk_create(Invitation(quote=quote, vendor=vendor) for vendor in vendors)
    audit_record(
        actor=by,
        action="quote.publish",
        target=quote,
        after={
            "category": quote.category.slug,
            "quantity": quote.quantity,
            "unit": quote.unit,
            "estimated_unit_price": quote.estimated_unit_price,
            "closes_at": quote.closes_at,
            "invited": [vendor.pk for vendor in vendors],
        },
    )
    _tell_vendors(
        quote,
        "quote.invited",
        [vendor.pk for vendor in vendors],
        party=department.name,
        date=date_format(timezone.localtime(quote.closes_at), "j F Y H:i"),
    )
    return quote


def _invited_vendor(user: User, quote: Quote):
    vendor = vendor_of(user)
    if vendor is None or not quote.invitations.filter(vendor=vendor).exists():
        raise NotAllowed(_("Only an invited vendor can offer."))
    return vendor


def _still_open(quote: Quote) -> None:
    if quote.closes_at <= timezone.now():
        raise Conflict(_("The mini-competition has closed."))


def offer_problems(*, vendor, quote: Quote, values: dict) -> dict[str, list]:
    """{field: [problem]} of an offer, as far as `values` gives it."""
    found: dict[str, str | None] = {}
    today = timezone.localdate()
    if "product" in values:
        product = values["product"]
        if (
            not isinstance(product, Product)
            or vendor is None
            or not (offer_products_of(vendor, quote).filter(pk=product.pk).exists())
        ):
            found["product"] = _("Choose one of your active products of this category.")
        elif product.unit != quote.unit:
            found["product"] = _("Offer a product sold by the %(unit)s.") % {
                "unit": quote.get_unit_display()
            }
        elif product.minimum_order > quote.quantity:
            found["product"] = _("Its minimum order, %(minimum)s, is above the quantity asked.") % {
                "minimum": format_number(product.minimum_order)
            }
    if "unit_price" in values:
        found["unit_price"] = rupiah_problem(values["unit_price"], least=1)
    if "delivery_date" in values:
        found["delivery_date"] = date_problem(
            values["delivery_date"],
            earliest=today,
            latest=today + datetime.timedelta(days=MAX_DAYS_AHEAD),
        )
    if "note" in values:
        found["note"] = text_problem(values["note"] or "", most=NOTE_LENGTH, required=False)
    return {field: [problem] for field, problem in found.items() if problem}


@action
def offer_submit(
    *,
    by: User,
    quote: Quote,
    product: Product | None,
    unit_price: int | None,
    delivery_date: datetime.date | None,
    note: str = "",
) -> Offer:
    """An invited vendor's sealed offer, or its revision, until closing."""
    vendor = _invited_vendor(by, quote)
    quote = _step(quote, "offering")
    _still_open(quote)
    values = {
        "product": product,
        "unit_price": unit_price,
        "delivery_date": delivery_date,
        "note": note or "",
    }
    errors = offer_problems(vendor=vendor, quote=quote, values=values)
    if errors:
        raise InvalidInput(errors)
    now = timezone.now()
    offer = Offer.objects.filter(quote=quote, vendor=vendor).first()
    if offer is None:
        return Offer.objects.create(
            quote=quote, vendor=vendor, submitted_at=now, **{**values, "note": note.strip()}
        )
    offer = lock_row(Offer.objects, offer.pk)
    offer.product, offer.unit_price, offer.delivery_date = product, unit_price, delivery_date
    offer.note, offer.submitted_at = (note or "").strip(), now
    offer.revisions += offer.status == OfferStatus.SUBMITTED
    offer.status, offer.withdrawn_at = OfferStatus.SUBMITTED, None
    offer.save()
    return offer


@action
def offer_withdraw(*, by: User, quote: Quote) -> Offer:
    """An invited vendor takes its offer back, until closing (it may offer again)."""
    vendor = _invited_vendor(by, quote)
    quote = _step(quote, "offering")
    _still_open(quote)
    offer = Offer.objects.filter(quote=quote, vendor=vendor, status=OfferStatus.SUBMITTED).first()
    if offer is None:
        raise Conflict(_("You have no offer to withdraw."))
    offer = lock_row(Offer.objects, offer.pk)
    offer.status, offer.withdrawn_at = OfferStatus.WITHDRAWN, timezone.now()
    offer.save(update_fields=["status", "withdrawn_at"])
    return offer


def _comparison_price(offer: Offer, preference: Decimal) -> Decimal:
    """The price an offer is ranked by: a local micro or small vendor's price less the
    policy's preference margin; everyone else's as offered."""
    if offer.is_local_small:
        return (Decimal(offer.unit_price) * (100 - preference) / 100).quantize(Decimal("0.01"))
    return Decimal(offer.unit_price)


def _rank(quote: Quote, offers: list[Offer]) -> list[Offer]:
    """Rank the submitted offers: lowest comparison price first, ties to the earlier offer;
    mark those above the HPS by more than the tolerance."""
    ceiling = Decimal(quote.estimated_unit_price) * (100 + quote.price_tolerance) / 100
    for offer in offers:
        vendor = offer.vendor
        offer.is_local_small = vendor.village_id is not None and vendor.scale in (
            SMALL_BUSINESS_SCALES
        )
        offer.comparison_price = _comparison_price(offer, quote.local_preference)
        offer.above_estimate = offer.unit_price > ceiling
    ranked = sorted(offers, key=lambda o: (o.comparison_price, o.submitted_at, o.pk))
    for position, offer in enumerate(ranked, start=1):
        offer.rank = position
    Offer.objects.bulk_update(
        ranked, ["rank", "comparison_price", "is_local_small", "above_estimate"]
    )
    return ranked


def _audit_offers(quote: Quote, offers: list[Offer]) -> None:
    """Each offer's steps, written at opening (see the module's docstring)."""
    for offer in offers:
        audit_record(
            actor=None,
            action="quote.offer",
            target=quote,
            after={
                "vendor": offer.vendor_id,
                "status": offer.status,
                "submitted_at": offer.submitted_at,
                "revisions": offer.revisions,
                "withdrawn_at": offer.withdrawn_at,
                "product": offer.product_id,
                "unit_price": offer.unit_price,
                "delivery_date": offer.delivery_date,
            },
        )


@action
def quote_close(*, quote_id: int, now: datetime.datetime | None = None) -> Quote | None:
    """Close one due quote, once: the row is taken with SKIP LOCKED and only while still open
    and due, so two runs of the beat task (or two workers) never both close it. With fewer
    offers than the policy's least (and no extension yet) the offers stay sealed and the
    requester extends or cancels; otherwise they are opened and ranked."""
    now = now or timezone.now()
    quote = (
        Quote.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(pk=quote_id, status=QuoteStatus.OPEN, closes_at__lte=now)
        .first()
    )
    if quote is None:
        return None  # closed already, not due, or being closed right now
    policy = policy_for(quote.budget_line.fiscal_year)
    offers = list(
        Offer.objects.filter(quote=quote).select_related("vendor").select_for_update(of=("self",))
    )
    submitted = [offer for offer in offers if offer.status == OfferStatus.SUBMITTED]
    requester = [quote.requester]
    if len(submitted) < policy.quote_min_offers and not quote.extended:
        quote.status = QuoteStatus.SHORT
        quote.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=None,
            action="quote.short",
            target=quote,
            after={"least_offers": policy.quote_min_offers},
        )
        notify(
            kind="quote.short",
            recipients=requester,
            params=_facts(quote, least=policy.quote_min_offers),
            target=quote,
            link=_link(quote),
        )
        return quote
    quote.local_preference = policy.quote_local_preference
    quote.price_tolerance = policy.quote_price_tolerance
    quote.status, quote.opened_at = QuoteStatus.CLOSED, now
    quote.save()
    ranked = _rank(quote, submitted)
    _audit_offers(quote, offers)
    audit_record(
        actor=None,
        action="quote.open",
        target=quote,
        after={
            "offers": len(ranked),
            "ranking": [offer.vendor_id for offer in ranked],
            "local_preference": quote.local_preference,
            "price_tolerance": quote.price_tolerance,
        },
    )
    notify(
        kind="quote.opened",
        recipients=requester,
        params=_facts(quote, count=len(ranked)),
        target=quote,
        link=_link(quote),
    )
    return quote


def quotes_close_due(now: datetime.datetime | None = None) -> int:
    """Close every due quote, each in its own action (the beat task); how many it closed."""
    now = now or timezone.now()
    closed = 0
    for quote_id in list(quotes_due(now).values_list("pk", flat=True)):
        closed += quote_close(quote_id=quote_id, now=now) is not None
    return closed


@action
def quote_extend(*, by: User, quote: Quote, closes_at: datetime.datetime | None) -> Quote:
    """Too few offers: the requester extends the window once (at least the policy's window
    again); the offers already made stay, sealed."""
    _requester_of(by, quote)
    quote = _step(quote, "extension")
    if quote.extended:
        raise Conflict(_("A mini-competition is extended only once: cancel it."))
    if problem := _closing_problem(closes_at, quote.budget_line.fiscal_year):
        raise InvalidInput({"closes_at": [problem]})
    before = {"closes_at": quote.closes_at}
    quote.closes_at, quote.extended, quote.status = closes_at, True, QuoteStatus.OPEN
    quote.save(update_fields=["closes_at", "extended", "status", "updated_at"])
    audit_record(
        actor=by, action="quote.extend", target=quote, before=before, after={"closes_at": closes_at}
    )
    _tell_vendors(
        quote,
        "quote.extended",
        _invited_ids(quote),
        date=date_format(timezone.localtime(closes_at), "j F Y H:i"),
    )
    return quote


@action
def quote_cancel(*, by: User, quote: Quote, reason: str) -> Quote:
    """The requester cancels, with a reason; the invited vendors are told."""
    _requester_of(by, quote)
    quote = _step(quote, "cancellation")
    if problem := text_problem(reason, most=NOTE_LENGTH):
        raise InvalidInput({"reason": [problem]})
    before = {"status": quote.status}
    quote.status, quote.cancel_reason = QuoteStatus.CANCELLED, reason.strip()
    quote.save(update_fields=["status", "cancel_reason", "updated_at"])
    audit_record(
        actor=by,
        action="quote.cancel",
        target=quote,
        before=before,
        after={"status": quote.status, "reason": quote.cancel_reason},
    )
    _tell_vendors(quote, "quote.cancelled", _invited_ids(quote), reason=quote.cancel_reason)
    return quote


@action
def quote_propose(*, by: User, quote: Quote, offer_id: int | None, reason: str = "") -> Quote:
    """The requester proposes the winner among the opened offers; a reason is required when it
    is not the first ranked. The PPK is asked to approve."""
    _requester_of(by, quote)
    quote = _step(quote, "proposal")
    offer = Offer.objects.filter(
        quote=quote, pk=offer_id, status=OfferStatus.SUBMITTED, rank__isnull=False
    ).first()
    errors: dict[str, list] = {}
    if offer is None:
        errors["offer"] = [_("Choose one of the opened offers.")]
    elif offer.rank != 1 and not (reason or "").strip():
        errors["reason"] = [_("Say why the first-ranked offer is passed over.")]
    elif problem := text_problem(reason or "", most=NOTE_LENGTH, required=False):
        errors["reason"] = [problem]
    if errors:
        raise InvalidInput(errors)
    quote.proposed_offer, quote.proposal_reason = offer, (reason or "").strip()
    quote.status = QuoteStatus.PROPOSED
    quote.save(update_fields=["proposed_offer", "proposal_reason", "status", "updated_at"])
    audit_record(
        actor=by,
        action="quote.propose",
        target=quote,
        after={"offer": offer.pk, "vendor": offer.vendor_id, "rank": offer.rank, "reason": reason},
    )
    notify(
        kind="quote.proposed",
        recipients=[quote.approver],
        params=_facts(
            quote,
            party=offer.vendor.display_name,
            amount=int(offer.unit_price * quote.quantity),
        ),
        target=quote,
        link=_link(quote),
    )
    return quote


def _approver_of(user: User, quote: Quote) -> None:
    if user is None or user.pk != quote.approver_id:
        raise NotAllowed(_("Only the PPK named on the mini-competition approves its award."))


@action
def quote_send_back(*, by: User, quote: Quote, reason: str) -> Quote:
    """The PPK does not approve the proposed winner: back to the requester, with a reason."""
    _approver_of(by, quote)
    quote = _step(quote, "sending_back")
    if problem := text_problem(reason, most=NOTE_LENGTH):
        raise InvalidInput({"reason": [problem]})
    quote.status, quote.proposed_offer = QuoteStatus.CLOSED, None
    quote.save(update_fields=["status", "proposed_offer", "updated_at"])
    audit_record(actor=by, action="quote.send_back", target=quote, after={"reason": reason})
    notify(
        kind="quote.sent_back",
        recipients=[quote.requester],
        params=_facts(quote, reason=reason.strip()),
        target=quote,
        link=_link(quote),
    )
    return quote


@action
def quote_award(*, by: User, quote: Quote) -> Quote:
    """The PPK approves the proposed winner: the award becomes a purchase order placed as any
    order is (orders_place: numbering, policy, stock, budget commitment) at the offered price,
    and, since the PPK approved the award, approved by the PPK at once. The winner, the other
    vendors (with the winning price) and the requester are told."""
    _approver_of(by, quote)
    quote = _step(quote, "award")
    offer = Offer.objects.select_related("vendor", "product").get(pk=quote.proposed_offer_id)
    (order,) = orders_place(
        requester=quote.requester,
        department=quote.department,
        budget_line=quote.budget_line,
        approver=quote.approver,
        delivery_address=quote.delivery_address,
        delivery_date=offer.delivery_date,
        items=[Item(offer.product_id, quote.quantity)],
        notes=_("Mini-competition %(number)s: %(title)s")
        % {"number": quote.number, "title": quote.title},
        agreed_prices={offer.product_id: offer.unit_price},
        approved_by=by,
    )
    quote.status, quote.order, quote.awarded_at = QuoteStatus.AWARDED, order, timezone.now()
    quote.save(update_fields=["status", "order", "awarded_at", "updated_at"])
    audit_record(
        actor=by,
        action="quote.award",
        target=quote,
        after={
            "offer": offer.pk,
            "vendor": offer.vendor_id,
            "unit_price": offer.unit_price,
            "order": order.number,
        },
    )
    _tell_vendors(quote, "quote.won", [offer.vendor_id], order=order.number, amount=order.total)
    losers = [
        vendor_id
        for vendor_id in Offer.objects.filter(quote=quote)
        .exclude(pk=offer.pk)
        .values_list("vendor_id", flat=True)
    ]
    _tell_vendors(quote, "quote.lost", losers, amount=offer.unit_price)
    notify(
        kind="quote.awarded",
        recipients=[quote.requester],
        params=_facts(quote, order=order.number, party=offer.vendor.display_name),
        target=quote,
        link=_link(quote),
    )
    return quote
