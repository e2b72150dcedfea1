"""Conflict of interest: a vendor that a department ordered from whose phone number or e-mail
address is that of a member of the department's staff, or one of whose own members is on the
department's staff (Perpres 16/2018 art. 7: those in a procurement avoid and prevent conflicts
of interest). The marketplace keeps no bank account of staff, so accounts cannot be compared.

One query: each department and vendor of the fiscal year's orders that stand, with EXISTS
against the department's memberships; the staff concerned are read for the pairs found.
"""

from collections import defaultdict

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Lower

from integrity.indicators.base import Finding, Scope, counted_orders
from market.models import Membership
from vendors.models import Vendor

INDICATOR = "conflict_of_interest"


def _staff(**match):
    return Membership.objects.filter(department_id=OuterRef("department_id"), **match)


def staff_contacts(scope: Scope) -> list[Finding]:
    orders = counted_orders(scope.fiscal_year)
    pairs = list(
        orders.values("department_id", "vendor_id")
        .annotate(
            orders=Count("id"),
            phone=Exists(_staff(user__phone=OuterRef("vendor__phone")).exclude(user__phone="")),
            email=Exists(
                _staff()
                .annotate(address=Lower("user__email"))
                .filter(address=Lower(OuterRef("vendor__email")))
                .exclude(user__email="")
            ),
            member=Exists(_staff(user__vendor_membership__vendor_id=OuterRef("vendor_id"))),
        )
        .filter(Q(phone=True) | Q(email=True) | Q(member=True))
        .values_list("department_id", "vendor_id")
        .order_by()
    )
    if not pairs:
        return []
    vendors = {
        vendor.pk: vendor
        for vendor in Vendor.objects.filter(pk__in={v for _, v in pairs}).only(
            "pk", "phone", "email"
        )
    }
    staff: dict[int, list] = defaultdict(list)
    for membership in Membership.objects.filter(
        department_id__in={d for d, _ in pairs}
    ).select_related("user", "user__vendor_membership"):
        staff[membership.department_id].append(membership)
    order_ids: dict[tuple, list[int]] = defaultdict(list)
    for department_id, vendor_id, order_id in (
        orders.filter(vendor_id__in={v for _, v in pairs}, department_id__in={d for d, _ in pairs})
        .values_list("department_id", "vendor_id", "id")
        .order_by("id")
    ):
        order_ids[department_id, vendor_id].append(order_id)
    findings = []
    for department_id, vendor_id in pairs:
        vendor = vendors[vendor_id]
        people = {}
        for membership in staff[department_id]:
            fields = _matching(vendor, membership.user)
            if fields:
                person = people.setdefault(
                    membership.user_id,
                    {"name": membership.user.display_name, "roles": [], "fields": fields},
                )
                person["roles"].append(membership.role)
        findings.append(
            Finding(
                indicator=INDICATOR,
                rule="+".join(sorted({f for p in people.values() for f in p["fields"]})),
                key=f"{scope.fiscal_year.year}:{department_id}:{vendor_id}",
                department_id=department_id,
                vendor_id=vendor_id,
                fiscal_year_id=scope.fiscal_year.pk,
                order_ids=tuple(order_ids[department_id, vendor_id]),
                vendor_ids=(vendor_id,),
                figures={"staff": sorted(people.values(), key=lambda p: p["name"])},
            )
        )
    return findings


def _matching(vendor: Vendor, user) -> list[str]:
    fields = []
    if user.phone and user.phone == vendor.phone:
        fields.append("phone")
    if user.email and user.email.lower() == vendor.email.lower():
        fields.append("email")
    membership = getattr(user, "vendor_membership", None)
    if membership is not None and membership.vendor_id == vendor.pk:
        fields.append("member")
    return fields
