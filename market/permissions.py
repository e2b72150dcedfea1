"""Who may see and do what: the one module both web views and the API ask.

Roles are loaded once per request and kept on the user object, so checking many objects
costs no further queries.
"""

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, permissions

from market.models import (
    Department,
    DepartmentRole,
    Membership,
    OrganisationMembership,
    User,
)


@dataclass(frozen=True)
class Roles:
    is_platform_admin: bool = False
    organisation_roles: frozenset[str] = frozenset()
    # department id -> the roles held there
    department_roles: dict[int, frozenset[str]] = field(default_factory=dict)

    @property
    def is_auditor(self) -> bool:
        """Finance officers and inspectors read everything, across departments."""
        return bool(self.organisation_roles)

    @property
    def sees_all_departments(self) -> bool:
        return self.is_platform_admin or self.is_auditor

    @property
    def reads_departments(self) -> bool:
        """Whether any department's orders, budgets and standing orders are theirs to read."""
        return self.sees_all_departments or bool(self.department_roles)

    def in_department(self, department_id: int, *roles: str) -> bool:
        held = self.department_roles.get(department_id, frozenset())
        return bool(held & set(roles)) if roles else bool(held)

    def department_ids_with(self, *roles: str) -> set[int]:
        return {dep for dep in self.department_roles if self.in_department(dep, *roles)}


_ANONYMOUS = Roles()


def roles_of(user) -> Roles:
    if user is None or not user.is_authenticated or not user.is_active:
        return _ANONYMOUS
    cached = getattr(user, "_market_roles", None)
    if cached is None:
        department_roles: dict[int, set[str]] = {}
        for department_id, role in Membership.objects.filter(
            user=user, department__is_active=True
        ).values_list("department_id", "role"):
            department_roles.setdefault(department_id, set()).add(role)
        cached = Roles(
            is_platform_admin=user.is_staff or user.is_superuser,
            organisation_roles=frozenset(
                OrganisationMembership.objects.filter(user=user).values_list("role", flat=True)
            ),
            department_roles={dep: frozenset(r) for dep, r in department_roles.items()},
        )
        user._market_roles = cached
    return cached


# A person's own ways to be reached (their e-mail address, phone and WhatsApp number): theirs and
# the administrators' to read, in the audit trail too (market.audit_privacy).
PERSON_PRIVATE_FIELDS = User.audit_reading.private


def person_private_fields_for(user, person_id: str) -> frozenset[str]:
    """The private fields of the person `person_id` this user may read."""
    own = user is not None and user.is_authenticated and str(user.pk) == str(person_id)
    return PERSON_PRIVATE_FIELDS if own or roles_of(user).is_platform_admin else frozenset()


def has_department_role(user, department: Department | int, *roles: str) -> bool:
    department_id = department if isinstance(department, int) else department.pk
    return roles_of(user).in_department(department_id, *roles)


def departments_visible_to(user) -> QuerySet[Department]:
    """Departments whose records a person may read: their own, or all for auditors and admins."""
    roles = roles_of(user)
    departments = Department.objects.all()
    if roles.sees_all_departments:
        return departments
    return departments.filter(pk__in=roles.department_ids_with())


def readable_department_or_404(user, code) -> Department:
    """The department an API list is narrowed to (`?department=CODE`, any letter case): one
    whose records this person reads. Any other is not theirs to see: 404, as its report
    answers, never an empty list."""
    department = (
        departments_visible_to(user).filter(code__iexact=code).first()
        if isinstance(code, str) and len(code) <= 20 and "\x00" not in code
        else None
    )
    if department is None:
        raise exceptions.NotFound(_("No such department of yours."))
    return department


def departments_where(user, *roles: str) -> QuerySet[Department]:
    """Departments where a person holds one of these roles (to act, not just to read)."""
    return Department.objects.filter(
        pk__in=roles_of(user).department_ids_with(*roles), is_active=True
    )


def home_sections(user) -> list[str]:
    """Which parts of the home page a person sees, in the order they are shown."""
    roles = roles_of(user)
    sections = []
    if roles.is_platform_admin:
        sections.append("admin")
    if roles.is_auditor:
        sections.append("finance")
    held = set().union(*roles.department_roles.values()) if roles.department_roles else set()
    sections += [role.value for role in DepartmentRole if role.value in held]
    return sections


class IsPlatformAdmin(permissions.BasePermission):
    def has_permission(self, request, view):
        return roles_of(request.user).is_platform_admin


class ReadsDepartments(permissions.BasePermission):
    """Departments' records (budgets, reports, exports, standing orders): for someone who reads
    some department. To anyone else there is nothing here (404), as the pages answer; signed
    out, 401."""

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        if not roles_of(request.user).reads_departments:
            raise Http404
        return True
