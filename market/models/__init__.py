"""Models of the project's ground: accounts and roles, regions, audit trail."""

from market.models.accounts import (
    Department,
    DepartmentRole,
    Membership,
    Organisation,
    OrganisationMembership,
    OrganisationRole,
    User,
)
from market.models.audit import AuditChainHead, AuditCheck, AuditEvent, AuditReview
from market.models.regions import District, Village

__all__ = [
    "AuditChainHead",
    "AuditCheck",
    "AuditEvent",
    "AuditReview",
    "Department",
    "DepartmentRole",
    "District",
    "Membership",
    "Organisation",
    "OrganisationMembership",
    "OrganisationRole",
    "User",
    "Village",
]
