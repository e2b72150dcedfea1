"""Models of the project's ground: accounts and roles, regions, audit trail, notifications and
the jobs that leave with them."""

from market.models.accounts import (
    Department,
    DepartmentRole,
    Membership,
    Organisation,
    OrganisationMembership,
    OrganisationRole,
    User,
)
from market.models.api_tokens import ApiToken
from market.models.audit import AuditChainHead, AuditCheck, AuditEvent, AuditReview
from market.models.notifications import (
    OPTIONAL_CHANNELS,
    Channel,
    ChannelPreference,
    Notification,
    OutboxMessage,
)
from market.models.outbox import Job
from market.models.phone_codes import PhoneCode
from market.models.regions import District, Village

__all__ = [
    "OPTIONAL_CHANNELS",
    "ApiToken",
    "AuditChainHead",
    "AuditCheck",
    "AuditEvent",
    "AuditReview",
    "Channel",
    "ChannelPreference",
    "Department",
    "DepartmentRole",
    "District",
    "Job",
    "Membership",
    "Notification",
    "Organisation",
    "OrganisationMembership",
    "OrganisationRole",
    "OutboxMessage",
    "PhoneCode",
    "User",
    "Village",
]
