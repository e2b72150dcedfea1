"""Reads of the vendor registry: directories, a vendor's own view, UMKM statistics."""

from django.conf import settings
from django.db.models import Case, Count, F, FloatField, Q, QuerySet, When
from django.db.models.functions import Cast

from market.models import User
from market.permissions import roles_of
from vendors.models import DOCUMENTS_FOR_VERIFICATION, Vendor, VendorDocument, VendorStatus
from vendors.permissions import vendor_of


def best_rated_first(prefix: str = "") -> tuple:
    """An ordering by the vendors' ratings (`prefix`: the path to the vendor, "vendor__"): rated
    vendors by their overall average, best first, then by how many rated them; "new" vendors
    (fewer than settings.RATING_NEW_BELOW ratings) after every rated one."""
    count = F(f"{prefix}rating_count")
    totals = sum(
        (F(f"{prefix}rating_{name}_total") for name in ("timeliness", "quality", "fit")),
        start=Cast(0, FloatField()),
    )
    average = Case(
        When(
            **{f"{prefix}rating_count__gte": max(settings.RATING_NEW_BELOW, 1)},
            then=totals / count,
        ),
        output_field=FloatField(),
    )
    return (average.desc(nulls_last=True), count.desc())


def vendors_visible_to(user) -> QuerySet[Vendor]:
    """Buyers and the public see verified vendors; administrators and finance officers see all;
    a vendor's members also see their own vendor, whatever its status."""
    vendors = Vendor.objects.select_related("village__district")
    if roles_of(user).sees_all_departments:
        return vendors
    own = vendor_of(user)
    visible = Q(status=VendorStatus.VERIFIED)
    if own is not None:
        visible |= Q(pk=own.pk)
    return vendors.filter(visible)


def documents_missing(vendors, kinds=DOCUMENTS_FOR_VERIFICATION) -> dict[int, list[str]]:
    """{vendor id: the kinds of document among `kinds` it has not uploaded}, for a page of
    vendors in one query."""
    vendors = list(vendors)
    held = set(
        VendorDocument.objects.filter(vendor__in=vendors, kind__in=kinds)
        .values_list("vendor_id", "kind")
        .distinct()
    )
    return {
        vendor.pk: [kind for kind in kinds if (vendor.pk, kind) not in held] for vendor in vendors
    }


def vendor_documents_missing(vendor: Vendor, kinds=DOCUMENTS_FOR_VERIFICATION) -> list[str]:
    """The kinds of document among `kinds` this vendor has not uploaded (verification needs
    them, or a reason)."""
    return documents_missing([vendor], kinds)[vendor.pk]


def vendors_named(words: str) -> QuerySet[Vendor]:
    """Vendors whose legal or trading name holds `words` (spaces squeezed), in any letter case:
    how people find a business they know by name."""
    words = " ".join(words.split())
    return Vendor.objects.filter(Q(legal_name__icontains=words) | Q(trading_name__icontains=words))


def vendor_filter(
    vendors: QuerySet[Vendor],
    *,
    district: str | None = None,
    scale: str | None = None,
    local: bool | None = None,
    priority_area: bool | None = None,
    women_led: bool | None = None,
    cooperative: bool | None = None,
    prefix: str = "",
) -> QuerySet[Vendor]:
    """The vendor filters buyers use, on vendors or (with prefix "vendor__") on their products."""
    lookups = {}
    if district:
        lookups[f"{prefix}village__district__code"] = district
    if scale:
        lookups[f"{prefix}scale"] = scale
    if local is not None:
        lookups[f"{prefix}village__isnull"] = not local
    if priority_area is not None:
        lookups[f"{prefix}village__is_priority"] = priority_area
    if women_led is not None:
        lookups[f"{prefix}is_women_led"] = women_led
    if cooperative is not None:
        lookups[f"{prefix}is_cooperative"] = cooperative
    return vendors.filter(**lookups)


def vendor_statistics() -> list[dict]:
    """Verified vendors by district and scale, with cooperative, women-led and priority counts.

    One row per (district, scale); vendors outside the regency have district None.
    """
    rows = (
        Vendor.objects.filter(status=VendorStatus.VERIFIED)
        .values("village__district__code", "village__district__name", "scale")
        .annotate(
            vendors=Count("id"),
            cooperatives=Count("id", filter=Q(is_cooperative=True)),
            women_led=Count("id", filter=Q(is_women_led=True)),
            priority_area=Count("id", filter=Q(village__is_priority=True)),
        )
        .order_by("village__district__name", "scale")
    )
    return [
        {
            "district": row["village__district__code"],
            "district_name": row["village__district__name"],
            "scale": row["scale"],
            "vendors": row["vendors"],
            "cooperatives": row["cooperatives"],
            "women_led": row["women_led"],
            "priority_area": row["priority_area"],
        }
        for row in rows
    ]


def vendor_people(vendor_id: int) -> QuerySet[User]:
    """The active logins acting for a vendor: whoever of them opens the app next sees its news."""
    return User.objects.filter(vendor_membership__vendor_id=vendor_id, is_active=True).order_by(
        "pk"
    )
