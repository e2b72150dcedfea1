"""What makes two vendors look like one owner: the same bank account, phone, e-mail or address.

The verification queue shows an application's matches beside it, and the integrity scan
(integrity.indicators.shared_owner) flags verified vendors that match; both read the same keys.
Phones are stored normalised (market.phones) and bank accounts as digits (vendors.services), so
they compare as they are; e-mail addresses compare in lower case, addresses by `address_key`.
"""

from django.db.models import Count, F, QuerySet
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from vendors.models import Vendor

# The fields two vendors may share, each as the column it is compared on.
SHARED = {
    "bank_account_number": F("bank_account_number"),
    "phone": F("phone"),
    "email": Lower("email"),
    "address": F("address_key"),
}
# The column each is kept in.
COLUMNS = {field: field for field in SHARED} | {"address": "address_key"}
SHARED_LABELS = {
    "bank_account_number": _("bank account"),
    "phone": _("phone"),
    "email": _("e-mail"),
    "address": _("address"),
}


def vendors_sharing(vendors: QuerySet[Vendor] | list[Vendor]) -> dict[int, list[tuple]]:
    """For each of these vendors, the other vendors (any status) sharing one of the fields:
    {vendor id: [(other vendor, [field, ...]), ...]}. One query per field, whatever the number
    of vendors asked about."""
    vendors = list(vendors)
    found: dict[int, dict[int, list[str]]] = {vendor.pk: {} for vendor in vendors}
    others: dict[int, Vendor] = {}
    for field, column in SHARED.items():
        values = {_value(vendor, field) for vendor in vendors} - {""}
        if not values:
            continue
        matches = (
            Vendor.objects.annotate(shared=column)
            .filter(shared__in=values)
            .only("pk", "legal_name", "trading_name", "status", COLUMNS[field])
        )
        by_value: dict[str, list[Vendor]] = {}
        for match in matches:
            by_value.setdefault(match.shared, []).append(match)
        for vendor in vendors:
            for other in by_value.get(_value(vendor, field), []):
                if other.pk != vendor.pk:
                    others[other.pk] = other
                    found[vendor.pk].setdefault(other.pk, []).append(field)
    return {
        vendor_id: [(others[other_id], fields) for other_id, fields in matches.items()]
        for vendor_id, matches in found.items()
    }


def _value(vendor: Vendor, field: str) -> str:
    value = getattr(vendor, COLUMNS[field]) or ""
    return value.lower() if field == "email" else value


def shared_values(field: str, vendors: QuerySet[Vendor]) -> QuerySet:
    """The values of `field` that two or more of these vendors share, with how many share each
    (one GROUP BY in the database)."""
    return (
        vendors.exclude(**{COLUMNS[field]: ""})
        .annotate(shared=SHARED[field])
        .values("shared")
        .annotate(vendors=Count("pk"))
        .filter(vendors__gte=2)
        .order_by()
    )
