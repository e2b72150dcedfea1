"""Who reads and reviews red flags: finance officers and inspectors read them and start scans;
inspectors review them. Nobody reads a flag about a department they work in, and vendors and
the public never read any (404, as for anything not theirs to see)."""

from django.db.models import QuerySet

from integrity.models import Flag
from market.models import Department, OrganisationRole
from market.permissions import roles_of


def reads_flags(user) -> bool:
    return roles_of(user).is_auditor


def reviews_flags(user) -> bool:
    return OrganisationRole.INSPECTOR in roles_of(user).organisation_roles


def flags_visible_to(user) -> QuerySet[Flag]:
    roles = roles_of(user)
    if not roles.is_auditor:
        return Flag.objects.none()
    own = roles.department_ids_with()
    return Flag.objects.exclude(department_id__in=own) if own else Flag.objects.all()


def flag_departments(user) -> QuerySet[Department]:
    """The departments whose flags this person may read (a console's or an API's filter)."""
    return Department.objects.exclude(pk__in=roles_of(user).department_ids_with()).order_by("code")
