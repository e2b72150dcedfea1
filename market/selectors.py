"""Reads of the market app."""

from django.db.models import Count, F, Prefetch, Q, QuerySet

from market.audit_scope import department_events
from market.models import (
    ApiToken,
    AuditCheck,
    AuditEvent,
    Department,
    District,
    Membership,
    Notification,
    OrganisationRole,
    User,
    Village,
)


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


def finance_officers(organisation_id: int | None = None) -> QuerySet[User]:
    """The active finance officers (of one organisation, or of any), by name."""
    people = User.objects.filter(
        organisation_memberships__role=OrganisationRole.FINANCE, is_active=True
    )
    if organisation_id is not None:
        people = people.filter(organisation_memberships__organisation_id=organisation_id)
    return people.distinct().order_by("full_name", "username")


def department_members(department: Department, *, role: str | None = None) -> list[dict]:
    """Who holds which role in a department: [{username, display_name, role}], by name."""
    memberships = Membership.objects.filter(department=department, user__is_active=True)
    if role:
        memberships = memberships.filter(role=role)
    return [
        {"username": m.user.username, "display_name": m.user.display_name, "role": m.role}
        for m in memberships.select_related("user").order_by("user__full_name", "role")
    ]


def audit_events(
    *,
    department: Department | None = None,
    actor: str = "",
    action: str = "",
    about: str = "",
    date_from=None,
    date_to=None,
    unreviewed: bool = False,
    before: int | None = None,
    limit: int = 50,
) -> list[AuditEvent]:
    """A page of the audit trail, newest first, read by sequence (no count of the whole table):
    events older than `before`, filtered; each with its reviews."""
    events = AuditEvent.objects.select_related("actor").prefetch_related("reviews__reviewer")
    if department is not None:
        events = events.filter(department_events(department))
    if actor:
        events = events.filter(actor_label__iexact=actor)
    if action:
        events = events.filter(action__startswith=action)
    if about:
        events = events.filter(Q(object_repr__icontains=about) | Q(object_id=about))
    if date_from:
        events = events.filter(created_at__date__gte=date_from)
    if date_to:
        events = events.filter(created_at__date__lte=date_to)
    if unreviewed:
        events = events.filter(reviews__isnull=True)
    if before:
        events = events.filter(sequence__lt=before)
    return list(events.order_by("-sequence")[: limit + 1])


def audit_last_check() -> AuditCheck | None:
    return AuditCheck.objects.order_by("-ran_at").first()


def notifications_of(user, *, unread: bool = False) -> QuerySet[Notification]:
    """A person's notifications, newest first (the bell's page and the API)."""
    notifications = Notification.objects.filter(recipient=user).order_by("-id")
    return notifications.filter(read_at__isnull=True) if unread else notifications


def unread_count(user) -> int:
    if user is None or not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def api_tokens_of(user) -> QuerySet[ApiToken]:
    """A person's signed-in devices, the most recently used first."""
    return ApiToken.objects.filter(user=user).order_by(
        F("last_used_at").desc(nulls_last=True), "-created"
    )
