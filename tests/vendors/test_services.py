import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from market.errors import Conflict, InvalidInput, NotAllowed
from market.files.uploads import UploadRejected
from market.models import AuditEvent, User, Village
from tests.factories import UserFactory, VendorFactory, documents_uploaded, vendor_member
from tests.images import exif_with_gps_and_rotation, image_file, pdf_bytes, pdf_file
from vendors.models import ScaleCriteria, Vendor, VendorStatus
from vendors.services import (
    OUTSIDE_REGENCY,
    VendorError,
    scale_for,
    vendor_document_add,
    vendor_member_add,
    vendor_register,
    vendor_transition,
)

pytestmark = pytest.mark.django_db

JUTA = 1_000_000


def registration(**overrides) -> dict:
    details = {
        "password": "beras-lokal-2026",
        "legal_name": "UD Tani Padi",
        "nib": "9120 1000 0000 1",
        "npwp": "01.234.567.8-701.000",
        "contact_person": "Pak Rahmat",
        "phone": "0812-3456-7890",
        "email": "tani@umkm.example",
        "address": "Jl. Parit Baru 3",
        "village": Village.objects.get(code="batu-ampar-padang-tikar-satu"),
        "declared_capital": 150 * JUTA,
        "declared_annual_sales": 600 * JUTA,
        "bank_name": "Bank Kalbar",
        "bank_account_number": "1000200001",
    }
    return {**details, **overrides}


def test_registration_creates_the_login_and_an_applied_vendor_with_normalised_numbers():
    vendor = vendor_register(**registration())

    assert vendor.status == VendorStatus.APPLIED
    assert (vendor.nib, vendor.npwp, vendor.phone) == (
        "9120100000001",
        "012345678701000",
        "+6281234567890",
    )
    assert vendor.scale == "micro" and not vendor.scale_is_declared
    assert vendor.is_local and vendor.in_priority_area
    owner = vendor.members.get()
    assert owner.role == "owner" and owner.user.check_password("beras-lokal-2026")
    assert AuditEvent.objects.filter(action="vendor.register", object_id=str(vendor.pk)).exists()


@pytest.mark.parametrize(
    ("capital", "sales", "scale"),
    [
        (1_000 * JUTA, None, "micro"),
        (1_000 * JUTA + 1, None, "small"),
        (None, 15_000 * JUTA, "small"),
        (None, 15_000 * JUTA + 1, "medium"),
        (10_000 * JUTA, 50_000 * JUTA, "medium"),
        (11_000 * JUTA, None, "large"),
        (100 * JUTA, 20_000 * JUTA, "medium"),  # both given: the larger of the two
        (None, None, None),
    ],
)
def test_scale_follows_pp_7_2021(capital, sales, scale):
    assert scale_for(capital=capital, annual_sales=sales) == scale


def test_scale_thresholds_are_data_an_administrator_can_change():
    ScaleCriteria.objects.create(
        effective_from=datetime.date(2026, 1, 1),
        regulation="Peraturan baru",
        micro_capital_max=2_000 * JUTA,
        micro_sales_max=4_000 * JUTA,
        small_capital_max=6_000 * JUTA,
        small_sales_max=20_000 * JUTA,
        medium_capital_max=12_000 * JUTA,
        medium_sales_max=60_000 * JUTA,
    )
    assert scale_for(capital=1_500 * JUTA, annual_sales=None) == "micro"
    old_day = datetime.date(2025, 6, 1)
    assert scale_for(capital=1_500 * JUTA, annual_sales=None, on=old_day) == "small"


def test_a_declared_scale_is_used_when_figures_are_withheld():
    vendor = vendor_register(
        **registration(declared_capital=None, declared_annual_sales=None, declared_scale="small")
    )
    assert vendor.scale == "small" and vendor.scale_is_declared


def test_a_vendor_outside_the_regency_may_register_but_is_not_local():
    vendor = vendor_register(**registration(village=OUTSIDE_REGENCY))
    assert not vendor.is_local and not vendor.in_priority_area


def test_the_village_is_a_choice_to_make_not_a_default():
    with pytest.raises(InvalidInput) as refused:
        vendor_register(**registration(village=None))
    assert list(refused.value.fields) == ["village"]
    assert not Vendor.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"nib": "12345"}, "nib"),
        ({"nib": "912010000000A"}, "nib"),
        ({"npwp": "1234567890123"}, "npwp"),
        ({"phone": "12345"}, "phone"),
        ({"phone": "+1 555 0100 200"}, "phone"),
        ({"email": "not-an-email"}, "email"),
        ({"password": "123"}, "password"),
        ({"contact_person": "Rahmatullah Hidayat", "password": "rahmatullah"}, "password"),
        ({"legal_name": "  "}, "legal_name"),
        ({"declared_capital": -1}, "declared_capital"),
        ({"declared_capital": None, "declared_annual_sales": None}, "declared_scale"),
    ],
)
def test_bad_input_is_refused_field_by_field_and_nothing_is_written(overrides, field):
    users = User.objects.count()
    with pytest.raises(InvalidInput) as refused:
        vendor_register(**registration(**overrides))

    assert field in refused.value.fields
    assert User.objects.count() == users and not Vendor.objects.exists()


def test_duplicate_nib_or_npwp_are_refused_in_indonesian():
    vendor_register(**registration())
    with pytest.raises(InvalidInput) as refused:
        vendor_register(**registration(email="other@umkm.example"))

    assert set(refused.value.fields) == {"nib", "npwp"}
    assert "sudah terdaftar" in refused.value.fields["nib"][0]
    assert Vendor.objects.count() == 1


def test_verification_steps_follow_the_transition_table():
    admin, vendor = UserFactory(is_staff=True), vendor_register(**registration())
    documents_uploaded(vendor)

    vendor = vendor_transition(vendor=vendor, action="verify", by=admin)
    assert vendor.status == VendorStatus.VERIFIED
    vendor = vendor_transition(vendor=vendor, action="suspend", by=admin, reason="Tidak kirim")
    assert (vendor.status, vendor.status_reason) == (VendorStatus.SUSPENDED, "Tidak kirim")
    vendor = vendor_transition(vendor=vendor, action="reinstate", by=admin)
    assert vendor.status == VendorStatus.VERIFIED

    with pytest.raises(Conflict):
        vendor_transition(vendor=vendor, action="reject", by=admin, reason="terlambat")
    actions = AuditEvent.objects.filter(object_id=str(vendor.pk)).values_list("action", flat=True)
    assert {"vendor.verify", "vendor.suspend", "vendor.reinstate"} <= set(actions)
    suspend = AuditEvent.objects.get(action="vendor.suspend")
    assert suspend.before["status"] == "verified" and suspend.after["status"] == "suspended"


def test_rejecting_or_suspending_needs_a_reason():
    admin, vendor = UserFactory(is_staff=True), vendor_register(**registration())
    with pytest.raises(VendorError) as refused:
        vendor_transition(vendor=vendor, action="reject", by=admin, reason="  ")
    assert refused.value.field == "reason" and "alasan" in str(refused.value.message).lower()
    vendor.refresh_from_db()
    assert vendor.status == VendorStatus.APPLIED


def test_only_administrators_verify():
    vendor = vendor_register(**registration())
    for person in (UserFactory(), vendor.members.get().user):
        with pytest.raises(NotAllowed):
            vendor_transition(vendor=vendor, action="verify", by=person)


def test_documents_are_checked_by_content_and_images_lose_their_metadata():
    owner = vendor_member()
    vendor = owner.vendor_membership.vendor

    pdf = vendor_document_add(vendor=vendor, kind="nib", upload=pdf_file(), by=owner)
    assert pdf.content_type == "application/pdf" and pdf.file.name.endswith(".pdf")

    photo = image_file(size=(40, 20), exif=exif_with_gps_and_rotation(), name="npwp.pdf")
    scan = vendor_document_add(vendor=vendor, kind="npwp", upload=photo, by=owner)
    assert scan.content_type == "image/jpeg" and scan.file.name.endswith(".jpg")
    with scan.file.open("rb") as stored:
        from PIL import Image

        with Image.open(stored) as image:
            assert image.size == (20, 40)  # turned upright by its EXIF orientation
            assert not image.getexif()  # GPS, maker and orientation are gone


@pytest.mark.parametrize(
    "upload",
    [
        pytest.param(lambda: image_file("GIF", name="nib.gif"), id="gif"),
        pytest.param(lambda: pdf_file().__class__("nib.pdf", b"MZ\x90\x00 not a pdf"), id="exe"),
        pytest.param(lambda: pdf_file().__class__("nib.pdf", b"%PDF-1.4 cut short"), id="broken"),
    ],
)
def test_other_files_are_refused_and_nothing_is_kept(upload, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    owner = vendor_member()
    with pytest.raises(UploadRejected):
        vendor_document_add(
            vendor=owner.vendor_membership.vendor, kind="nib", upload=upload(), by=owner
        )
    assert not list(tmp_path.rglob("*.*"))


def test_files_over_ten_megabytes_are_refused(settings):
    settings.UPLOAD_MAX_BYTES = 1000
    owner = vendor_member()
    big = pdf_file().__class__("big.pdf", b"%PDF-1.4" + b"0" * 2000 + b"%%EOF")
    with pytest.raises(UploadRejected, match="10 MB"):
        vendor_document_add(vendor=owner.vendor_membership.vendor, kind="nib", upload=big, by=owner)


def test_a_vendor_cannot_add_documents_to_another_vendor():
    owner, other = vendor_member(), VendorFactory()
    with pytest.raises(NotAllowed):
        vendor_document_add(vendor=other, kind="nib", upload=pdf_file(), by=owner)
    assert not other.documents.exists()


def test_owners_add_members_with_their_own_logins():
    owner = vendor_member()
    vendor = owner.vendor_membership.vendor
    member = vendor_member_add(
        vendor=vendor,
        username="staf_gudang",
        password="gudang-beras-99",
        full_name="Staf",
        by=owner,
    )
    assert member.vendor == vendor and member.role == "staff"
    with pytest.raises(NotAllowed):
        vendor_member_add(
            vendor=vendor, username="x2", password="gudang-beras-99", full_name="X", by=member.user
        )


def test_a_member_needs_a_name_and_the_username_must_be_free_in_any_case():
    owner = vendor_member()
    vendor = owner.vendor_membership.vendor
    UserFactory(username="Sari")
    with pytest.raises(InvalidInput) as refused:
        vendor_member_add(
            vendor=vendor, username="sari", password="sari-jahit-2026", full_name=" ", by=owner
        )
    assert set(refused.value.fields) == {"full_name", "username"}


def test_only_the_owner_or_an_administrator_changes_where_the_money_goes():
    from vendors.services import vendor_update

    owner = vendor_member()
    vendor = owner.vendor_membership.vendor
    staff = vendor_member(vendor, role="staff")
    with pytest.raises(InvalidInput) as refused:
        vendor_update(vendor=vendor, by=staff, bank_account_number="9999999999")
    assert list(refused.value.fields) == ["bank_account_number"]
    vendor_update(vendor=vendor, by=staff, contact_person="Pak Budi")  # contact details: yes
    vendor_update(vendor=vendor, by=owner, bank_account_number="9999999999")
    vendor.refresh_from_db()
    assert (vendor.contact_person, vendor.bank_account_number) == ("Pak Budi", "9999999999")


def _with_script(writer):
    script = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("x()")}
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(script)


@pytest.mark.parametrize(
    ("content", "code"),
    [
        pytest.param(lambda: pdf_bytes(_with_script), "active_pdf", id="javascript"),
        pytest.param(
            lambda: pdf_bytes(_with_script).replace(b"/JavaScript", b"/J#61vaScript"),
            "active_pdf",
            id="javascript-spelt-with-escapes",
        ),
        pytest.param(
            lambda: pdf_bytes(lambda w: w.add_attachment("run.exe", b"MZ")),
            "active_pdf",
            id="attached-file",
        ),
        pytest.param(
            lambda: pdf_bytes(lambda w: w.encrypt("secret", algorithm="RC4-128")),
            "unreadable_pdf",
            id="password",
        ),
    ],
)
def test_a_pdf_carrying_scripts_or_files_is_refused_and_nothing_is_kept(
    content, code, settings, tmp_path
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    owner = vendor_member()
    upload = SimpleUploadedFile("nib.pdf", content())
    with pytest.raises(UploadRejected) as refused:
        vendor_document_add(
            vendor=owner.vendor_membership.vendor, kind="nib", upload=upload, by=owner
        )
    assert refused.value.code == code and "PDF" in refused.value.message
    assert not list(tmp_path.rglob("*.*"))


def test_verifying_needs_the_nib_and_npwp_documents_and_says_which_are_missing():
    admin, vendor = UserFactory(is_staff=True), vendor_register(**registration())
    with pytest.raises(VendorError) as refused:
        vendor_transition(vendor=vendor, action="verify", by=admin)
    assert (refused.value.field, refused.value.code) == ("reason", "documents_missing")
    assert "Sertifikat NIB, Kartu NPWP" in str(refused.value.message)

    documents_uploaded(vendor, kinds=["nib", "other"])
    with pytest.raises(VendorError) as refused:
        vendor_transition(vendor=vendor, action="verify", by=admin)
    assert "Kartu NPWP" in str(refused.value.message)
    assert "Sertifikat NIB" not in str(refused.value.message)
    vendor.refresh_from_db()
    assert vendor.status == VendorStatus.APPLIED
    assert not AuditEvent.objects.filter(action="vendor.verify").exists()

    documents_uploaded(vendor, kinds=["npwp"])
    assert vendor_transition(vendor=vendor, action="verify", by=admin).status == "verified"
    assert AuditEvent.objects.get(action="vendor.verify").after["documents_missing"] == []


def test_without_documents_a_vendor_is_verified_only_with_the_reason_recorded_and_audited():
    admin, vendor = UserFactory(is_staff=True), vendor_register(**registration())
    reason = "NIB dan NPWP asli diperiksa di kantor kecamatan"
    vendor = vendor_transition(vendor=vendor, action="verify", by=admin, reason=f"  {reason} ")
    assert (vendor.status, vendor.status_reason) == (VendorStatus.VERIFIED, reason)
    event = AuditEvent.objects.get(action="vendor.verify")
    assert event.after["status_reason"] == reason
    assert event.after["documents_missing"] == ["nib", "npwp"]
