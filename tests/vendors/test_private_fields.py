"""Who reads which of a vendor's private fields, on its page and through the API: the vendor
itself and administrators all; finance officers what the quota audit needs (NIB, the capital
and sales behind its scale, why its status changed), never its NPWP, phone, e-mail, address or
bank account; department staff and other vendors none."""

import pytest

from market.models import DepartmentRole
from tests.factories import UserFactory, VendorFactory, finance_officer, member, vendor_member
from vendors.permissions import AUDITOR_FIELDS, PRIVATE_FIELDS

pytestmark = pytest.mark.django_db

NEVER_FOR_AUDITORS = {"npwp", "phone", "email", "address", "bank_account_number", "bank_name"}


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
