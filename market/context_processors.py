"""`can` in every template: which parts of the site the signed-in person may use, so that the
menu never offers a page that would refuse them. Read from the same roles the views check."""

from market.models import DepartmentRole
from market.permissions import roles_of


def navigation(request):
    roles = roles_of(getattr(request, "user", None))
    return {
        "can": {
            "buy": bool(roles.department_ids_with(DepartmentRole.REQUESTER)),
            "read_departments": roles.reads_departments,
            "administer": roles.is_platform_admin,
            "audit": roles.is_auditor or roles.is_platform_admin,
        }
    }
