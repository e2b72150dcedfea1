"""One owner behind several vendors: verified vendors that share a bank account number, a phone
number, an e-mail address or an address (written the same way once normalised,
vendors.matching). Several "small vendors" that are one business take a reserved quota meant
for many, and can fake competition. One GROUP BY per field; the flag names the field and the
vendors, and shows the shared value only in part (its last digits, its domain, its village).
"""

from collections import defaultdict

from integrity.indicators.base import Finding, Scope
from market.audit_privacy import audit_fingerprint
from market.models import Village
from vendors.matching import SHARED, shared_values
from vendors.models import Vendor, VendorStatus

INDICATOR = "shared_owner"


def shown_in_part(field: str, value: str) -> str:
    """Enough of a shared value to recognise it, never all of it."""
    if field in ("bank_account_number", "phone"):
        return "•••• " + value[-4:]
    if field == "email":
        name, _, domain = value.partition("@")
        return f"{name[:1]}•••@{domain}"
    village_id = value.split(":", 1)[0]
    village = Village.objects.filter(pk=village_id).values_list("name", flat=True).first()
    return village or "—"


def shared_contacts(scope: Scope) -> list[Finding]:
    verified = Vendor.objects.filter(status=VendorStatus.VERIFIED)
    findings = []
    for field, column in SHARED.items():
        values = [row["shared"] for row in shared_values(field, verified)]
        if not values:
            continue
        members: dict[str, list[int]] = defaultdict(list)
        for value, vendor_id in (
            verified.annotate(shared=column)
            .filter(shared__in=values)
            .values_list("shared", "pk")
            .order_by("pk")
        ):
            members[value].append(vendor_id)
        for value, vendor_ids in members.items():
            findings.append(
                Finding(
                    indicator=INDICATOR,
                    rule=field,
                    key=f"{field}:{audit_fingerprint(value)}",
                    vendor_id=vendor_ids[0],
                    vendor_ids=tuple(vendor_ids),
                    figures={
                        "field": field,
                        "shared": shown_in_part(field, value),
                        "vendors": len(vendor_ids),
                    },
                )
            )
    return findings
