"""Who reads which of a vendor's private fields, on its page, through the API and in the audit
trail: the vendor itself and administrators all; finance officers what the quota audit needs
(NIB, the capital and sales behind its scale, why its status changed), never its NPWP, phone,
e-mail, address or bank account; department staff and other vendors none. The trail keeps of
those only a keyed fingerprint (and an account's last four digits)."""

import json

import pytest
from django.utils import timezone

from market.models import AuditEvent, DepartmentRole
from market.services.audit import _link
from market.services.notifications import notification_preferences_set
from tests.factories import (
    UserFactory,
    VendorFactory,
    documents_uploaded,
    finance_officer,
    member,
    vendor_member,
)
from tests.vendors.test_services import registration
from vendors.models import Vendor
from vendors.permissions import AUDITOR_FIELDS, PRIVATE_FIELDS
from vendors.services import vendor_register, vendor_transition, vendor_update

pytestmark = pytest.mark.django_db

NEVER_FOR_AUDITORS = {"npwp", "phone", "email", "address", "bank_account_number", "bank_name"}


def test_the_trail_fingerprints_every_private_field_finance_officers_may_not_read():
    """The model's audit declaration and the page's permissions name the same fields."""
    fingerprinted = Vendor.audit_reading.private
    assert fingerprinted == set(PRIVATE_FIELDS) - AUDITOR_FIELDS - {"created_at"}
    assert fingerprinted >= NEVER_FOR_AUDITORS


@pytest.fixture
def vendor():
    return VendorFactory(
        npwp="0123456789012345",
        phone="+6281234567890",
        bank_account_number="9988776655",
        declared_capital=40_000_000,
    )


def _private(api_as, user, vendor) -> set[str]:
    response = api_as(user).get(f"/api/v1/vendors/{vendor.pk}/")
    assert response.status_code == 200, response.json()
    return set(response.json()) & set(PRIVATE_FIELDS)


def test_each_role_reads_its_own_share_of_the_private_fields(api_as, vendor):
    admin = UserFactory(is_staff=True)
    assert _private(api_as, admin, vendor) == set(PRIVATE_FIELDS)
    assert _private(api_as, vendor_member(vendor), vendor) == set(PRIVATE_FIELDS)
    assert _private(api_as, finance_officer(), vendor) == AUDITOR_FIELDS
    assert not AUDITOR_FIELDS & NEVER_FOR_AUDITORS
    assert _private(api_as, member(DepartmentRole.REQUESTER), vendor) == set()
    assert _private(api_as, member(DepartmentRole.TREASURER), vendor) == set()


def test_the_vendor_page_shows_finance_officers_no_contact_tax_or_bank_details(login, vendor):
    page = login(finance_officer()).get(f"/vendors/{vendor.pk}/").content.decode()
    assert vendor.nib in page and "40.000.000" in page
    for secret in ("0123456789012345", "+6281234567890", "9988776655", vendor.email):
        assert secret not in page
    own = login(vendor_member(vendor)).get(f"/vendors/{vendor.pk}/").content.decode()
    assert "9988776655" in own and "0123456789012345" in own


def _trail() -> str:
    return json.dumps(list(AuditEvent.objects.values("before", "after")))


def test_the_trail_keeps_fingerprints_of_private_fields_never_their_values():
    vendor = vendor_register(**registration())
    owner = vendor.members.get().user
    vendor_update(
        vendor=vendor,
        by=owner,
        phone="0813 5555 0001",
        address="Jl. Sungai Kakap 9",
        email="baru@umkm.example",
        bank_account_number="2000300004",
    )
    documents_uploaded(vendor)
    vendor_transition(vendor=vendor, action="verify", by=UserFactory(is_staff=True))
    notification_preferences_set(user=owner, by=owner, whatsapp_number="0813 5555 0002")

    trail = _trail()
    for secret in (
        "012345678701000",  # NPWP
        "+6281234567890",  # phones and WhatsApp numbers
        "+6281355550001",
        "+6281355550002",
        "Jl. Parit Baru 3",  # addresses
        "Jl. Sungai Kakap 9",
        "tani@umkm.example",  # e-mail
        "baru@umkm.example",
        "1000200001",  # bank accounts
        "2000300004",
    ):
        assert secret not in trail
    update = AuditEvent.objects.get(action="vendor.update")
    before, after = update.before["bank_account_number"], update.after["bank_account_number"]
    assert (before["last4"], after["last4"]) == ("0001", "0004")
    from market.audit_privacy import audit_fingerprint

    assert after["fingerprint"] == audit_fingerprint("2000300004", key_id=after["key_id"])
    assert update.before["phone"]["fingerprint"] != update.after["phone"]["fingerprint"]
    # What finance officers may read stays as it was: the proof of a scale, the NIB.
    registered = AuditEvent.objects.get(action="vendor.register")
    assert registered.after["nib"] == "9120100000001"
    assert registered.after["declared_capital"] == 150_000_000
    preferences = AuditEvent.objects.get(action="person.notification_preferences")
    assert "fingerprint" in preferences.after["whatsapp_number"]


def _written_before_fingerprints(vendor) -> AuditEvent:
    """An event as the trail kept it before fingerprints: private values in full."""
    event = AuditEvent(
        created_at=timezone.now(),
        actor_label="system",
        action="vendor.update",
        object_type="vendors.vendor",
        object_id=str(vendor.pk),
        object_repr=str(vendor),
        before={"phone": "+6281200000001", "bank_account_number": "5566778899"},
        after={"phone": vendor.phone, "bank_account_number": vendor.bank_account_number},
    )
    _link([event])
    return event


def test_the_audit_page_shows_private_fields_only_to_those_who_may_read_them(login, vendor):
    _written_before_fingerprints(vendor)
    vendor_update(vendor=vendor, by=vendor_member(vendor), address="Jl. Rahasia 7")
    secrets = ("+6281200000001", "5566778899", vendor.phone, "9988776655", "Jl. Rahasia 7")

    page = login(finance_officer()).get("/audit/").content.decode()
    assert "vendor.update" in page
    for secret in secrets:
        assert secret not in page
    assert "disembunyikan" in page  # the old event's values, not theirs to read
    assert "sidik jari" in page  # the new event's fingerprint of the address
    # An administrator reads them on the vendor's page, and so in the events kept in full.
    admin_page = login(UserFactory(is_staff=True)).get("/audit/").content.decode()
    assert "+6281200000001" in admin_page and "5566778899" in admin_page
    assert "Jl. Rahasia 7" not in admin_page  # the new event kept only its fingerprint
