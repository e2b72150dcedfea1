"""Reads of ratings: those a person may see, filtered, their averages, and an order's rating."""

from django.db.models import Avg, Count, Q, QuerySet

from market.models import DepartmentRole
from market.permissions import roles_of
from orders.models import PurchaseOrder
from ratings.models import Rating
from ratings.permissions import RATEABLE
from vendors.permissions import vendor_of


def ratings_visible_to(user) -> QuerySet[Rating]:
    """Finance officers, inspectors and administrators see every rating; department staff
    their departments'; a vendor its own. Read with what a list shows, whatever its length."""
    roles = roles_of(user)
    ratings = Rating.objects.select_related("order", "department", "vendor", "author")
    if roles.sees_all_departments:
        return ratings
    visible = Q(department_id__in=roles.department_ids_with())
    vendor = vendor_of(user)
    if vendor is not None:
        visible |= Q(vendor_id=vendor.pk)
    return ratings.filter(visible)


def rating_filter(
    ratings: QuerySet[Rating], *, department=None, vendor=None, answered: bool | None = None
) -> QuerySet[Rating]:
    if department is not None:
        ratings = ratings.filter(department=department)
    if vendor is not None:
        ratings = ratings.filter(vendor=vendor)
    if answered is not None:
        ratings = ratings.filter(answered_at__isnull=not answered)
    return ratings.order_by("-created_at", "-pk")


def rating_averages(ratings: QuerySet[Rating]) -> dict:
    """The count and each criterion's average of these ratings (one query)."""
    return ratings.order_by().aggregate(
        count=Count("pk"),
        timeliness=Avg("timeliness"),
        quality=Avg("quality"),
        fit=Avg("fit"),
    )


def orders_to_rate(user, *, most: int = 5) -> list[PurchaseOrder]:
    """The newest orders of the departments where this person receives, all their goods in and
    not rated yet (for the home page)."""
    departments = roles_of(user).department_ids_with(DepartmentRole.RECEIVER)
    if not departments:
        return []
    return list(
        PurchaseOrder.objects.filter(
            department_id__in=departments, status__in=RATEABLE, rating__isnull=True
        )
        .select_related("vendor")
        .order_by("-pk")[:most]
    )


def rating_of_order(order: PurchaseOrder) -> Rating | None:
    return Rating.objects.select_related("author", "answered_by").filter(order_id=order.pk).first()
