"""Demo data of the market app: the Pemda, its departments and the demo logins.

seed_demo calls each app's `demo.seed()` in the order of INSTALLED_APPS; every seed is idempotent.
"""

import functools

from django.contrib.auth.hashers import make_password

from market.models import Department, DepartmentRole, Organisation, OrganisationRole, User
from market.services.accounts import (
    department_create,
    membership_grant,
    organisation_role_grant,
)

DEMO_PASSWORD = "demo"

DEPARTMENTS = [
    ("DISDIK", "Dinas Pendidikan dan Kebudayaan"),
    ("DINKES", "Dinas Kesehatan"),
    ("DISKOPUKM", "Dinas Koperasi, Usaha Mikro dan Perdagangan"),
    ("DISPERTA", "Dinas Pertanian, Tanaman Pangan dan Hortikultura"),
    ("BAPPEDA", "Badan Perencanaan Pembangunan Daerah"),
    ("SETDA", "Sekretariat Daerah"),
    ("BPKAD", "Badan Pengelolaan Keuangan dan Aset Daerah"),
]

# username, full name, department code, department role
DEPARTMENT_STAFF = [
    ("requester", "Rina Pratiwi", "DISDIK", DepartmentRole.REQUESTER),
    ("approver", "Budi Santoso", "DISDIK", DepartmentRole.APPROVER),
    ("receiver", "Siti Aminah", "DISDIK", DepartmentRole.RECEIVER),
    ("treasurer", "Agus Salim", "DISDIK", DepartmentRole.TREASURER),
    ("requester2", "Dewi Lestari", "DINKES", DepartmentRole.REQUESTER),
    ("approver2", "Yohanes Sitorus", "DINKES", DepartmentRole.APPROVER),
    ("receiver2", "Fransiska Lim", "DINKES", DepartmentRole.RECEIVER),
    ("treasurer2", "Ismail Marzuki", "DINKES", DepartmentRole.TREASURER),
    # Every department has its PPK, so that any requester added later can check out.
    ("ppk.diskopukm", "Ratna Sari", "DISKOPUKM", DepartmentRole.APPROVER),
    ("ppk.disperta", "Maman Suherman", "DISPERTA", DepartmentRole.APPROVER),
    ("ppk.bappeda", "Lukas Ginting", "BAPPEDA", DepartmentRole.APPROVER),
    ("ppk.setda", "Hasanah Putri", "SETDA", DepartmentRole.APPROVER),
    ("ppk.bpkad", "Arif Rahman", "BPKAD", DepartmentRole.APPROVER),
]


@functools.cache
def demo_password_hash() -> str:
    """Hashed once: hashing is slow on purpose, and every demo login shares the password."""
    return make_password(DEMO_PASSWORD)


def _user(username: str, full_name: str, **flags) -> User:
    user, _ = User.objects.get_or_create(
        username=username,
        defaults={"full_name": full_name, "password": demo_password_hash(), **flags},
    )
    return user


def seed(context: dict) -> None:
    organisation, _ = Organisation.objects.get_or_create(
        short_name="Pemkab Kubu Raya",
        defaults={
            "name": "Pemerintah Kabupaten Kubu Raya",
            "regency": "Kubu Raya",
            "address": "Jl. Arteri Supadio, Sungai Raya, Kubu Raya, Kalimantan Barat",
        },
    )
    existing = set(Department.objects.values_list("code", flat=True))
    for code, name in DEPARTMENTS:
        if code not in existing:
            department_create(organisation=organisation, code=code, name=name)
    departments = {d.code: d for d in Department.objects.all()}

    admin = _user("admin", "Administrator Platform", is_staff=True, is_superuser=True)
    finance = _user("finance", "Hendra Wijaya")
    organisation_role_grant(
        user=finance, organisation=organisation, role=OrganisationRole.FINANCE, by=admin
    )
    inspector = _user("inspector", "Rahmat Hidayat")
    organisation_role_grant(
        user=inspector, organisation=organisation, role=OrganisationRole.INSPECTOR, by=admin
    )
    for username, full_name, code, role in DEPARTMENT_STAFF:
        person = _user(username, full_name)
        membership_grant(user=person, department=departments[code], role=role, by=admin)

    context.update(organisation=organisation, departments=departments, admin=admin)
