"""Reads of mini-competitions: who sees which quote, the one door to its offers (sealed until
opening), the vendors a quote may invite, and what the public sees."""

from django.db.models import Count, Prefetch, Q, QuerySet

from catalog.models import Category
from market.models import User
from market.permissions import roles_of
from procurement.selectors import policy_for, reserved_categories
from quotes.models import OPENED, Invitation, Offer, OfferStatus, Quote, QuoteStatus
from vendors.models import SMALL_BUSINESS_SCALES, Vendor, VendorStatus
from vendors.permissions import vendor_of


def quotes_visible_to(user) -> QuerySet[Quote]:
    """The quotes a person sees on the buyer's side (with the HPS): their departments' (every
    role), all of them for finance officers, inspectors and administrators. Vendors see the
    quotes they were invited to through quote_invitations_of, without the HPS; nobody else sees
    any (404)."""
    roles = roles_of(user)
    quotes = Quote.objects.select_related("department", "category", "delivery_village")
    if roles.sees_all_departments:
        return quotes
    return quotes.filter(department_id__in=list(roles.department_roles))


def quote_invitations_of(vendor: Vendor) -> QuerySet[Quote]:
    """The quotes a vendor was invited to, newest first (its inbox), each with the vendor's
    own offer alone in `own_offers` (never another's)."""
    return (
        Quote.objects.filter(invitations__vendor=vendor)
        .select_related("department", "category", "delivery_village")
        .prefetch_related(
            Prefetch(
                "offers",
                queryset=Offer.objects.filter(vendor=vendor).select_related("vendor", "product"),
                to_attr="own_offers",
            )
        )
        .order_by("-created_at", "-pk")
    )


def offers_visible_to(user, quote: Quote) -> QuerySet[Offer]:
    """The offers of `quote` this person may read: before opening, a vendor's members their own
    offer and nobody anything else (the buyer, the PPK, auditors and administrators included);
    after opening, everyone who sees the quote reads every offer, ranked (a vendor its own and,
    once awarded, the result told by notification). Every page, endpoint and the admin read
    offers here, so no count of offers leaks out before closing either."""
    offers = (
        Offer.objects.filter(quote=quote).select_related("vendor", "product").order_by("rank", "pk")
    )
    vendor = vendor_of(user)
    if vendor is not None:
        return offers.filter(vendor=vendor)
    if quote.status not in OPENED and not (
        quote.status == QuoteStatus.CANCELLED and quote.opened_at is not None
    ):
        return offers.none()
    return offers


def own_offer(user, quote: Quote) -> Offer | None:
    vendor = vendor_of(user)
    if vendor is None:
        return None
    return Offer.objects.filter(quote=quote, vendor=vendor).select_related("product").first()


def category_reserved(category: Category, policy) -> bool:
    """Whether the policy reserves this category (or one above it) for local small vendors."""
    reserved = set(reserved_categories(policy).values_list("pk", flat=True))
    current = category
    while current is not None:
        if current.pk in reserved:
            return True
        current = current.parent
    return False


def categories_under(category: Category) -> list[int]:
    """The category and every one below it."""
    children: dict[int | None, list[int]] = {}
    for pk, parent in Category.objects.values_list("pk", "parent_id"):
        children.setdefault(parent, []).append(pk)
    found, waiting = [], [category.pk]
    while waiting:
        pk = waiting.pop()
        found.append(pk)
        waiting.extend(children.get(pk, ()))
    return found


def eligible_vendors(*, category: Category, fiscal_year) -> QuerySet[Vendor]:
    """The vendors a quote of this category invites: verified, with an active product in the
    category (or below it), and, where the policy reserves the category, local (registered in
    a village of the regency) micro or small businesses."""
    vendors = Vendor.objects.filter(
        status=VendorStatus.VERIFIED,
        products__is_active=True,
        products__category_id__in=categories_under(category),
    )
    if category_reserved(category, policy_for(fiscal_year)):
        vendors = vendors.filter(village__isnull=False, scale__in=SMALL_BUSINESS_SCALES)
    return vendors.distinct().order_by("pk")


def offer_products_of(vendor: Vendor, quote: Quote):
    """The vendor's active products of the quote's category (or below), to offer one."""
    return vendor.products.filter(
        is_active=True, category_id__in=categories_under(quote.category)
    ).order_by("name", "pk")


def vendor_members(vendor_ids) -> QuerySet[User]:
    return User.objects.filter(vendor_membership__vendor_id__in=list(vendor_ids), is_active=True)


def quotes_due(now) -> QuerySet[Quote]:
    """Open quotes whose closing time has passed (the beat task closes each)."""
    return Quote.objects.filter(status=QuoteStatus.OPEN, closes_at__lte=now).order_by("pk")


def public_quotes(fiscal_year=None) -> QuerySet[Quote]:
    """Quotes whose offers were opened, for the public: invited vendors and offers counted,
    the award's order. What was never opened stays off (its offers stay sealed)."""
    quotes = Quote.objects.filter(opened_at__isnull=False)
    if fiscal_year is not None:
        quotes = quotes.filter(budget_line__fiscal_year=fiscal_year)
    return (
        quotes.select_related("department", "category", "order", "proposed_offer__vendor")
        .annotate(
            invited_count=Count("invitations", distinct=True),
            offer_count=Count(
                "offers", filter=Q(offers__status=OfferStatus.SUBMITTED), distinct=True
            ),
        )
        .order_by("-opened_at", "-pk")
    )


def invitations_of(quote: Quote) -> QuerySet[Invitation]:
    return quote.invitations.select_related("vendor__village__district").order_by("pk")
