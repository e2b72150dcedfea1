import re

import pytest

from market.audit_privacy import audit_fingerprint
from market.models import AuditEvent, DepartmentRole, Village
from tests.factories import (
    UserFactory,
    VendorFactory,
    finance_officer,
    member,
    vendor_member,
)
from tests.images import pdf_file
from vendors.models import Vendor, VendorDocument, VendorStatus
from vendors.services import vendor_document_add

pytestmark = pytest.mark.django_db

REGISTRATION = {
    "password": "seragam-lokal-2026",
    "legal_name": "Koperasi Wanita Jahit",
    "nib": "9120100000009",
    "npwp": "3204123412340009",
    "contact_person": "Ibu Aminah",
    "phone": "+62 813 5600 0009",
    "email": "jahit@umkm.example",
    "address": "Jl. Arang Limbung 9",
    "is_cooperative": True,
    "is_women_led": True,
    "declared_capital": 400_000_000,
    "bank_name": "Bank Kalbar",
    "bank_account_number": "2000300009",
}


def test_anyone_can_register_a_business(api_client):
    village = Village.objects.get(code="sungai-raya-arang-limbung")
    response = api_client.post(
        "/api/v1/vendors/register/", {**REGISTRATION, "village": village.pk}, format="json"
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "applied" and body["scale"] == "micro"
    assert body["is_cooperative"] and body["is_women_led"] and body["is_local"]
    assert body["district"] == "sungai-raya" and body["phone"] == "+6281356000009"
    assert re.fullmatch(r"aminah\.\d{4}", body["username"])  # chosen by the platform


def test_registering_never_tells_whether_a_username_exists(api_client):
    UserFactory(username="aminah")
    village = Village.objects.get(code="sungai-raya-arang-limbung")
    response = api_client.post(
        "/api/v1/vendors/register/",
        {**REGISTRATION, "username": "aminah", "village": village.pk},
        format="json",
    )
    # A username sent along is not a field of registration: it is neither used nor judged.
    assert response.status_code == 201 and response.json()["username"] != "aminah"


def test_registration_with_a_village_that_does_not_exist_changes_nothing(api_client):
    response = api_client.post(
        "/api/v1/vendors/register/", {**REGISTRATION, "village": 999_999}, format="json"
    )

    assert response.status_code == 400
    assert "village" in response.json()["error"]["fields"]
    assert not Vendor.objects.exists()


def test_registration_errors_name_every_bad_field(api_client):
    response = api_client.post(
        "/api/v1/vendors/register/",
        {**REGISTRATION, "nib": "123", "npwp": "x", "phone": "abc"},
        format="json",
    )
    error = response.json()["error"]
    assert response.status_code == 400 and error["code"] == "invalid"
    assert {"nib", "npwp", "phone"} <= set(error["fields"])


def test_administrator_verifies_rejects_suspends_and_reinstates(api_as):
    admin = UserFactory(is_staff=True)
    applied = VendorFactory(status=VendorStatus.APPLIED)
    client = api_as(admin)

    missing = client.post(f"/api/v1/vendors/{applied.pk}/verify/", HTTP_ACCEPT_LANGUAGE="en")
    assert missing.status_code == 400 and missing.json()["error"]["code"] == "documents_missing"
    assert "NIB certificate, NPWP card" in missing.json()["error"]["fields"]["reason"][0]
    verified = client.post(
        f"/api/v1/vendors/{applied.pk}/verify/", {"reason": "Dokumen asli diperiksa di kantor"}
    )
    assert verified.json()["status"] == "verified"
    missing_reason = client.post(f"/api/v1/vendors/{applied.pk}/suspend/", {"reason": ""})
    assert missing_reason.status_code == 400
    assert missing_reason.json()["error"]["fields"]["reason"]
    suspended = client.post(f"/api/v1/vendors/{applied.pk}/suspend/", {"reason": "Terlambat"})
    assert suspended.json()["status"] == "suspended"
    assert client.post(f"/api/v1/vendors/{applied.pk}/reinstate/").json()["status"] == "verified"
    conflict = client.post(f"/api/v1/vendors/{applied.pk}/verify/")
    assert conflict.status_code == 409
    assert conflict.json()["error"]["code"] == "invalid_transition"


@pytest.mark.parametrize("who", ["requester", "finance", "vendor"])
def test_nobody_else_may_verify(api_as, who):
    applied = VendorFactory(status=VendorStatus.APPLIED)
    person = {
        "requester": lambda: member(DepartmentRole.REQUESTER),
        "finance": finance_officer,
        "vendor": lambda: vendor_member(applied),
    }[who]()

    response = api_as(person).post(f"/api/v1/vendors/{applied.pk}/verify/")
    assert response.status_code == 403
    applied.refresh_from_db()
    assert applied.status == VendorStatus.APPLIED
    assert not AuditEvent.objects.filter(action="vendor.verify").exists()


def test_buyers_see_only_verified_vendors_and_not_their_private_details(api_as):
    verified = VendorFactory()
    hidden = [VendorFactory(status=status) for status in ("applied", "rejected", "suspended")]
    client = api_as(member(DepartmentRole.REQUESTER))

    listed = client.get("/api/v1/vendors/").json()["results"]
    assert [vendor["id"] for vendor in listed] == [verified.pk]
    assert "nib" not in listed[0] and "bank_account_number" not in listed[0]
    for vendor in hidden:
        assert client.get(f"/api/v1/vendors/{vendor.pk}/").status_code == 404


def test_administrators_see_applications_and_a_vendor_sees_itself(api_as):
    applied = VendorFactory(status=VendorStatus.APPLIED)
    admin_view = api_as(UserFactory(is_staff=True)).get("/api/v1/vendors/", {"status": "applied"})
    assert [v["id"] for v in admin_view.json()["results"]] == [applied.pk]

    own = api_as(vendor_member(applied)).get(f"/api/v1/vendors/{applied.pk}/").json()
    assert own["nib"] == applied.nib and own["status"] == "applied"


def test_vendor_filters(api_as):
    priority = Village.objects.filter(is_priority=True).first()
    coop = VendorFactory(is_cooperative=True, village=priority, scale="small")
    VendorFactory(village=None, is_women_led=True)
    client = api_as(member(DepartmentRole.REQUESTER))

    def ids(**params):
        return [v["id"] for v in client.get("/api/v1/vendors/", params).json()["results"]]

    assert ids(cooperative="true") == [coop.pk]
    assert ids(priority_area="true") == [coop.pk]
    assert ids(scale="small") == [coop.pk]
    assert ids(district=priority.district.code) == [coop.pk]
    assert len(ids(local="false")) == 1 and coop.pk not in ids(local="false")


def test_documents_stay_with_their_vendor(api_as, client, login):
    owner, stranger = vendor_member(), vendor_member()
    vendor = owner.vendor_membership.vendor
    upload = api_as(owner).post(
        "/api/v1/vendor/documents/", {"kind": "nib", "file": pdf_file()}, format="multipart"
    )
    assert upload.status_code == 201, upload.json()
    document = VendorDocument.objects.get(vendor=vendor)

    url = f"/api/v1/vendor/documents/{document.pk}/file/"
    assert api_as(owner).get(url).status_code == 200
    assert api_as(stranger).get(url).status_code == 404
    assert api_as(member(DepartmentRole.REQUESTER)).get(url).status_code == 404
    assert api_as(stranger).get("/api/v1/vendor/documents/").json()["count"] == 0
    assert api_as(UserFactory(is_staff=True)).get(url).status_code == 200
    assert login(stranger).get(f"/vendor/documents/{document.pk}/").status_code == 404


def test_a_bad_document_upload_is_a_clear_400(api_as):
    owner = vendor_member()
    response = api_as(owner).post(
        "/api/v1/vendor/documents/",
        {"kind": "nib", "file": pdf_file().__class__("nib.pdf", b"GIF89a....")},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["file"]
    assert not VendorDocument.objects.exists()


def test_public_statistics_by_district_and_scale(api_client):
    priority = Village.objects.filter(is_priority=True).first()
    VendorFactory(village=priority, is_cooperative=True, is_women_led=True)
    VendorFactory(village=priority)
    VendorFactory(status=VendorStatus.APPLIED, village=priority)
    VendorFactory(village=None, scale="small")

    rows = api_client.get("/api/v1/public/vendor-stats/").json()
    in_district = next(row for row in rows if row["district"] == priority.district.code)
    assert in_district == {
        "district": priority.district.code,
        "district_name": priority.district.name,
        "scale": "micro",
        "vendors": 2,
        "cooperatives": 1,
        "women_led": 1,
        "priority_area": 2,
    }
    outside = next(row for row in rows if row["district"] is None)
    assert outside["vendors"] == 1 and outside["scale"] == "small"


def test_a_vendors_documents_are_listed_for_the_administrator_and_its_own_members(api_as):
    owner = vendor_member()
    vendor = owner.vendor_membership.vendor
    vendor_document_add(vendor=vendor, kind="nib", upload=pdf_file(), by=owner)
    address = f"/api/v1/vendors/{vendor.pk}/documents/"
    for reader in (UserFactory(is_staff=True), owner):
        response = api_as(reader).get(address)
        assert [d["kind"] for d in response.json()["results"]] == ["nib"], reader
    # Someone else's documents are not theirs to see, whoever they are.
    for stranger in (vendor_member(), finance_officer(), UserFactory()):
        assert api_as(stranger).get(address).status_code == 404


def test_the_documents_of_a_vendor_that_does_not_exist_are_not_found(api_as):
    administrator = api_as(UserFactory(is_staff=True))
    response = administrator.get(f"/api/v1/vendors/{Vendor.objects.count() + 1000}/documents/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_type_errors_and_rule_errors_come_in_one_answer(api_client):
    response = api_client.post(
        "/api/v1/vendors/register/",
        {**REGISTRATION, "village": "outside", "declared_capital": "banyak", "nib": "123"},
        format="json",
    )
    assert response.status_code == 400
    assert {"declared_capital", "nib"} <= set(response.json()["error"]["fields"])
    assert not Vendor.objects.exists()


def test_a_registration_that_fails_its_checks_never_reaches_the_service(api_client, calls_of):
    """The input is checked once, every field's type and the service's own field rules
    together; the service runs only on input that passed them all."""
    from vendors import services

    registering = calls_of(services, "vendor_register")
    response = api_client.post(
        "/api/v1/vendors/register/",
        {**REGISTRATION, "declared_capital": "banyak", "nib": "123", "phone": "abc"},
        format="json",
    )
    assert response.status_code == 400
    assert {"declared_capital", "nib", "phone", "village"} <= set(
        response.json()["error"]["fields"]
    )
    assert registering == []


def test_a_business_outside_the_regency_says_so(api_client):
    response = api_client.post(
        "/api/v1/vendors/register/", {**REGISTRATION, "village": "outside"}, format="json"
    )
    assert response.status_code == 201 and response.json()["is_local"] is False
    missing = api_client.post(
        "/api/v1/vendors/register/",
        {**REGISTRATION, "nib": "9120100000010", "npwp": "3204123412340010"},
        format="json",
    )
    assert missing.status_code == 400 and "village" in missing.json()["error"]["fields"]


def test_a_vendor_changes_its_contact_and_bank_account_but_not_its_identity(api_as):
    owner = vendor_member()
    client = api_as(owner)
    changed = client.patch(
        "/api/v1/vendor/profile/",
        {"bank_account_number": "3000-4000-55", "contact_person": "Ibu Sari Dewi"},
        format="json",
    )
    assert changed.status_code == 200, changed.json()
    assert changed.json()["bank_account_number"] == "3000400055"
    kept = AuditEvent.objects.get(action="vendor.update").after["contact_person"]
    assert kept["fingerprint"] == audit_fingerprint("Ibu Sari Dewi")  # market.audit_privacy

    refused = client.patch(
        "/api/v1/vendor/profile/",
        {"legal_name": "PT Lain", "bank_account_number": "x"},
        format="json",
    )
    assert refused.status_code == 400
    assert set(refused.json()["error"]["fields"]) == {"bank_account_number", "legal_name"}
    owner.vendor_membership.vendor.refresh_from_db()
    assert owner.vendor_membership.vendor.legal_name != "PT Lain"


def test_a_field_the_profile_does_not_take_is_refused_whatever_it_holds(api_as):
    refused = api_as(vendor_member()).patch(
        "/api/v1/vendor/profile/", {"nib": [1], "legal_name": {"a": 1}}, format="json"
    )
    assert refused.status_code == 400
    assert set(refused.json()["error"]["fields"]) == {"nib", "legal_name"}
