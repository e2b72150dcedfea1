"""`can` in every template: which parts of the site the signed-in person may use, so that the
menu never offers a page that would refuse them. Read from the same roles the views check.
And the bell's count of unread notifications."""

import functools

from market.models import DepartmentRole
from market.permissions import roles_of
from market.selectors import unread_count


def navigation(request):
    user = getattr(request, "user", None)
    roles = roles_of(user)

    @functools.cache
    def unread_notifications() -> int:  # templates call it: counted once, by pages that ask
        return unread_count(user)

    return {
        "can": {
            "buy": bool(roles.department_ids_with(DepartmentRole.REQUESTER)),
            "read_departments": roles.reads_departments,
            "administer": roles.is_platform_admin,
            "audit": roles.is_auditor or roles.is_platform_admin,
        },
        "unread_notifications": unread_notifications,
    }
