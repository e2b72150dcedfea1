"""Creating people, granting or revoking their roles, and setting their passwords."""

from django.core.exceptions import ValidationError

from market.errors import InvalidInput
from market.locks import lock_row
from market.models import (
    Department,
    DepartmentRole,
    Membership,
    Organisation,
    OrganisationMembership,
    OrganisationRole,
    User,
)
from market.services.audit import audit_record
from market.transactions import action


def _checked(department: Department) -> None:
    try:
        department.full_clean()
    except ValidationError as invalid:
        raise InvalidInput(invalid.message_dict) from None


@action
def department_create(
    *, organisation: Organisation, code: str, name: str, address: str = "", by=None
) -> Department:
    department = Department(
        organisation=organisation,
        code=code.strip().upper(),
        name=name.strip(),
        address=(address or "").strip(),
    )
    _checked(department)
    department.save()
    audit_record(
        actor=by,
        action="department.create",
        target=department,
        after={"code": department.code, "name": department.name, "address": department.address},
    )
    return department


@action
def department_update(
    *, department: Department, name: str, address: str, is_active: bool, by=None
) -> Department:
    department = lock_row(Department.objects, department.pk)
    before = {
        "name": department.name,
        "address": department.address,
        "active": department.is_active,
    }
    department.name, department.address, department.is_active = name.strip(), address, is_active
    _checked(department)
    department.save(update_fields=["name", "address", "is_active"])
    after = {"name": department.name, "address": department.address, "active": department.is_active}
    audit_record(
        actor=by, action="department.update", target=department, before=before, after=after
    )
    return department


@action
def membership_grant(*, user: User, department: Department, role: str, by=None) -> Membership:
    role = DepartmentRole(role)
    membership, created = Membership.objects.get_or_create(
        user=user, department=department, role=role
    )
    if created:
        audit_record(
            actor=by,
            action="membership.grant",
            target=membership,
            after={"user": user.username, "department": department.code, "role": role.value},
        )
    return membership


@action
def membership_revoke(*, membership: Membership, by=None) -> None:
    snapshot = {
        "user": membership.user.username,
        "department": membership.department.code,
        "role": membership.role,
    }
    audit_record(actor=by, action="membership.revoke", target=membership, before=snapshot)
    membership.delete()


@action
def organisation_role_grant(
    *, user: User, organisation: Organisation, role: str, by=None
) -> OrganisationMembership:
    role = OrganisationRole(role)
    membership, created = OrganisationMembership.objects.get_or_create(
        user=user, organisation=organisation, role=role
    )
    if created:
        audit_record(
            actor=by,
            action="organisation_role.grant",
            target=membership,
            after={"user": user.username, "role": role.value},
        )
    return membership


@action
def password_set(*, user: User, password: str, by) -> None:
    """A new password (the reset link's form): audited; every API token of the person goes
    with the old password (market.signals)."""
    user = lock_row(User.objects, user.pk)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(actor=by, action="user.password_set", target=user)
