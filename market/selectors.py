"""Reads of the market app."""

from django.db.models import Count, Prefetch, Q, QuerySet

from market.models import Department, District, Membership, User, Village


def district_list() -> QuerySet[District]:
    return (
        District.objects.annotate(
            village_count=Count("villages"),
            priority_village_count=Count("villages", filter=Q(villages__is_priority=True)),
        )
        .prefetch_related(Prefetch("villages", queryset=Village.objects.order_by("name")))
        .order_by("name")
    )


def people_of_department(department: Department, role: str) -> QuerySet[User]:
    """The active people holding `role` in the department, by name."""
    return (
        User.objects.filter(
            memberships__department=department, memberships__role=role, is_active=True
        )
        .distinct()
        .order_by("full_name", "username")
    )


def department_members(department: Department, *, role: str | None = None) -> list[dict]:
    """Who holds which role in a department: [{username, display_name, role}], by name."""
    memberships = Membership.objects.filter(department=department, user__is_active=True)
    if role:
        memberships = memberships.filter(role=role)
    return [
        {"username": m.user.username, "display_name": m.user.display_name, "role": m.role}
        for m in memberships.select_related("user").order_by("user__full_name", "role")
    ]
