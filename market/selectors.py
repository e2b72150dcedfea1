"""Reads of the market app."""

from dataclasses import dataclass

from django.db.models import Count, F, Prefetch, Q, QuerySet

from market.audit_scope import department_events
from market.models import (
    ApiToken,
    AuditChainHead,
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
from market.services.audit_checkpoints import Checkpoint, audit_checkpoint_latest


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


def organisation_people(role: str, organisation_id: int | None = None) -> QuerySet[User]:
    """The active holders of an organisation-wide role (of one organisation, or of any), by
    name."""
    people = User.objects.filter(organisation_memberships__role=role, is_active=True)
    if organisation_id is not None:
        people = people.filter(organisation_memberships__organisation_id=organisation_id)
    return people.distinct().order_by("full_name", "username")


def finance_officers(organisation_id: int | None = None) -> QuerySet[User]:
    return organisation_people(OrganisationRole.FINANCE, organisation_id)


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


@dataclass(frozen=True)
class ChainStatus:
    """Where the audit trail's proof stands, for the audit page."""

    checkpoint: Checkpoint | None  # the newest signed checkpoint held outside the database
    checkpoint_held: bool  # the trail still holds the event it recorded, with its hash
    written_since: int  # events after it, to be covered by the next one
    last_check: AuditCheck | None  # the last walk of the whole chain (nightly)


def audit_chain_status() -> ChainStatus:
    checkpoint = audit_checkpoint_latest()
    head = AuditChainHead.objects.filter(pk=1).values_list("sequence", flat=True).first() or 0
    held, since = False, head
    if checkpoint is not None:
        held = (
            checkpoint.sequence == 0
            or AuditEvent.objects.filter(
                sequence=checkpoint.sequence, hash=checkpoint.hash
            ).exists()
        )
        since = max(head - checkpoint.sequence, 0)
    return ChainStatus(
        checkpoint=checkpoint,
        checkpoint_held=held,
        written_since=since,
        last_check=AuditCheck.objects.order_by("-ran_at", "-pk").first(),
    )


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
