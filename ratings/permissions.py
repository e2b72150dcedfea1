"""Who may rate an order, change a rating, answer one, and read ratings (and their authors)."""

import datetime

from django.conf import settings
from django.utils import timezone

from market.models import DepartmentRole
from market.permissions import has_department_role, roles_of
from orders.models import OrderStatus, PurchaseOrder
from ratings.models import Rating
from vendors.permissions import acts_for, vendor_of

# "After the final BAST": everything due has been received (orders.services.transitions
# order_status), and whatever came after it: billed, paid, closed.
RATEABLE = frozenset(
    {OrderStatus.RECEIVED, OrderStatus.INVOICED, OrderStatus.PAID, OrderStatus.CLOSED}
)


def may_rate(user, order: PurchaseOrder) -> bool:
    """A receiver of the order's department: who signed, or could have signed, its BAST."""
    return has_department_role(user, order.department_id, DepartmentRole.RECEIVER)


def is_rateable(order: PurchaseOrder) -> bool:
    return order.status in RATEABLE


def change_deadline(rating: Rating) -> datetime.datetime:
    """Until when its author may change a rating (settings.RATING_EDIT_DAYS after it was given)."""
    return rating.created_at + datetime.timedelta(days=settings.RATING_EDIT_DAYS)


def may_change(user, rating: Rating) -> bool:
    """Its author, still a receiver of the department: a rating is a person's judgement, as a
    signature on the BAST is, so no colleague changes it in their name."""
    return (
        user is not None
        and user.is_authenticated
        and rating.author_id == user.pk
        and has_department_role(user, rating.department_id, DepartmentRole.RECEIVER)
    )


def is_changeable(rating: Rating) -> bool:
    """Within its days, and not answered yet (an answer speaks to what the rating said)."""
    return rating.answered_at is None and timezone.now() <= change_deadline(rating)


def may_answer(user, rating: Rating) -> bool:
    return acts_for(user, rating.vendor_id)


def reads_ratings(user) -> bool:
    """Department staff (their departments'), a vendor (its own), finance officers, inspectors
    and administrators (all)."""
    return roles_of(user).reads_departments or vendor_of(user) is not None


def shows_author(user, rating: Rating) -> bool:
    """A rating names a person: the department's own people, finance officers, inspectors and
    administrators read who gave it; the vendor reads only the department."""
    roles = roles_of(user)
    return roles.sees_all_departments or roles.in_department(rating.department_id)
