"""A vendor's tax profile: declared by its owner on a page or through the API, every problem
named at once, checked by an administrator against the documents, audited with the NIK kept
only as a fingerprint, and read by the taxes only once checked."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from market.models import AuditEvent, DepartmentRole
from procurement.taxes import vendor_taxes
from tests.factories import (
    UserFactory,
    VendorFactory,
    documents_uploaded,
    finance_officer,
    member,
    vendor_member,
)
from vendors.models import TaxProfileStatus, VendorRole, VendorTaxProfile

pytestmark = pytest.mark.django_db

NIK = "6112014501900003"  # Kubu Raya, a woman born 5 January 1990
CERTIFICATE = {
    "taxpayer_kind": "entity",
    "final_certificate_number": "KET-00123/PP55/WPJ.20/2025",
    "final_valid_from": "2025-06-01",
    "final_valid_to": "2026-05-31",
}


@pytest.fixture
def vendor():
    return VendorFactory()


@pytest.fixture
def owner(vendor):
    return vendor_member(vendor)


def test_the_owner_declares_the_profile_on_the_page_and_it_waits_for_a_check(client, vendor, owner):
    client.force_login(owner)
    answer = client.post(reverse("vendor-tax-profile"), {**CERTIFICATE, "nik": NIK})
    assert answer.status_code == 302
    profile = VendorTaxProfile.objects.get(vendor=vendor)
    assert profile.final_valid_to == datetime.date(2026, 5, 31)
    assert profile.status == TaxProfileStatus.DECLARED
    event = AuditEvent.objects.get(action="vendor.tax_profile.update")
    assert NIK not in str(event.after) and "fingerprint" in str(event.after["nik"])
    page = client.get(reverse("vendor-tax-profile")).content.decode()
    assert "Waiting for a check" in page or "Menunggu" in page


def test_every_problem_is_named_at_once_and_nothing_is_written(client, api_as, vendor, owner):
    bad = {
        "taxpayer_kind": "entity",
        "nik": "12345",
        "final_certificate_number": "KET-1",
        "final_valid_from": "2026-05-31",
        "final_valid_to": "2025-06-01",
        "small_turnover_year": 2026,
    }
    client.force_login(owner)
    page = client.post(reverse("vendor-tax-profile"), bad, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    errors = page.context["form"].errors
    assert set(errors) == {"nik", "final_valid_to", "small_turnover_year"}
    answer = api_as(owner).put(reverse("api:vendor-tax-profile"), bad, format="json")
    assert answer.status_code == 400
    assert set(answer.json()["error"]["fields"]) == {"nik", "final_valid_to", "small_turnover_year"}
    assert not VendorTaxProfile.objects.exists()


def test_a_certificate_needs_its_number_and_both_dates(api_as, owner):
    answer = api_as(owner).put(
        reverse("api:vendor-tax-profile"),
        {"taxpayer_kind": "entity", "final_valid_from": "2025-06-01"},
        format="json",
    )
    assert set(answer.json()["error"]["fields"]) == {"final_certificate_number", "final_valid_to"}


def test_a_certificate_that_is_not_a_pdf_is_refused(api_as, owner):
    fake = SimpleUploadedFile("suket.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    answer = api_as(owner).post(
        reverse("api:vendor-documents"), {"kind": "pp55", "file": fake}, format="multipart"
    )
    assert answer.status_code == 400 and "file" in answer.json()["error"]["fields"]


def test_only_the_owner_keeps_it_members_read_it_others_see_nothing(client, api_as, vendor):
    clerk = vendor_member(vendor, role=VendorRole.STAFF)
    client.force_login(clerk)
    assert client.get(reverse("vendor-tax-profile")).status_code == 200
    assert client.post(reverse("vendor-tax-profile"), {"nik": ""}).status_code == 403
    answer = api_as(clerk).put(reverse("api:vendor-tax-profile"), {}, format="json")
    assert answer.status_code == 403  # refused before the (empty) input is read
    for outsider in (member(DepartmentRole.TREASURER), UserFactory()):
        client.force_login(outsider)
        assert client.get(reverse("vendor-tax-profile")).status_code == 404
        assert api_as(outsider).get(reverse("api:vendor-tax-profile")).status_code == 404
    assert not VendorTaxProfile.objects.exists()


def test_an_administrator_checks_it_once_the_documents_are_there(client, api_as, vendor, owner):
    api_as(owner).put(reverse("api:vendor-tax-profile"), {**CERTIFICATE, "nik": NIK}, "json")
    vendor.npwp = ""  # a vendor without NPWP: the NIK stands for it once checked
    taxes = vendor_taxes(vendor)
    assert not taxes.has_tax_number
    assert not taxes.final_certificate_valid_on(datetime.date(2026, 1, 5))

    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    url = reverse("vendor-tax-profile-check", args=[vendor.pk])
    client.post(url)
    assert VendorTaxProfile.objects.get().status == TaxProfileStatus.DECLARED  # no Suket yet

    documents_uploaded(vendor, kinds=("pp55",))
    client.post(url)
    profile = VendorTaxProfile.objects.get()
    assert (profile.status, profile.checked_by) == (TaxProfileStatus.VERIFIED, admin)
    assert AuditEvent.objects.filter(action="vendor.tax_profile.check").exists()
    vendor.refresh_from_db()
    vendor.npwp = ""
    taxes = vendor_taxes(vendor)
    assert taxes.has_tax_number
    assert taxes.final_certificate_valid_on(datetime.date(2026, 5, 31))
    assert not taxes.final_certificate_valid_on(datetime.date(2026, 6, 1))

    # A change waits for a check again.
    api_as(owner).put(reverse("api:vendor-tax-profile"), {**CERTIFICATE, "is_pkp": True}, "json")
    assert VendorTaxProfile.objects.get().status == TaxProfileStatus.DECLARED


def test_nobody_but_an_administrator_checks_it(client, vendor, owner):
    VendorTaxProfile.objects.create(vendor=vendor)
    client.force_login(owner)
    answer = client.post(reverse("vendor-tax-profile-check", args=[vendor.pk]))
    assert answer.status_code == 403
    assert VendorTaxProfile.objects.get().status == TaxProfileStatus.DECLARED


def test_the_nik_reaches_only_those_who_read_the_vendors_npwp(client, api_as, vendor, owner):
    api_as(owner).put(reverse("api:vendor-tax-profile"), {**CERTIFICATE, "nik": NIK}, "json")
    client.force_login(finance_officer())
    trail = client.get(reverse("audit-trail")).content.decode()
    assert NIK not in trail
